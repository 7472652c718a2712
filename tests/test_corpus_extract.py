"""Every corpus file — the 47 texts and the 3 PDFs — yields schema-valid output whose evidence quotes the text."""
import pytest

from ie.extract import extract_file
from ie.paths import corpus_dir
from ie.schema import schema_errors

CORPUS = corpus_dir()
FILES = sorted(CORPUS.glob("*.txt")) + sorted((CORPUS / "orig").glob("*.pdf")) if CORPUS.is_dir() else []


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_corpus_extract_schema_valid(path):
    report = extract_file(path, use_model=False)
    assert schema_errors(report) == []
    text = report["text"]
    for field, ev in report["evidence"].items():
        assert text[ev["start"]:ev["end"]] == ev["quote"], field
    for ent in report["entities"]:
        assert text[ent["start"]:ent["end"]] == ent["text"]
    for doc in report["documents"]:
        assert 0 <= doc["start"] < doc["end"] <= len(text)


def test_corpus_extract_found_files():
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not found at {CORPUS}")
    assert len(FILES) == 50     # 15 founding texts + 32 Fujian reports (SOURCES_2.tsv) + 3 PDFs in orig/

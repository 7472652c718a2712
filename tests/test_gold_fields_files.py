"""The hand-read gold for meta, prose and documents (gold/fields/*.json) is well formed.

The gold carries no character offsets, so document items are checked against the schema's item definition with
only `doc_no` required; everything else (meta, prose) must validate against report.schema.json exactly.
"""
import copy
import json
import re
import unicodedata
from pathlib import Path

import jsonschema
import pytest

from ie.paths import GOLD_DIR, corpus_dir, schema_dir

FIELDS_DIR = GOLD_DIR / "fields"
GOLD_FILES = sorted(FIELDS_DIR.glob("*.json"))
TOP_KEYS = {"file", "meta", "prose", "documents", "notes"}
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Normalized 文号: an issuer abbreviation, then 〔year〕n号 or 第n号, ASCII digits, no spaces or other brackets.
DOC_NO = re.compile(r"^[\u4e00-\u9fff]+(〔\d{4}〕\d+号|第\d+号)$")
BRACKETS = str.maketrans({c: "〔" for c in "﹝[【(（"} | {c: "〕" for c in "﹞]】)）"})


def _schema() -> dict:
    path = schema_dir() / "report.schema.json"
    if not path.exists():
        pytest.skip(f"schema not found at {path}")
    return json.loads(path.read_text(encoding="utf-8"))


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _document_item_schema(schema: dict) -> dict:
    item = copy.deepcopy(schema["properties"]["documents"]["items"])
    item["required"] = ["doc_no", "title"]
    return item


def _flat(text: str) -> str:
    """Text in the form doc_no is written in: NFKC (Kangxi radicals, full-width digits), simplified, no spaces."""
    text = unicodedata.normalize("NFKC", text)
    try:
        import opencc
        text = opencc.OpenCC("t2s").convert(re.sub(r"\([a-zü\u00e0-\u01ff]+\)", "", text))
    except ImportError:  # only the traditional-character report needs it
        pass
    return re.sub(r"\s+", "", text).translate(BRACKETS)


def test_gold_fields_exist():
    assert GOLD_FILES, f"no gold files in {FIELDS_DIR}"


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_fields_validate_against_schema(path):
    schema = _schema()
    gold = _load(path)
    assert set(gold) == TOP_KEYS, f"{path.name}: top-level keys {sorted(gold)}"
    assert gold["file"] == path.stem + ".txt"
    jsonschema.validate(gold["meta"], schema["properties"]["meta"])
    jsonschema.validate(gold["prose"], schema["properties"]["prose"])
    item_schema = _document_item_schema(schema)
    for doc in gold["documents"]:
        jsonschema.validate(doc, item_schema)
    assert isinstance(gold["notes"], dict) and all(isinstance(v, str) for v in gold["notes"].values())


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_fields_meta_is_complete_and_dates_iso(path):
    meta = _load(path)["meta"]
    assert set(meta) == {"title", "issuer", "year", "period_start", "period_end", "published_on", "template"}
    assert isinstance(meta["year"], int) and 2000 <= meta["year"] <= 2030
    for key in ("period_start", "period_end", "published_on"):
        value = meta[key]
        assert value is None or ISO_DATE.match(value), f"{path.name}: meta.{key}={value!r} is not YYYY-MM-DD"
    for key in ("period_start", "period_end"):
        if meta[key]:
            assert int(meta[key][:4]) == meta["year"], f"{path.name}: {key} outside the covered year"
    if meta["published_on"]:
        assert meta["published_on"][:4] >= str(meta["year"])


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_fields_documents_normalized_unique(path):
    docs = _load(path)["documents"]
    numbers = [d["doc_no"] for d in docs]
    for number in numbers:
        assert DOC_NO.match(number), f"{path.name}: doc_no {number!r} is not normalized"
    assert len(numbers) == len(set(numbers)), f"{path.name}: a 文号 is listed twice"
    for doc in docs:
        assert doc["title"] is None or not doc["title"].startswith("《") and not doc["title"].endswith("》")


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_fields_documents_occur_in_report_in_order(path):
    gold = _load(path)
    report = corpus_dir() / gold["file"]
    if not report.exists():
        pytest.skip(f"corpus report {report} not available")
    text = _flat(report.read_text(encoding="utf-8"))
    positions = []
    for doc in gold["documents"]:
        at = text.find(doc["doc_no"])
        assert at >= 0, f"{path.name}: {doc['doc_no']} not found in {report.name}"
        positions.append(at)
        if doc["title"]:
            assert "《" + _flat(doc["title"]) + "》" in text, f"{path.name}: title of {doc['doc_no']} not found"
    assert positions == sorted(positions), f"{path.name}: documents not in order of first mention"


def test_gold_fields_cover_every_corpus_report():
    corpus = corpus_dir()
    if not corpus.is_dir():
        pytest.skip(f"corpus not available at {corpus}")
    missing = sorted(p.stem for p in corpus.glob("*.txt") if not (FIELDS_DIR / f"{p.stem}.json").exists())
    assert missing == []

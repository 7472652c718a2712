"""Gold span files: offsets agree with the text, labels known, no overlaps, and the text is today's normalization."""
import json

import pytest

from ie.labels import LABELS
from ie.normalize import normalize
from ie.paths import ANNOTATIONS_DIR, corpus_dir
from ie.read import read_document

GOLD = sorted((ANNOTATIONS_DIR / "corpus").glob("*.json"))


def _task(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, list) and len(data) == 1, f"{path.name}: one task per file"
    return data[0]


def _regions(task):
    (ann,) = task["annotations"]
    assert ann["ground_truth"] is True and ann["was_cancelled"] is False
    return [r["value"] for r in ann["result"]]


def test_annotations_every_corpus_report_has_gold():
    if not corpus_dir().exists():
        pytest.skip("corpus not available")
    assert {p.stem for p in corpus_dir().glob("*.txt")} == {p.stem for p in GOLD}


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.stem)
def test_annotations_spans_match_text_and_do_not_overlap(path):
    task = _task(path)
    text = task["data"]["text"]
    prev_end = 0
    for v in sorted(_regions(task), key=lambda v: v["start"]):
        assert 0 <= v["start"] < v["end"] <= len(text)
        assert text[v["start"]:v["end"]] == v["text"], f"{path.stem}: {v}"
        assert v["labels"] and v["labels"][0] in LABELS
        assert v["start"] >= prev_end, f"{path.stem}: overlap at {v}"
        prev_end = v["end"]


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.stem)
def test_annotations_text_is_todays_normalization(path):
    src = corpus_dir() / _task(path)["data"]["source"]
    if not src.exists():
        pytest.skip(f"{src} not available")
    assert _task(path)["data"]["text"] == normalize(read_document(src).text).text, \
        f"{path.stem}: normalizer output moved; run scripts/realign_annotations.py then scripts/preannotate.py"

"""Round trips on every annotated corpus report (annotations/corpus/*.json)."""
import pytest

from ie.convert import (bio_to_spans, join_windows, load_tasks, spans_to_bio, spans_to_prediction,
                        task_examples, task_spans)
from ie.paths import ANNOTATIONS_DIR

CORPUS = ANNOTATIONS_DIR / "corpus"
FILES = sorted(CORPUS.glob("*.json")) if CORPUS.is_dir() else []


def _key(spans):
    return [(s.label, s.start, s.end, s.text) for s in spans]


@pytest.fixture(params=FILES or [None], ids=[f.stem for f in FILES] or ["none"])
def task(request):
    if request.param is None:
        pytest.skip(f"no annotated reports yet in {CORPUS} (written by the annotations work)")
    tasks = load_tasks(request.param)
    assert len(tasks) == 1, f"{request.param}: expected one task"
    return tasks[0]


def test_convert_corpus_spans_bio_spans_exact(task):
    text, spans = task["data"]["text"], task_spans(task)
    assert spans, "an annotated report without spans"
    assert _key(bio_to_spans(text, spans_to_bio(len(text), spans))) == _key(spans)


def test_convert_corpus_windows_reassemble(task):
    text = task["data"]["text"]
    joined, tags = join_windows(task_examples(task, window=510, stride=384))
    assert joined == text
    assert tags == spans_to_bio(len(text), task_spans(task))


def test_convert_corpus_prediction_task_spans_exact(task):
    spans = task_spans(task)
    pred = spans_to_prediction(spans, "roundtrip")
    again = task_spans({"data": task["data"], "annotations": [{"result": pred["result"]}]})
    assert _key(again) == _key(spans)

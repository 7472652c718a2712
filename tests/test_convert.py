"""Converters: offsets across the UTF-16 boundary, spans <-> IOB2, windows, predictions."""
import pytest

from ie.convert import (bio_to_spans, chosen_annotation, join_windows, js_offsets, prediction_offsets_to_js,
                        prediction_offsets_to_python, result_spans, spans_to_bio, spans_to_prediction,
                        task_examples, task_offsets_to_python, task_spans, tasks_to_dataset, windows)
from ie.models import Entity

EXT_B = "\U00020000"   # 𠀀, CJK Extension B: two UTF-16 units


def _span(text, label, sub, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return Entity(label, start, start + len(sub), sub)


def _task(text, spans, **ann):
    pred = spans_to_prediction(spans, "t")
    return {"id": 7, "data": {"text": text, "doc_id": "d"},
            "annotations": [{"id": 1, "result": pred["result"], **ann}]}


def test_convert_js_offsets_count_extension_b_twice():
    assert js_offsets("a" + EXT_B + "b") == [0, 1, 3, 4]


def test_convert_prediction_offsets_round_trip_extension_b():
    text = f"收到{EXT_B}申请21件，办结〔2019〕3号"
    spans = [_span(text, "COUNT", "21件"), _span(text, "DOC_NO", "〔2019〕3号")]
    pred = spans_to_prediction(spans, "t")
    js = prediction_offsets_to_js(pred, text)
    assert [r["value"]["start"] for r in js["result"]] == [s.start + 1 for s in spans]
    assert prediction_offsets_to_python(js, text) == pred


def test_convert_task_from_label_studio_has_python_offsets():
    text = f"{EXT_B}{EXT_B}共3件"
    exported = {"id": 1, "data": {"text": text},
                "annotations": [{"result": [{"type": "labels", "from_name": "label", "to_name": "text",
                                             "value": {"start": 5, "end": 7, "text": "3件", "labels": ["COUNT"]}}]}]}
    spans = task_spans(task_offsets_to_python(exported))
    assert [(s.start, s.end, s.text) for s in spans] == [(3, 5, "3件")]
    with pytest.raises(ValueError, match="3件"):
        task_spans(exported)            # unconverted UTF-16 offsets point at the wrong characters


def test_convert_offset_inside_surrogate_pair_is_an_error():
    bad = {"result": [{"type": "labels", "value": {"start": 1, "end": 2, "labels": ["COUNT"]}}]}
    with pytest.raises(ValueError, match="surrogate"):
        prediction_offsets_to_python(bad, EXT_B + "件")


def test_convert_spans_bio_spans_exact():
    text = "2019年收到\t申请 1600多人次，\n《条例》第十条"
    spans = [_span(text, "DATE", "2019年"), _span(text, "COUNT", "1600多人次"), _span(text, "DOC_TITLE", "《条例》")]
    tags = spans_to_bio(len(text), spans)
    assert tags[text.index("1600")] == "B-COUNT" and tags[text.index("1600") + 1] == "I-COUNT"
    back = bio_to_spans(text, tags, source="rule")
    assert [(s.label, s.start, s.end, s.text) for s in back] == [(s.label, s.start, s.end, s.text) for s in spans]


def test_convert_adjacent_spans_of_same_label_stay_apart():
    text = "3件5件"
    spans = [Entity("COUNT", 0, 2, "3件"), Entity("COUNT", 2, 4, "5件")]
    assert [(s.start, s.end) for s in bio_to_spans(text, spans_to_bio(4, spans))] == [(0, 2), (2, 4)]


def test_convert_overlapping_spans_are_an_error():
    with pytest.raises(ValueError, match="overlapping"):
        spans_to_bio(5, [Entity("COUNT", 0, 3, "abc"), Entity("DATE", 2, 4, "cd")])


def test_convert_span_text_mismatch_names_task():
    task = _task("共3件", [Entity("COUNT", 1, 3, "3件")])
    task["annotations"][0]["result"][0]["value"]["text"] = "4件"
    with pytest.raises(ValueError, match="task 7"):
        task_spans(task)


def test_convert_chosen_annotation_prefers_ground_truth_then_latest():
    task = {"annotations": [
        {"id": 1, "updated_at": "2026-01-02T00:00:00Z", "result": []},
        {"id": 2, "updated_at": "2026-01-03T00:00:00Z", "result": [], "was_cancelled": True},
        {"id": 3, "updated_at": "2026-01-01T00:00:00Z", "result": []}]}
    assert chosen_annotation(task)["id"] == 1
    task["annotations"][2]["ground_truth"] = True
    assert chosen_annotation(task)["id"] == 3


def test_convert_windows_cover_and_reassemble():
    text = "".join(chr(0x4E00 + i % 50) for i in range(1000)) + "共21件"
    task = _task(text, [_span(text, "COUNT", "21件")])
    examples = task_examples(task, window=128, stride=100)
    assert examples[0].start == 0 and examples[-1].start + len(examples[-1].chars) == len(text)
    joined, tags = join_windows(examples)
    assert joined == text
    assert bio_to_spans(joined, tags)[0].text == "21件"


def test_convert_windows_that_disagree_are_an_error():
    text = "一二三四五六七八九十"
    ex = task_examples(_task(text, []), window=6, stride=4)
    ex[1].tags[0] = "B-COUNT"
    with pytest.raises(ValueError, match="disagree"):
        join_windows(ex)


def test_convert_windows_rejects_bad_stride():
    with pytest.raises(ValueError):
        windows(10, 4, 5)


def test_convert_dataset_keeps_offsets():
    text = "x" * 30 + "共3件"
    ds = tasks_to_dataset([_task(text, [_span(text, "COUNT", "3件")])], window=16, stride=8)
    for row in ds:
        assert "".join(row["chars"]) == text[row["start"]:row["start"] + len(row["chars"])]
    assert any("B-COUNT" in row["tags"] for row in ds)


def test_convert_prediction_task_spans_exact():
    text = f"{EXT_B}年度\r收到21件\t占98.5%"
    spans = [_span(text, "COUNT", "21件"), _span(text, "PERCENT", "98.5%")]
    pred = spans_to_prediction([Entity(s.label, s.start, s.end, s.text, 0.5) for s in spans], "m")
    assert pred["score"] == 0.5
    back = task_spans({"data": {"text": text}, "annotations": [{"result": pred["result"]}]})
    assert [(s.label, s.start, s.end) for s in back] == [(s.label, s.start, s.end) for s in spans]
    assert [s.score for s in result_spans(text, pred["result"])] == [0.5, 0.5]

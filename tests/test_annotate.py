"""ie annotate without a server: labeling config, push/pull/status against an in-memory fake of client.Api."""
import json
import xml.etree.ElementTree as ET

import pytest

from ie.annotate import sync
from ie.annotate.client import AnnotateError, Api
from ie.annotate.config import label_config
from ie.cli import main
from ie.convert import TEXT_FROM_NAME, TEXT_TO_NAME, js_offsets, load_tasks, task_spans
from ie.labels import LABELS, ROLE_FROM_NAME, ROLES
from ie.models import Entity

EXT_B = "\U00020000"


class FakeApi:
    """Keeps tasks the way Label Studio does: UTF-16 offsets, predictions stored apart and exported as ids."""

    def __init__(self):
        self.tasks, self.preds, self.calls = [], [], []

    def export_tasks(self, pid):
        out = []
        for t in self.tasks:
            t = json.loads(json.dumps(t))
            t["predictions"] = [p["id"] for p in self.preds if p["task"] == t["id"]]
            out.append(t)
        return out

    def import_tasks(self, pid, tasks):
        self.calls.append("import")
        for t in tasks:
            tid = len(self.tasks) + 1
            self.tasks.append({"id": tid, "data": t["data"], "annotations": []})
            for p in t["predictions"]:
                self._add_pred(tid, p)

    def _add_pred(self, tid, p):
        self.preds.append({**p, "id": len(self.preds) + 1, "task": tid, "created_at": f"2026-11-21T00:00:{len(self.preds):02d}Z"})

    def update_task_data(self, tid, data):
        self.calls.append("update")
        self.tasks[tid - 1]["data"] = data

    def replace_prediction(self, pid, tid, p):
        self.preds = [q for q in self.preds if q["task"] != tid]
        self._add_pred(tid, p)

    def predictions(self, pid):
        return json.loads(json.dumps(self.preds))

    def annotate(self, tid, result, updated_at):
        self.tasks[tid - 1]["annotations"].append({"id": 100 + tid, "result": result, "updated_at": updated_at})


def counts(text):
    out, i = [], 0
    while (i := text.find("件", i)) != -1:
        s = i
        while s > 0 and text[s - 1].isdigit():
            s -= 1
        if s < i:
            out.append(Entity("COUNT", s, i + 1, text[s:i + 1], 0.9 - 0.1 * len(out)))
        i += 1
    return out


SOURCE = sync.SpanSource("test-1", counts)


@pytest.fixture
def reports(tmp_path):
    d = tmp_path / "reports"
    d.mkdir()
    (d / "a.txt").write_text(f"收到申请21件，\r\n{EXT_B}办结3件。\t〔2019〕", encoding="utf-8")
    (d / "b.txt").write_text("全年无申请，共0件。", encoding="utf-8")
    (d / "README.md").write_text("what these reports are", encoding="utf-8")
    (d / "notes.json").write_text("{}", encoding="utf-8")
    return d


def test_annotate_config_matches_converter_names():
    root = ET.fromstring(label_config())
    labels = root.find("Labels")
    text = root.find("Text")
    assert labels.get("name") == TEXT_FROM_NAME and labels.get("toName") == TEXT_TO_NAME
    assert text.get("name") == TEXT_TO_NAME and text.get("value") == "$text"
    assert text.get("granularity") == "symbol"
    assert [lab.get("value") for lab in labels.findall("Label")] == list(LABELS)
    assert all(lab.get("background", "").startswith("#") for lab in labels.findall("Label"))
    assert "pre-wrap" in root.find("Style").text


def test_annotate_push_creates_then_updates_without_duplicates(reports):
    api = FakeApi()
    res = sync.push(api, 1, [reports], SOURCE, progress=False)
    assert sorted(res.created) == ["a", "b"] and not res.failed      # README.md and notes.json are not reports
    a = api.tasks[0]
    assert a["data"]["doc_id"] == "a" and "\r" not in a["data"]["text"] and len(a["data"]["source_sha256"]) == 64
    pred = [p for p in api.preds if p["task"] == 1][0]
    assert pred["model_version"] == "test-1"
    assert pred["score"] == min(r["score"] for r in pred["result"])
    res = sync.push(api, 1, [reports / "a.txt"], sync.SpanSource("test-2", counts), progress=False)
    assert res.updated == ["a"] and len(api.tasks) == 2
    assert [p["model_version"] for p in api.preds if p["task"] == 1] == ["test-2"]


def test_annotate_push_sends_utf16_offsets(reports):
    api = FakeApi()
    sync.push(api, 1, [reports / "a.txt"], SOURCE, progress=False)
    text = api.tasks[0]["data"]["text"]
    js = js_offsets(text)
    region = [p for p in api.preds][0]["result"][1]["value"]
    assert region["text"] == "3件"
    assert region["start"] == js[text.index("3件")] == text.index("3件") + 1


def test_annotate_push_leaves_annotated_tasks_and_refuses_new_text(reports):
    api = FakeApi()
    sync.push(api, 1, [reports], SOURCE, progress=False)
    api.annotate(1, [], "2026-11-21T01:00:00Z")
    res = sync.push(api, 1, [reports / "a.txt"], sync.SpanSource("test-2", counts), progress=False)
    assert res.annotated == ["a"] and [p["model_version"] for p in api.preds if p["task"] == 1] == ["test-1"]
    (reports / "a.txt").write_text("改过的文本5件", encoding="utf-8")
    res = sync.push(api, 1, [reports / "a.txt"], SOURCE, progress=False)
    assert len(res.failed) == 1 and "a.txt" in res.failed[0] and "different text" in res.failed[0]
    assert api.tasks[0]["data"]["text"].startswith("收到")


def test_annotate_push_reports_a_span_not_in_the_text(reports):
    bad = sync.SpanSource("bad", lambda text: [Entity("COUNT", 0, 2, "不是")])
    res = sync.push(FakeApi(), 1, [reports / "b.txt"], bad, progress=False)
    assert len(res.failed) == 1 and "b.txt" in res.failed[0] and "not in the text" in res.failed[0]


def test_annotate_push_reports_unknown_label(reports):
    bad = sync.SpanSource("bad", lambda text: [Entity("FIELD", 0, 2, text[:2])])
    res = sync.push(FakeApi(), 1, [reports / "b.txt"], bad, progress=False)
    assert "unknown label" in res.failed[0]


def _annotated(reports, when="2026-11-21T02:00:00Z", accept=True):
    api = FakeApi()
    sync.push(api, 1, [reports], SOURCE, progress=False)
    pred = [p for p in api.preds if p["task"] == 1][0]
    result = json.loads(json.dumps(pred["result"]))
    if not accept:      # the annotator shortened the second span to the bare number
        result[1]["value"]["end"] -= 1
        result[1]["value"]["text"] = result[1]["value"]["text"][:-1]
    api.annotate(1, result, when)
    return api


def test_annotate_pull_writes_python_offsets(reports, tmp_path):
    api = _annotated(reports)
    out = tmp_path / "corpus"
    res = sync.pull(api, 1, out, progress=False)
    assert res.written == ["a"] and res.unannotated == ["b"]
    [task] = load_tasks(out / "a.json")
    text = task["data"]["text"]
    assert [(s.text, text[s.start:s.end]) for s in task_spans(task)] == [("21件", "21件"), ("3件", "3件")]
    assert [p.name for p in out.iterdir()] == ["a.json"]         # no temporary file left behind


def test_annotate_pull_never_replaces_a_newer_local_file(reports, tmp_path):
    out = tmp_path / "corpus"
    sync.pull(_annotated(reports, "2026-11-21T05:00:00Z", accept=False), 1, out, progress=False)
    newer = (out / "a.json").read_text(encoding="utf-8")
    res = sync.pull(_annotated(reports, "2026-11-21T04:00:00Z"), 1, out, progress=False)
    assert res.kept == ["a"] and (out / "a.json").read_text(encoding="utf-8") == newer
    res = sync.pull(_annotated(reports, "2026-11-21T06:00:00Z"), 1, out, progress=False)
    assert res.written == ["a"] and (out / "a.json").read_text(encoding="utf-8") != newer


def test_annotate_pull_keeps_a_local_annotation_of_unknown_age(reports, tmp_path):
    out = tmp_path / "corpus"
    sync.pull(_annotated(reports, accept=False), 1, out, progress=False)
    local = json.loads((out / "a.json").read_text(encoding="utf-8"))
    del local[0]["annotations"][0]["updated_at"]
    (out / "a.json").write_text(json.dumps(local, ensure_ascii=False), encoding="utf-8")
    res = sync.pull(_annotated(reports, "2026-11-21T06:00:00"), 1, out, progress=False)   # naive stamp: UTC
    assert res.kept == ["a"] and "updated_at" not in (out / "a.json").read_text(encoding="utf-8")


def test_annotate_pull_reports_a_different_text(reports, tmp_path):
    out = tmp_path / "corpus"
    out.mkdir()
    (out / "a.json").write_text(json.dumps([{"data": {"text": "旧文本"}, "annotations": []}], ensure_ascii=False), encoding="utf-8")
    res = sync.pull(_annotated(reports), 1, out, progress=False)
    assert len(res.conflicts) == 1 and "different text" in res.conflicts[0]
    assert "旧文本" in (out / "a.json").read_text(encoding="utf-8")


def test_annotate_pull_reports_an_annotation_off_its_text(reports, tmp_path):
    api = _annotated(reports)
    api.tasks[0]["annotations"][0]["result"][0]["value"]["text"] = "99件"
    res = sync.pull(api, 1, tmp_path, progress=False)
    assert len(res.invalid) == 1 and res.invalid[0].startswith("a:") and not (tmp_path / "a.json").exists()


def test_annotate_status_counts_accepted_spans(reports):
    st = sync.status(_annotated(reports, accept=False), 1)
    assert (st.total, st.done, st.predicted, st.accepted) == (2, 1, 2, 1)
    assert st.accepted_share == 0.5 and "1/2" in st.summary()


def test_annotate_api_errors_never_show_the_token():
    secret = "tok-very-secret-123"
    api = Api("http://127.0.0.1:9", secret, timeout=2)    # nothing listens on port 9
    with pytest.raises(AnnotateError) as info:
        api.find_project("x")
    assert secret not in str(info.value) and secret not in repr(info.value) and secret not in repr(api)
    assert info.value.__cause__ is None and info.value.__suppress_context__


def test_annotate_cli_needs_env(monkeypatch, capsys):
    monkeypatch.delenv("LABEL_STUDIO_URL", raising=False)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", "tok-secret-xyz")
    assert main(["annotate", "status", "--project", "p"]) == 2
    err = capsys.readouterr().err
    assert "LABEL_STUDIO_URL" in err and "tok-secret-xyz" not in err


# --- field roles: a per-region choice on COUNT/MONEY regions --------------------------------------------

def test_annotate_config_has_the_role_choices_per_region():
    root = ET.fromstring(label_config())
    choices = root.find("Choices")
    assert choices.get("name") == ROLE_FROM_NAME and choices.get("toName") == TEXT_TO_NAME
    assert choices.get("perRegion") == "true" and choices.get("visibleWhen") == "region-selected"
    assert choices.get("whenTagName") == TEXT_FROM_NAME
    assert set(choices.get("whenLabelValue").split(",")) == {"COUNT", "MONEY"}
    assert [c.get("value") for c in choices.findall("Choice")] == list(ROLES)


def with_roles(text):
    """counts(), with the count after 申请 as applications_received."""
    return [Entity(e.label, e.start, e.end, e.text, e.score, e.source,
                   "applications_received" if text[:e.start].endswith("申请") else None) for e in counts(text)]


def test_annotate_push_sends_roles_as_choices_on_their_region(reports):
    api = FakeApi()
    sync.push(api, 1, [reports / "a.txt"], sync.SpanSource("roles-1", with_roles), progress=False)
    [pred] = api.preds
    labels = {r["id"]: r for r in pred["result"] if r["type"] == "labels"}
    [role] = [r for r in pred["result"] if r["type"] == "choices"]
    assert role["from_name"] == ROLE_FROM_NAME and role["value"]["choices"] == ["applications_received"]
    assert labels[role["id"]]["value"]["text"] == role["value"]["text"] == "21件"


def test_annotate_pull_keeps_roles_and_refuses_an_unknown_one(reports, tmp_path):
    api = FakeApi()
    sync.push(api, 1, [reports / "a.txt"], sync.SpanSource("roles-1", with_roles), progress=False)
    result = json.loads(json.dumps(api.preds[0]["result"]))
    api.annotate(1, result, "2026-11-21T02:00:00Z")
    res = sync.pull(api, 1, tmp_path / "ok", progress=False)
    assert res.written == ["a"]
    [task] = load_tasks(tmp_path / "ok" / "a.json")
    assert [(s.text, s.role) for s in task_spans(task)] == [("21件", "applications_received"), ("3件", None)]
    next(r for r in result if r["type"] == "choices")["value"]["choices"] = ["applications"]
    api.tasks[0]["annotations"] = []
    api.annotate(1, result, "2026-11-21T03:00:00Z")
    res = sync.pull(api, 1, tmp_path / "bad", progress=False)
    assert len(res.invalid) == 1 and "applications" in res.invalid[0] and not (tmp_path / "bad").exists()



def test_annotate_check_roles_refuses_a_role_off_a_count_span():
    from ie.convert import check_roles

    date = {"id": "r0", "type": "labels", "value": {"start": 0, "end": 5, "labels": ["DATE"]}}
    role = {"id": "r0", "type": "choices", "from_name": ROLE_FROM_NAME, "value": {"choices": ["reviews"]}}
    with pytest.raises(ValueError, match="DATE span"):
        check_roles([date, role])
    with pytest.raises(ValueError, match="no span region"):
        check_roles([dict(role, id="r9")])

"""The annotation loop against a real Label Studio server started here (marker: integration).

Label Studio lives in its own venv, .venv-ls/ (gitignored, ~1 GB); the test installs it there when missing
unless IE_SKIP_LS_INSTALL=1. With CI set nothing is skipped: an install or start failure fails the test.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ie.annotate import sync
from ie.annotate.client import Api
from ie.annotate.config import label_config
from ie.cli import main
from ie.convert import (TEXT_FROM_NAME, TEXT_TO_NAME, load_tasks, prediction_offsets_to_js,
                        prediction_offsets_to_python, result_spans, spans_to_prediction, task_spans)
from ie.labels import ROLE_FROM_NAME
from ie.models import Entity
from ie.normalize import normalize_document
from ie.read import read_document
from ie.paths import REPO_DIR, corpus_dir

pytestmark = pytest.mark.integration

LS_VENV = REPO_DIR / ".venv-ls"
LS_BIN = LS_VENV / "bin" / "label-studio"
TOKEN = "ie-integration-token-123456"
EXT_B = "\U00020000"   # 𠀀: two UTF-16 units in Label Studio


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so Label Studio must run here: {reason}", pytrace=False)
    pytest.skip(reason)


def _install() -> None:
    if LS_BIN.exists():
        return
    if os.environ.get("IE_SKIP_LS_INSTALL") == "1":
        _unavailable(f"label-studio is not installed in {LS_VENV} and IE_SKIP_LS_INSTALL=1 forbids installing it "
                     "(scripts/labelstudio.sh install)")
    try:  # the same install a user runs, so the pinned release is the one tested
        subprocess.run(["bash", str(LS_VENV.parent / "scripts" / "labelstudio.sh"), "install"], check=True,
                       timeout=1500)
    except (subprocess.SubprocessError, OSError) as exc:
        _unavailable(f"could not install label-studio into {LS_VENV}: {exc}")
    if not LS_BIN.exists():
        _unavailable(f"pip install label-studio left no {LS_BIN}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A fresh Label Studio on loopback; stopped by its PID (its own process group) whatever happens."""
    _install()
    data = tmp_path_factory.mktemp("ls-data")
    port = _free_port()
    env = dict(os.environ,
               LABEL_STUDIO_BASE_DATA_DIR=str(data), LABEL_STUDIO_USERNAME="admin@example.com",
               LABEL_STUDIO_PASSWORD="integration-pass-123", LABEL_STUDIO_USER_TOKEN=TOKEN,
               LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN="true", LATEST_VERSION_CHECK="false")
    log = open(data / "label-studio.log", "wb")
    proc = subprocess.Popen([str(LS_BIN), "start", "--no-browser", "--internal-host", "127.0.0.1",
                             "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env,
                            start_new_session=True)

    def stop():
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(10)
        log.close()

    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"label-studio exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("no answer on /health after 240 s")
            time.sleep(1)
    except RuntimeError as exc:
        stop()
        tail = (data / "label-studio.log").read_text(errors="replace")[-3000:]
        pytest.fail(f"Label Studio did not start: {exc}\n{tail}", pytrace=False)
    yield url
    stop()


# --- reports and a deterministic pre-annotator -------------------------------------------------------

HAND_BUILT = {
    "hand_a": ("某县人民政府2019年政府信息公开工作年度报告\n"
               "一、总体情况\n\t2019年，\t本机关共收到申请21件，办结19件（含转办2件）。\n"
               "依据《中华人民共和国政府信息公开条例》（国令第711号）和渝府办发〔2018〕76号文件，"
               f"{EXT_B}{EXT_B}村公开信息3件；全年行政复议0件。\n"),
    "hand_b": (f"〔{EXT_B}〕附表：\t收到申请数：35件\r\n"
               "主动公开文件120件，其中规范性文件《关于印发〔2020〕工作要点的通知》1件。\n"
               "2020年3月5日起施行；占比98.5%。"),
}

PATTERNS = [("DOC_TITLE", r"《[^《》\n]*》"), ("DOC_NO", r"[\u4e00-\u9fff]{2,6}〔\d{4}〕\d+号|国令第\d+号"),
            ("DATE", r"\d{4}年(?:\d{1,2}月(?:\d{1,2}日)?)?"), ("PERCENT", r"\d+(?:\.\d+)?%"), ("COUNT", r"\d+件")]


def find(text: str) -> list[Entity]:
    """First pattern wins; later ones only where nothing was taken (the guideline forbids overlaps).
    A count right after 申请 (申请数：) gets the role applications_received."""
    taken = [False] * len(text)
    out = []
    for n, (label, pat) in enumerate(PATTERNS):
        for m in re.finditer(pat, text):
            if not any(taken[m.start():m.end()]):
                taken[m.start():m.end()] = [True] * (m.end() - m.start())
                role = "applications_received" if label == "COUNT" and re.search(r"申请[数：:]*$", text[:m.start()]) \
                    else None
                out.append(Entity(label, m.start(), m.end(), m.group(), round(0.95 - 0.05 * n, 2), role=role))
    return sorted(out, key=lambda e: e.start)


SOURCE = sync.SpanSource("integration-rules-1", find)


def _real_report() -> Path | None:
    d = corpus_dir()
    files = sorted(d.glob("*.txt"), key=lambda p: p.stat().st_size) if d.is_dir() else []
    return files[0] if files else None


def _keys(spans):
    return [(s.label, s.start, s.end, s.text, s.role) for s in spans]


def test_labelstudio_annotation_loop(server, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LABEL_STUDIO_URL", server)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", TOKEN)
    monkeypatch.setattr(sync, "default_source", lambda model=None, use_rules=False: SOURCE)
    project = "ie integration"

    # setup twice: create, then update in place
    assert main(["annotate", "setup", "--project", project]) == 0
    assert main(["annotate", "setup", "--project", project]) == 0
    api = Api.from_env()
    pid = api.project_id(project)
    assert "granularity=\"symbol\"" in api.label_config(pid) and api.label_config(pid).strip() == label_config().strip()

    reports = tmp_path / "reports"
    reports.mkdir()
    for stem, text in HAND_BUILT.items():
        (reports / f"{stem}.txt").write_text(text, encoding="utf-8")
    real = _real_report()
    if real is not None:
        shutil.copy(real, reports / real.name)
    # what push must send: the normalized text (line breaks and mid-line tabs survive normalization)
    sent = {p.stem: normalize_document(read_document(p)).text for p in reports.iterdir()}
    assert "\t" in sent["hand_a"] and "\n" in sent["hand_b"] and EXT_B in sent["hand_b"]

    # push twice: the second push updates, it does not duplicate
    assert main(["annotate", "push", "--project", project, "--no-progress", str(reports)]) == 0
    assert main(["annotate", "push", "--project", project, "--no-progress", str(reports)]) == 0
    exported = {t["data"]["doc_id"]: t for t in api.export_tasks(pid)}
    assert sorted(exported) == sorted(sent)
    preds = {p["task"]: p for p in api.predictions(pid)}
    assert len(api.predictions(pid)) == len(sent)       # one prediction per task, old ones replaced
    for doc_id, task in exported.items():
        assert task["data"]["text"] == sent[doc_id]
        pred = preds[task["id"]]
        assert pred["model_version"] == SOURCE.version
        assert pred["score"] == pytest.approx(min(r["score"] for r in pred["result"]))
        assert {r["from_name"] for r in pred["result"]} <= {TEXT_FROM_NAME, ROLE_FROM_NAME}
        assert {r["to_name"] for r in pred["result"]} == {TEXT_TO_NAME}
        # a role travels as a per-region choice on its span's region
        sent_roles = [(s.start, s.end, s.role) for s in find(task["data"]["text"]) if s.role]
        got = result_spans(task["data"]["text"], prediction_offsets_to_python(pred, task["data"]["text"])["result"])
        assert [(s.start, s.end, s.role) for s in got if s.role] == sent_roles
    assert any(s.role for s in find(sent["hand_a"])) and any(s.role for s in find(sent["hand_b"]))

    # "annotate" through the API: accept all in hand_a, change two spans and add one in hand_b,
    # drop the last predicted span of the real report
    expected: dict[str, list[Entity]] = {}
    predicted = accepted = 0
    for doc_id, task in exported.items():
        text = task["data"]["text"]
        spans = find(text)
        if doc_id == "hand_b":
            count = next(s for s in spans if s.text == "35件")
            date = next(s for s in spans if s.label == "DATE")
            kept = [s for s in spans if s not in (count, date)]
            x = text.index("〔")
            # the count loses its unit and its role changes: a role edited in the annotation comes back
            spans = sorted(kept + [Entity("COUNT", count.start, count.end - 1, count.text[:-1], role="reviews"),
                                   Entity("DOC_NO", date.start, date.end, date.text),
                                   Entity("DOC_NO", x, x + 3, text[x:x + 3])], key=lambda e: e.start)
            accepted += len(kept)
        elif doc_id != "hand_a":
            spans = spans[:-1]
            accepted += len(spans)
        else:
            accepted += len(spans)
        predicted += len(find(text))
        expected[doc_id] = spans
        result = prediction_offsets_to_js(spans_to_prediction(spans, "human"), text)["result"]
        api.create_annotation(task["id"], result)

    assert EXT_B in expected["hand_b"][0].text and expected["hand_b"][0].label == "DOC_NO"
    assert [s.role for s in expected["hand_b"] if s.role] == ["reviews"]
    assert [s.role for s in expected["hand_a"] if s.role] == ["applications_received"]

    out = tmp_path / "corpus"
    assert main(["annotate", "pull", "--project", project, "--out", str(out), "--no-progress"]) == 0
    for doc_id, spans in expected.items():
        [task] = load_tasks(out / f"{doc_id}.json")
        text = task["data"]["text"]
        assert text == sent[doc_id]
        for region in task["annotations"][0]["result"]:
            v = region["value"]
            assert text[v["start"]:v["end"]] == v["text"]
        assert _keys(task_spans(task)) == _keys(spans)

    st = sync.status(api, pid)
    assert (st.total, st.done, st.predicted, st.accepted) == (len(sent), len(sent), predicted, accepted)
    capsys.readouterr()
    assert main(["annotate", "status", "--project", project]) == 0
    assert f"{accepted}/{predicted}" in capsys.readouterr().out

    # a local edit newer than the server's annotation survives the next pull; a newer server edit wins
    local = out / "hand_a.json"
    edited = json.loads(local.read_text(encoding="utf-8"))
    edited[0]["annotations"][0]["updated_at"] = "2099-01-01T00:00:00Z"
    edited[0]["annotations"][0]["result"] = edited[0]["annotations"][0]["result"][:1]
    local.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
    before = local.read_text(encoding="utf-8")
    b_task = exported["hand_b"]
    b_ann = [a for a in api.export_tasks(pid) if a["id"] == b_task["id"]][0]["annotations"][0]
    time.sleep(1.1)
    new_b = prediction_offsets_to_js(spans_to_prediction(expected["hand_b"][:-1], "human"),
                                     b_task["data"]["text"])["result"]
    api.update_annotation(b_ann["id"], new_b)
    res = sync.pull(api, pid, out, progress=False)
    assert "hand_a" in res.kept and local.read_text(encoding="utf-8") == before
    assert res.written == ["hand_b"] and not res.conflicts and not res.invalid
    [b] = load_tasks(out / "hand_b.json")
    assert _keys(task_spans(b)) == _keys(expected["hand_b"][:-1])
    assert _keys(result_spans(b["data"]["text"], b["annotations"][0]["result"])) == _keys(expected["hand_b"][:-1])


def test_labelstudio_missing_install_skips_only_outside_ci(monkeypatch, tmp_path):
    monkeypatch.setattr(sys.modules[__name__], "LS_BIN", tmp_path / "no-label-studio")
    monkeypatch.setenv("IE_SKIP_LS_INSTALL", "1")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="IE_SKIP_LS_INSTALL"):
        _install()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        _install()

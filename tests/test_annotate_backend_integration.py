"""`ie annotate serve` connected to a real Label Studio server (marker: integration).

Label Studio and the backend each run on a free loopback port with their own data: the test connects the
backend through Label Studio's ML API (as Settings -> Model does), imports tasks, opens one (Label Studio then
calls /setup and /predict) and retrieves predictions for another (the Data Manager action), and checks the
predictions' offsets on a text with a character outside the BMP. Then "Start Training" reaches the backend's
webhook, which pulls the annotation and trains a tiny model into a new folder.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ie.annotate.client import Api
from ie.annotate.sync import model_source
from ie.convert import TEXT_FROM_NAME, TEXT_TO_NAME, prediction_offsets_to_js, spans_to_prediction, \
    task_offsets_to_python
from ie.paths import DEFAULT_MODEL_DIR, REPO_DIR
from test_labelstudio_integration import EXT_B, LS_BIN, TOKEN, _free_port, _install

pytestmark = pytest.mark.integration

TEXTS = {  # spans after the Extension B characters: their UTF-16 offsets differ from Python's
    "ext_b": f"{EXT_B}〔{EXT_B}〕附表：2020年3月5日起施行，本机关共收到申请35件，办结19件，占比98.5%。\n"
             f"依据《中华人民共和国政府信息公开条例》（国令第711号）和渝府办发〔2018〕76号文件，{EXT_B}村公开信息3件。",
    "plain": "2019年，本机关共收到申请21件，办结19件（含转办2件）。",
}
TINY_CONFIG = """\
model_name_or_path: init:small
init_layers: 1
init_hidden: 32
init_heads: 2
init_intermediate: 64
window: 48
stride: 40
max_steps: 2
batch_size: 8
eval_documents: 0
logging_steps: 1
"""


def _proc_stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def _wait_health(url: str, proc: subprocess.Popen, log: Path, what: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        if proc.poll() is not None:
            pytest.fail(f"{what} exited with {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}",
                        pytrace=False)
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: no answer on /health after {seconds} s:\n"
                        f"{log.read_text(errors='replace')[-3000:]}", pytrace=False)
        time.sleep(1)


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """(Label Studio URL, backend URL, backend work dir); both started here, both stopped by PID."""
    _install()
    work = tmp_path_factory.mktemp("mlbackend")
    data = work / "ls-data"
    data.mkdir()
    (work / "tiny.yaml").write_text(TINY_CONFIG, encoding="utf-8")
    ls_port, ml_port = _free_port(), _free_port()
    ls_url, ml_url = f"http://127.0.0.1:{ls_port}", f"http://127.0.0.1:{ml_port}"
    ls_env = dict(os.environ, LABEL_STUDIO_BASE_DATA_DIR=str(data), LABEL_STUDIO_USERNAME="admin@example.com",
                  LABEL_STUDIO_PASSWORD="integration-pass-123", LABEL_STUDIO_USER_TOKEN=TOKEN,
                  LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN="true", LATEST_VERSION_CHECK="false",
                  # the backend is on loopback, which Label Studio refuses by default (as scripts/labelstudio.sh)
                  ML_BLOCK_LOCAL_IP="false", SSRF_PROTECTION_ENABLED="false")
    ml_env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO_DIR), os.environ.get("PYTHONPATH", "")]),
                  LABEL_STUDIO_URL=ls_url, LABEL_STUDIO_API_KEY=TOKEN)
    ls_log, ml_log = work / "label-studio.log", work / "backend.log"
    procs = []
    try:
        with ml_log.open("wb") as out:   # the model loads while Label Studio migrates its database
            procs.append(subprocess.Popen(
                [sys.executable, "-m", "ie.cli", "annotate", "serve", "--port", str(ml_port),
                 "--train-config", str(work / "tiny.yaml"), "--annotations", str(work / "pulled"),
                 "--runs-dir", str(work / "runs")],
                stdout=out, stderr=subprocess.STDOUT, env=ml_env, cwd=work, start_new_session=True))
        with ls_log.open("wb") as out:
            procs.append(subprocess.Popen(
                [str(LS_BIN), "start", "--no-browser", "--internal-host", "127.0.0.1", "--port", str(ls_port)],
                stdout=out, stderr=subprocess.STDOUT, env=ls_env, start_new_session=True))
        _wait_health(ml_url, procs[0], ml_log, "ie annotate serve", 180)
        _wait_health(ls_url, procs[1], ls_log, "Label Studio", 240)
        yield ls_url, ml_url, work
    finally:
        for p in procs:
            _proc_stop(p)


def _call(url: str, method: str = "GET", body=None, token: str | None = TOKEN):
    req = urllib.request.Request(url, method=method, data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(req, timeout=120) as r:
            raw = r.read()
            return r.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


def _js_slice(text: str, start: int, end: int) -> str:
    """text[start:end] counted the way JavaScript (and Label Studio) counts: UTF-16 code units."""
    return text.encode("utf-16-le")[2 * start:2 * end].decode("utf-16-le")


def _check_prediction(pred: dict, text: str, expected: dict, version: str) -> None:
    assert pred["model_version"] == version
    assert pred["result"], "the prediction holds no region"
    for r in pred["result"]:
        assert (r["from_name"], r["to_name"], r["type"]) == (TEXT_FROM_NAME, TEXT_TO_NAME, "labels")
        v = r["value"]
        assert _js_slice(text, v["start"], v["end"]) == v["text"]
    assert pred["result"] == expected["result"]
    assert pred["score"] == pytest.approx(expected["score"])


def test_annotate_backend_predicts_into_label_studio_and_trains_from_its_webhook(servers, monkeypatch, tmp_path):
    from ie.cli import main

    ls, ml, work = servers
    monkeypatch.setenv("LABEL_STUDIO_URL", ls)
    monkeypatch.setenv("LABEL_STUDIO_API_KEY", TOKEN)
    assert main(["annotate", "setup", "--project", "ie ml backend"]) == 0
    pid = Api.from_env().project_id("ie ml backend")

    # Settings -> Model -> Connect Model: Label Studio checks /health and /setup, adds a webhook to /webhook
    status, backend = _call(f"{ls}/api/ml", "POST", {"url": ml, "project": pid, "title": "ie tagger"})
    assert status == 201, backend
    status, listed = _call(f"{ls}/api/ml?project={pid}")
    assert [b["state"] for b in listed] == ["CO"], listed      # connected
    version = listed[0]["model_version"]
    source = model_source(DEFAULT_MODEL_DIR)
    assert version == source.version
    status, hooks = _call(f"{ls}/api/webhooks?project={pid}")
    assert f"{ml}/webhook" in [h["url"] for h in hooks]
    status, versions = _call(f"{ls}/api/ml/{listed[0]['id']}/versions")       # the model's version list
    assert (status, versions["versions"]) == (200, [version])

    # import as the browser's upload does; then open one task, retrieve predictions for the other
    status, imported = _call(f"{ls}/api/projects/{pid}/import?return_task_ids=true", "POST",
                             [{"data": {"text": t, "doc_id": k}} for k, t in TEXTS.items()])
    assert status == 201, imported
    ids = dict(zip(TEXTS, imported["task_ids"]))
    expected = {k: prediction_offsets_to_js(spans_to_prediction(source.find(t), source.version), t)
                for k, t in TEXTS.items()}
    assert any(r["value"]["start"] > TEXTS["ext_b"].index("附") for r in expected["ext_b"]["result"])

    status, task = _call(f"{ls}/api/tasks/{ids['ext_b']}")        # what the labeling page loads
    assert status == 200, task
    [pred] = task["predictions"]
    _check_prediction(pred, TEXTS["ext_b"], expected["ext_b"], version)
    py = task_offsets_to_python({"data": task["data"], "predictions": [pred]})["predictions"][0]
    for js_region, py_region in zip(pred["result"], py["result"]):
        v = py_region["value"]
        assert TEXTS["ext_b"][v["start"]:v["end"]] == v["text"] == js_region["value"]["text"]
    assert any(a["value"]["start"] != b["value"]["start"] for a, b in zip(pred["result"], py["result"])), \
        "no region after the Extension B characters: the UTF-16 conversion was not exercised"

    status, out = _call(f"{ls}/api/dm/actions?id=retrieve_tasks_predictions&project={pid}", "POST",
                        {"selectedItems": {"all": False, "included": [ids["plain"]]}})
    assert status == 200, out
    status, preds = _call(f"{ls}/api/predictions?task={ids['plain']}")
    [pred] = preds
    _check_prediction(pred, TEXTS["plain"], expected["plain"], version)

    # Settings -> Model -> the model's menu -> Test prediction: one random task through /predict
    status, tested = _call(f"{ls}/api/ml/{listed[0]['id']}/predict/test?random=true", "POST", {})
    assert status == 200 and tested["status"] == 200, tested
    [result] = tested["response"]
    assert result["result"] == expected[tested["task"]["data"]["doc_id"]]["result"]

    # annotate, then "Start Training": the webhook pulls the annotation and trains into a new folder
    ann = prediction_offsets_to_js(spans_to_prediction(source.find(TEXTS["ext_b"]), "human"), TEXTS["ext_b"])
    status, _ = _call(f"{ls}/api/tasks/{ids['ext_b']}/annotations", "POST", {"result": ann["result"]})
    assert status == 201
    status, _ = _call(f"{ls}/api/ml/{listed[0]['id']}/train", "POST", {})
    assert status == 200
    deadline = time.monotonic() + 300
    while True:
        _, st = _call(f"{ml}/train_status", token=None)
        run = st["training"]
        if run is not None and run["state"] in ("done", "failed"):
            break
        assert time.monotonic() < deadline, f"training did not finish in 300 s: {run}"
        time.sleep(2)
    assert run["state"] == "done", Path(run["log"]).read_text(errors="replace")[-3000:]
    assert run["pulled"].startswith("written 1,")
    [pulled] = json.loads((work / "pulled" / "ext_b.json").read_text(encoding="utf-8"))
    assert pulled["data"]["text"] == TEXTS["ext_b"]
    out_dir = Path(run["output_dir"])
    assert out_dir.parent == work / "runs" and (out_dir / "model.safetensors").is_file()
    assert (out_dir / "tagger.json").is_file() and "train.log" in os.listdir(out_dir)
    _, health = _call(f"{ml}/health", token=None)
    assert health["model_version"] == version       # the served model switches only when asked to

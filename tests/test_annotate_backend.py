"""The ML backend protocol of `ie annotate serve` over real HTTP on loopback, with a hand-built span source
(no model, no Label Studio): payload shapes, UTF-16 offsets, the labeling config's names, roles, clear 4xx
errors, and training runs started by the webhook."""
from __future__ import annotations

import json
import re
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from ie.annotate.backend import Backend, make_server, parse_label_config
from ie.annotate.config import label_config
from ie.annotate.retrain import Training
from ie.annotate.sync import SpanSource
from ie.models import Entity

EXT_B = "\U00020000"


def find(text: str) -> list[Entity]:
    out = [Entity("COUNT", m.start(), m.end(), m.group(), 0.9) for m in re.finditer(r"\d+件", text)]
    out += [Entity("DATE", m.start(), m.end(), m.group(), 0.8) for m in re.finditer(r"\d{4}年", text)]
    return sorted(out, key=lambda e: e.start)


SOURCE = SpanSource("fake-1", find)


@pytest.fixture
def serve():
    """serve(backend, **make_server kwargs) -> base URL; every server is shut down after the test."""
    servers = []

    def start(backend: Backend, **kw) -> str:
        server = make_server(backend, "127.0.0.1", 0, **kw)
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield start
    for s in servers:
        s.shutdown()
        s.server_close()


def call(url: str, method: str = "GET", body=None, raw: bytes | None = None):
    data = raw if raw is not None else (None if body is None else json.dumps(body, ensure_ascii=False).encode())
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def js_slice(text: str, start: int, end: int) -> str:
    return text.encode("utf-16-le")[2 * start:2 * end].decode("utf-16-le")


def test_backend_health_root_setup_versions(serve):
    url = serve(Backend(SOURCE))
    for path in ("/health", "/", "/health/"):
        status, body = call(url + path)
        assert status == 200 and body["status"] == "UP" and body["model_version"] == "fake-1"
    status, body = call(url + "/setup", "POST", {"project": "3.1700000000", "schema": label_config(),
                                                 "hostname": "http://localhost:8080", "access_token": "t"})
    assert (status, body) == (200, {"model_version": "fake-1"})
    assert call(url + "/versions")[1]["versions"] == ["fake-1"]
    assert call(url + "/metrics") == (200, {})


def test_backend_predict_gives_one_prediction_per_task_in_utf16_offsets(serve):
    url = serve(Backend(SOURCE))
    texts = [f"{EXT_B}{EXT_B}2020年收到申请35件，{EXT_B}办结19件。", "无", "2019年共21件"]
    status, body = call(url + "/predict", "POST", {"tasks": [{"id": i, "data": {"text": t}} for i, t in
                                                             enumerate(texts)], "project": "3.1700000000",
                                                   "label_config": label_config()})
    assert status == 200 and body["model_version"] == "fake-1"
    assert len(body["results"]) == 3 and body["results"][1]["result"] == []
    first = body["results"][0]
    assert first["model_version"] == "fake-1" and first["score"] == pytest.approx(0.8)
    regions = first["result"]
    assert [r["value"]["labels"][0] for r in regions] == ["DATE", "COUNT", "COUNT"]
    assert [(r["value"]["start"], r["value"]["end"]) for r in regions] == [(4, 9), (13, 16), (21, 24)]
    for r in regions:
        assert (r["from_name"], r["to_name"], r["type"]) == ("label", "text", "labels")
        assert js_slice(texts[0], r["value"]["start"], r["value"]["end"]) == r["value"]["text"]
        assert texts[0][r["value"]["start"]:r["value"]["end"]] != r["value"]["text"]   # Python counts differ


def test_backend_predict_follows_the_labeling_config_names_and_labels(serve):
    config = ('<View><Text name="doc" value="$body"/><Labels name="spans" toName="doc">'
              '<Label value="COUNT"/></Labels></View>')
    target = parse_label_config(config)
    assert (target.from_name, target.to_name, target.data_key, target.labels) == \
        ("spans", "doc", "body", frozenset({"COUNT"}))
    url = serve(Backend(SOURCE))
    status, body = call(url + "/predict", "POST", {"tasks": [{"id": 7, "data": {"body": "2020年共3件"}}],
                                                   "label_config": config})
    assert status == 200
    [region] = body["results"][0]["result"]          # DATE is not in this project's labels
    assert (region["from_name"], region["to_name"], region["value"]["text"]) == ("spans", "doc", "3件")


def test_backend_predict_adds_role_choices_when_the_model_gives_roles_and_the_config_has_them(serve):
    def with_roles(text):
        return [Entity(e.label, e.start, e.end, e.text, e.score, "model", "applications_received" if
                       e.label == "COUNT" else None) for e in find(text)]

    roles = ('<View><Labels name="label" toName="text"><Label value="COUNT"/><Label value="DATE"/></Labels>'
             '<Text name="text" value="$text"/><Choices name="role" toName="text" perRegion="true">'
             '<Choice value="applications_received"/><Choice value="fees_yuan"/></Choices></View>')
    url = serve(Backend(SpanSource("roles-1", with_roles)))
    text = f"{EXT_B}2020年收到申请35件"
    status, body = call(url + "/predict", "POST", {"tasks": [{"id": 1, "data": {"text": text}}],
                                                   "label_config": roles})
    assert status == 200
    result = body["results"][0]["result"]
    [count] = [r for r in result if r["type"] == "labels" and r["value"]["labels"] == ["COUNT"]]
    [choice] = [r for r in result if r["type"] == "choices"]
    assert (choice["id"], choice["from_name"], choice["to_name"]) == (count["id"], "role", "text")
    assert choice["value"]["choices"] == ["applications_received"]
    assert (choice["value"]["start"], choice["value"]["end"]) == (count["value"]["start"], count["value"]["end"])
    # without the role <Choices> in the config, no choices go out
    no_roles = roles.replace('<Choices name="role" toName="text" perRegion="true">'
                             '<Choice value="applications_received"/><Choice value="fees_yuan"/></Choices>', "")
    status, body = call(url + "/predict", "POST", {"tasks": [{"id": 1, "data": {"text": text}}],
                                                   "label_config": no_roles})
    assert [r["type"] for r in body["results"][0]["result"]] == ["labels", "labels"]


@pytest.mark.parametrize("path, method, payload, status, words", [
    ("/predict", "POST", b"not json", 400, "not JSON"),
    ("/predict", "POST", b"[1, 2]", 400, "JSON object"),
    ("/predict", "POST", {}, 400, "`tasks`"),
    ("/predict", "POST", {"tasks": []}, 400, "non-empty"),
    ("/predict", "POST", {"tasks": [{"id": 5, "data": {"txt": "x"}}]}, 400, "task 5: data.text"),
    ("/predict", "POST", {"tasks": [{"id": 5, "data": "x"}]}, 400, "task 5: no `data`"),
    ("/predict", "POST", {"tasks": [{"data": {"text": "x"}}], "label_config": "<View"}, 422, "not XML"),
    ("/predict", "POST", {"tasks": [{"data": {"text": "x"}}], "label_config": "<View><Image name='i' value='$i'/>"
                          "</View>"}, 422, "no <Labels>"),
    ("/setup", "POST", {"project": "1.2", "schema": 5}, 400, "XML string"),
    ("/webhook", "POST", {"project": {"id": 1}}, 400, "`action`"),
    ("/webhook", "POST", {"action": "START_TRAINING", "project": {"id": 1}}, 403, "--train-config"),
    ("/predict", "GET", None, 405, "takes POST"),
    ("/nowhere", "GET", None, 404, "no endpoint /nowhere"),
])
def test_backend_bad_requests_get_clear_4xx_errors(serve, path, method, payload, status, words):
    url = serve(Backend(SOURCE))
    raw = payload if isinstance(payload, bytes) else None
    got, body = call(url + path, method, None if raw is not None else payload, raw)
    assert got == status and words in body["error"] and "Traceback" not in body["error"]


def test_backend_body_over_the_limit_is_a_413_and_a_model_failure_a_500_in_one_line(serve):
    url = serve(Backend(SOURCE), max_body=100)
    status, body = call(url + "/predict", "POST", {"tasks": [{"data": {"text": "x" * 200}}]})
    assert status == 413 and "over the limit" in body["error"]

    def broken(text):
        return [Entity("COUNT", 0, 2, "no")]
    url = serve(Backend(SpanSource("broken-1", broken)))
    status, body = call(url + "/predict", "POST", {"tasks": [{"data": {"text": "12件"}}]})
    assert status == 500 and "not in the text" in body["error"] and "Traceback" not in body["error"]
    assert call(url + "/health")[0] == 200          # the server goes on


def test_backend_health_answers_while_a_prediction_runs(serve):
    started, release = threading.Event(), threading.Event()

    def slow(text):
        started.set()
        release.wait(10)
        return find(text)
    url = serve(Backend(SpanSource("slow-1", slow)))
    t = threading.Thread(target=call, args=(url + "/predict", "POST", {"tasks": [{"data": {"text": "1件"}}]}))
    t.start()
    assert started.wait(10)
    t0 = time.monotonic()
    assert call(url + "/health")[0] == 200 and time.monotonic() - t0 < 1.0   # Label Studio waits 1 s
    release.set()
    t.join(10)


# --- training from the webhook ------------------------------------------------------------------------------

class FakeApi:
    """What sync.pull needs: one annotated task (UTF-16 offsets, as Label Studio exports)."""

    def __init__(self):
        text = f"{EXT_B}共35件"
        self.tasks = [{"id": 1, "data": {"text": text, "doc_id": "doc1"}, "annotations": [
            {"id": 9, "updated_at": "2026-01-01T00:00:00Z", "result": [
                {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
                 "value": {"start": 3, "end": 6, "text": "35件", "labels": ["COUNT"]}}]}]}]

    def export_tasks(self, project_id):
        assert project_id == 4
        return self.tasks


def fake_train(config: Path, data: Path, out: Path) -> list[str]:
    """Stands in for `ie train`: checks it got the pulled data, prints a progress bar, writes a 'model'."""
    code = ("import sys, pathlib, time; data, out = map(pathlib.Path, sys.argv[1:3]); "
            "assert (data / 'doc1.json').is_file(); print('training on', data); "
            "print(' 50%|#####     | 1/2 [00:00<00:00]', flush=True); time.sleep(float(sys.argv[3])); "
            "(out / 'model.safetensors').write_text('m'); print('saved', out)")
    return [sys.executable, "-c", code, str(data), str(out), "0.5"]


def _wait_done(url: str) -> dict:
    for _ in range(600):
        run = call(url + "/train_status")[1]["training"]
        if run and run["state"] in ("done", "failed"):
            return run
        time.sleep(0.05)
    raise AssertionError("training did not finish")


def test_backend_webhook_trains_into_a_new_folder_one_run_at_a_time(serve, tmp_path):
    served = tmp_path / "served-model"
    served.mkdir()
    training = Training(tmp_path / "cfg.yaml", tmp_path / "pulled", tmp_path / "runs", command=fake_train)
    backend = Backend(SOURCE, training, api_factory=lambda project, server: FakeApi())
    url = serve(backend)
    # events that do not train are acknowledged
    assert call(url + "/webhook", "POST", {"action": "ANNOTATION_CREATED", "project": {"id": 4}})[0] == 200
    assert training.current is None
    status, body = call(url + "/webhook", "POST", {"action": "START_TRAINING", "project": {"id": 4, "title": "p"}})
    assert status == 201 and "job" not in body
    status, busy = call(url + "/webhook", "POST", {"action": "START_TRAINING", "project": {"id": 4}})
    assert status == 409 and "already running" in busy["error"]
    run = _wait_done(url)
    assert run["state"] == "done", run
    assert run["pulled"].startswith("written 1,") and run["progress"].startswith("50%")
    pulled = json.loads((tmp_path / "pulled" / "doc1.json").read_text(encoding="utf-8"))
    assert pulled[0]["annotations"][0]["result"][0]["value"]["start"] == 2     # Python offsets on disk
    first = Path(run["output_dir"])
    assert first.parent == tmp_path / "runs" and (first / "model.safetensors").read_text() == "m"
    assert "saved" in (first / "train.log").read_text()
    assert call(url + "/health")[1]["model_version"] == "fake-1"     # still the model it started with
    # the legacy /train call starts the next run, into another new folder
    status, _ = call(url + "/train", "POST", {"project": "4.1700000000", "annotations": []})
    assert status == 201
    second = Path(_wait_done(url)["output_dir"])
    assert second != first and (second / "model.safetensors").is_file() and (first / "model.safetensors").is_file()


def test_backend_webhook_training_failure_is_reported_and_new_model_served_only_when_asked(serve, tmp_path):
    def failing(config, data, out):
        return [sys.executable, "-c", "import sys; print('ie train: bad data'); sys.exit(2)"]

    training = Training(tmp_path / "cfg.yaml", tmp_path / "pulled", tmp_path / "runs", command=failing)
    backend = Backend(SOURCE, training, frozenset({"ANNOTATION_CREATED"}),
                      api_factory=lambda project, server: FakeApi())
    url = serve(backend)
    assert call(url + "/webhook", "POST", {"action": "ANNOTATION_CREATED", "project": {"id": 4}})[0] == 201
    run = _wait_done(url)
    assert run["state"] == "failed" and run["returncode"] == 2 and "train.log" in run["message"]
    assert "bad data" in Path(run["log"]).read_text()

    training.command = fake_train
    training.on_done = lambda run: backend.use(SpanSource(f"new-{Path(run.output_dir).name}", find))
    assert call(url + "/webhook", "POST", {"action": "ANNOTATION_CREATED", "project": {"id": 4}})[0] == 201
    run = _wait_done(url)
    assert run["state"] == "done"
    assert call(url + "/health")[1]["model_version"] == f"new-{Path(run['output_dir']).name}"


def test_backend_webhook_pull_failure_fails_the_run_and_the_server_goes_on(serve, tmp_path):
    def no_server(project, server):
        raise RuntimeError("no Label Studio to pull project 4 from")

    training = Training(tmp_path / "cfg.yaml", tmp_path / "pulled", tmp_path / "runs", command=fake_train)
    url = serve(Backend(SOURCE, training, api_factory=no_server))
    assert call(url + "/webhook", "POST", {"action": "START_TRAINING", "project": {"id": 4}})[0] == 201
    run = _wait_done(url)
    assert run["state"] == "failed" and "no Label Studio" in run["message"]
    assert call(url + "/health")[0] == 200


def test_backend_cli_refuses_training_options_without_a_config_and_a_busy_port(tmp_path, capsys):
    from ie.cli import main

    assert main(["annotate", "serve", "--rules", "--train-on", "ANNOTATION_CREATED"]) == 2
    assert "need --train-config" in capsys.readouterr().err
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        assert main(["annotate", "serve", "--rules", "--port", str(port)]) == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err
    bad = tmp_path / "bad.yaml"
    bad.write_text("no_such_key: 1\n")
    assert main(["annotate", "serve", "--rules", "--train-config", str(bad)]) == 2
    assert "unknown config keys" in capsys.readouterr().err

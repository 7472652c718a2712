"""`ie annotate serve`: the tagger as a Label Studio ML backend (the protocol of the `label-studio-ml` package).

Label Studio calls, per project it is connected to:
  GET  /health, GET /          alive? (1 s timeout: never blocked by a prediction)
  POST /setup                  on connect and before predicting: {project, schema, hostname, access_token}
                               -> {"model_version"}; a labeling config without <Labels> over a <Text> is a 422
  POST /predict                {tasks, label_config, project} -> {"results": [one prediction per task]}
  POST /webhook                every project event ({"action", "project", ...}); START_TRAINING (the "Start
                               Training" button) starts a training run, other events are acknowledged
  POST /train                  the pre-1.4.1 training call, treated as START_TRAINING
  GET  /versions, GET /metrics, GET /train_status
Offsets in results are JavaScript UTF-16 units (ie.convert). Written on the standard library's
ThreadingHTTPServer, not on `label-studio-ml` (whose PyPI release pins Flask 1.1.2 and Jinja2 3.0.3): see
docs/ml-backend.md.
"""
from __future__ import annotations

import functools
import json
import logging
import os
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from ie.annotate.retrain import Training, TrainingBusy
from ie.annotate.sync import SpanSource
from ie.convert import (TEXT_FROM_NAME, TEXT_TO_NAME, check_labels, prediction_offsets_to_js, spans_to_bio,
                        spans_to_prediction)
from ie.labels import LABELS, ROLE_FROM_NAME

logger = logging.getLogger("ie.annotate.serve")

MAX_BODY = 64 << 20          # bytes; a request body beyond this is a 413
TRAIN_EVENTS = ("START_TRAINING", "ANNOTATION_CREATED", "ANNOTATIONS_CREATED", "ANNOTATION_UPDATED",
                "ANNOTATIONS_DELETED")


class HttpError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


# --- which tags of the labeling config the predictions go to ------------------------------------------------

@dataclass(frozen=True)
class Target:
    from_name: str                      # <Labels name=...>
    to_name: str                        # <Text name=...>
    data_key: str                       # <Text value="$text"> -> "text"
    labels: frozenset[str]
    role_from_name: str | None = None   # per-region <Choices name="role" toName=to_name perRegion="true">
    roles: frozenset[str] = frozenset()


DEFAULT_TARGET = Target(TEXT_FROM_NAME, TEXT_TO_NAME, "text", frozenset(LABELS))


@functools.lru_cache(maxsize=32)
def parse_label_config(xml: str) -> Target:
    """The first <Labels> over a <Text value="$key">, and a per-region role <Choices> over the same text."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise ValueError(f"the labeling config is not XML: {exc}") from None
    texts = {el.get("name"): el.get("value", "") for el in root.iter("Text")}
    for el in root.iter("Labels"):
        to = el.get("toName")
        if to in texts and texts[to].startswith("$") and el.get("name"):
            labels = frozenset(lab.get("value") for lab in el.iter("Label") if lab.get("value"))
            role_from, roles = None, frozenset()
            for ch in root.iter("Choices"):
                if (ch.get("name") == ROLE_FROM_NAME and ch.get("toName") == to
                        and ch.get("perRegion", "").lower() == "true"):
                    role_from = ROLE_FROM_NAME
                    roles = frozenset(c.get("value") for c in ch.iter("Choice") if c.get("value"))
            return Target(el.get("name"), to, texts[to][1:], labels, role_from, roles)
    raise ValueError('the labeling config has no <Labels> over a <Text value="$...">: this backend predicts '
                     "spans of text (set the project up with `ie annotate setup`)")


def _target(label_config) -> Target:
    if label_config in (None, ""):
        return DEFAULT_TARGET
    if not isinstance(label_config, str):
        raise HttpError(400, "`label_config` (or `schema`) must be the labeling config as an XML string")
    try:
        return parse_label_config(label_config)
    except ValueError as exc:
        raise HttpError(422, str(exc)) from None


# --- predictions --------------------------------------------------------------------------------------------

def predict_text(text: str, source: SpanSource, target: Target = DEFAULT_TARGET) -> dict:
    """One Label Studio prediction for `text`: `labels` regions (and per-region role choices where the model
    gives a role and the config has the role <Choices>), offsets in UTF-16 units."""
    spans = sorted(source.find(text), key=lambda e: (e.start, e.end))
    check_labels(spans)
    for s in spans:
        if not (0 <= s.start < s.end <= len(text)) or text[s.start:s.end] != s.text:
            raise RuntimeError(f"{source.version} gave span {s.label} {s.start}-{s.end} {s.text!r} that is not "
                               f"in the text ({text[s.start:s.end]!r})")
    spans_to_bio(len(text), spans)
    kept = [s for s in spans if s.label in target.labels]     # a label the project lacks cannot be shown
    prediction = spans_to_prediction(kept, source.version)
    # spans_to_prediction puts each role on its span's region id (ie.convert.result_spans reads it back); a
    # project without the role <Choices>, or without that role among its choices, gets the spans alone
    result = []
    for region in prediction["result"]:
        if region.get("type", "labels") == "labels":
            region["from_name"], region["to_name"] = target.from_name, target.to_name
        elif target.role_from_name and region["value"]["choices"][0] in target.roles:
            region["from_name"], region["to_name"] = target.role_from_name, target.to_name
        else:
            continue
        result.append(region)
    prediction["result"] = result
    return prediction_offsets_to_js(prediction, text)


def _task_text(task, target: Target, n: int) -> str:
    name = f"task {task.get('id')}" if isinstance(task, dict) and task.get("id") is not None else f"task #{n}"
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict):
        raise HttpError(400, f"{name}: no `data` object")
    text = data.get(target.data_key)
    if not isinstance(text, str):
        raise HttpError(400, f"{name}: data.{target.data_key} is missing or not a string (the labeling config's "
                             f"<Text name={target.to_name!r}> reads ${target.data_key})")
    return text


def _project_id(project) -> int:
    """Webhooks send the project as an object, setup/train as '<id>.<created timestamp>'."""
    if isinstance(project, dict):
        project = project.get("id")
    if isinstance(project, bool):
        project = None
    try:
        return int(str(project).split(".")[0])
    except (TypeError, ValueError):
        raise HttpError(400, f"no project id in `project` ({str(project)[:80]!r})") from None


# --- the backend, independent of HTTP -----------------------------------------------------------------------

@dataclass
class Backend:
    source: SpanSource
    training: Training | None = None
    train_on: frozenset[str] = frozenset({"START_TRAINING"})
    api_factory: Callable[[int, tuple[str, str] | None], object] | None = None
    _predict_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # project id -> (Label Studio URL, token) from /setup: where to pull from when the environment says nothing
    _servers: dict[int, tuple[str, str]] = field(default_factory=dict, repr=False)

    def use(self, source: SpanSource) -> None:
        """Serve another model from the next request on (after a training, where asked to)."""
        with self._predict_lock:
            self.source = source
        logger.info("now serving %s", source.version)

    def health(self, _payload=None) -> dict:
        return {"status": "UP", "model_class": "ie.tag", "model_version": self.source.version,
                "training": self.training.current.to_json() if self.training and self.training.current else None}

    def setup(self, payload: dict) -> dict:
        _target(payload.get("schema"))
        project, host, token = payload.get("project"), payload.get("hostname"), payload.get("access_token")
        if project is not None and isinstance(host, str) and host and isinstance(token, str) and token:
            self._servers[_project_id(project)] = (host, token)
        return {"model_version": self.source.version}

    def predict(self, payload: dict) -> dict:
        tasks = payload.get("tasks")
        if not isinstance(tasks, list) or not tasks:
            raise HttpError(400, "`tasks` must be a non-empty list of tasks ({\"id\", \"data\": {...}})")
        target = _target(payload.get("label_config"))
        texts = [_task_text(t, target, n) for n, t in enumerate(tasks)]
        t0 = time.perf_counter()
        with self._predict_lock:           # one at a time: the model already uses every core
            source = self.source
            results = [predict_text(text, source, target) for text in texts]
        logger.info("predicted %d task(s) (ids %s), %d spans, with %s in %.2f s", len(tasks),
                    ",".join(str(t.get("id")) for t in tasks[:10]) + ("…" if len(tasks) > 10 else ""),
                    sum(len(r["result"]) for r in results), source.version, time.perf_counter() - t0)
        return {"results": results, "model_version": source.version}

    def versions(self, _payload=None) -> dict:
        return {"versions": [self.source.version], "model_version": self.source.version}

    def train_status(self, _payload=None) -> dict:
        run = self.training.current if self.training else None
        return {"enabled": self.training is not None, "training": run.to_json() if run else None}

    def webhook(self, payload: dict) -> tuple[int, dict]:
        action = payload.get("action")
        if not isinstance(action, str) or not action:
            raise HttpError(400, "a webhook needs an `action` (the Label Studio event name)")
        if action not in self.train_on:
            return 200, {"status": "ignored", "action": action}
        return self._start_training(_project_id(payload.get("project")), action)

    def train(self, payload: dict) -> tuple[int, dict]:
        return self._start_training(_project_id(payload.get("project")), "train")

    def _start_training(self, project: int, why: str) -> tuple[int, dict]:
        if self.training is None:
            raise HttpError(403, "training is not enabled on this server: start `ie annotate serve` with "
                                 "--train-config CONFIG")
        server = self._servers.get(project)
        factory = self.api_factory or default_api
        try:
            run = self.training.start(project, lambda: factory(project, server))
        except TrainingBusy as exc:
            raise HttpError(409, str(exc)) from None
        logger.info("%s: training started for project %s", why, project)
        # no "job" key: Label Studio would then poll a job API this server does not keep
        return 201, {"status": "training started", "run": run.to_json()}


def default_api(project: int, server: tuple[str, str] | None):
    """LABEL_STUDIO_URL/LABEL_STUDIO_API_KEY when set, else the server and token /setup was called with."""
    from ie.annotate.client import KEY_ENV, URL_ENV, AnnotateError, Api

    if os.environ.get(URL_ENV) and os.environ.get(KEY_ENV):
        return Api.from_env()
    if server is None:
        raise AnnotateError(f"no Label Studio to pull project {project} from: set {URL_ENV} and {KEY_ENV}")
    return Api(*server)


# --- HTTP ---------------------------------------------------------------------------------------------------

ROUTES: dict[str, dict[str, str]] = {      # path -> method -> Backend method
    "/": {"GET": "health"},
    "/health": {"GET": "health"},
    "/setup": {"POST": "setup"},
    "/predict": {"POST": "predict"},
    "/webhook": {"POST": "webhook"},
    "/train": {"POST": "train"},
    "/versions": {"GET": "versions", "POST": "versions"},
    "/metrics": {"GET": "metrics"},
    "/train_status": {"GET": "train_status"},
}


class _Handler(BaseHTTPRequestHandler):
    server_version = "ie-ml-backend"
    protocol_version = "HTTP/1.1"       # keep-alive: Label Studio reuses its connection
    backend: Backend                    # set on the subclass make_server builds
    max_body: int = MAX_BODY

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_PATCH(self):
        self._dispatch("PATCH")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def log_message(self, fmt, *args):  # into logging, not bare stderr
        logger.debug("%s " + fmt, self.address_string(), *args)

    def _send(self, status: int, obj, headers: dict | None = None) -> None:
        body = json.dumps(obj, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def _payload(self) -> dict:
        length = self.headers.get("Content-Length")
        if length is None:
            if self.headers.get("Transfer-Encoding"):
                self.close_connection = True
                raise HttpError(411, "send the body with a Content-Length")
            return {}
        try:
            n = int(length)
        except ValueError:
            self.close_connection = True
            raise HttpError(400, f"bad Content-Length {length!r}") from None
        if n > self.max_body:
            self.close_connection = True      # the body is not read: this connection cannot go on
            raise HttpError(413, f"request body of {n} bytes is over the limit of {self.max_body}")
        raw = self.rfile.read(n) if n > 0 else b""
        if not raw.strip():
            return {}
        try:
            payload = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise HttpError(400, f"request body is not JSON: {exc}") from None
        if not isinstance(payload, dict):
            raise HttpError(400, f"request body must be a JSON object, not {type(payload).__name__}")
        return payload

    def _dispatch(self, method: str) -> None:
        path = urlsplit(self.path).path.rstrip("/") or "/"
        route = ROUTES.get(path)
        try:
            if route is None:
                raise HttpError(404, f"no endpoint {path} (this is an ie ML backend: {', '.join(ROUTES)})")
            if method not in route:
                self._send(405, {"error": f"{path} takes {' or '.join(route)}, not {method}"},
                           {"Allow": ", ".join(route)})
                return
            payload = self._payload() if method == "POST" else {}
            name = route[method]
            out = {} if name == "metrics" else getattr(self.backend, name)(payload)
            status, obj = out if isinstance(out, tuple) else (200, out)
        except HttpError as exc:
            logger.warning("%s %s -> %s %s", method, path, exc.status, exc.message)
            status, obj = exc.status, {"error": exc.message}
        except Exception as exc:  # a bug or a model failure: logged with its traceback, answered in one line
            logger.exception("%s %s failed", method, path)
            status, obj = 500, {"error": f"{path} failed: {type(exc).__name__}: {exc}"}
        self._send(status, obj)


def make_server(backend: Backend, host: str = "127.0.0.1", port: int = 0,
                max_body: int = MAX_BODY) -> ThreadingHTTPServer:
    handler = type("Handler", (_Handler,), {"backend": backend, "max_body": max_body})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


# --- `ie annotate serve` ------------------------------------------------------------------------------------

def register(sub) -> None:
    s = sub.add_parser("serve", help="serve the tagger as a Label Studio ML backend (pre-annotation as tasks "
                                     "are opened; training from Label Studio)",
                       description="Serve the tagger to Label Studio (Settings -> Model -> Connect Model).")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 when "
                                                       "Label Studio runs in a container)")
    s.add_argument("--port", type=int, default=9090, help="port (default 9090, Label Studio's usual)")
    src = s.add_mutually_exclusive_group()
    src.add_argument("--model", help="serve this trained model directory (default ie/default_model)")
    src.add_argument("--rules", action="store_true", help="serve the regex rules instead of a model")
    s.add_argument("--train-config", help="enable training from Label Studio with this `ie train` config")
    s.add_argument("--annotations", default=None,
                   help="where training pulls the annotations to and trains from (default annotations/corpus)")
    s.add_argument("--runs-dir", default="runs", help="each training run writes a new folder here (default runs)")
    s.add_argument("--train-on", action="append", choices=TRAIN_EVENTS, metavar="EVENT",
                   help=f"webhook events that start a training (repeatable; default START_TRAINING, the "
                        f"'Start Training' button); one of {', '.join(TRAIN_EVENTS)}")
    s.add_argument("--serve-new-model", action="store_true",
                   help="after a training succeeds, serve the new model at once (default: keep serving the "
                        "model it started with until you restart with --model)")
    s.set_defaults(func=run_serve)


def _build(args) -> Backend:
    from ie.annotate import sync
    from ie.annotate.cli import DEFAULT_OUT

    source = sync.default_source(args.model, args.rules)
    training = None
    if args.train_config:
        from ie.tag.train import load_config

        load_config(args.train_config)          # a bad config fails now, not at the first webhook
        training = Training(Path(args.train_config), Path(args.annotations or DEFAULT_OUT), Path(args.runs_dir))
    elif args.train_on or args.serve_new_model or args.annotations:
        raise ValueError("--train-on, --serve-new-model and --annotations need --train-config")
    backend = Backend(source, training, frozenset(args.train_on or ["START_TRAINING"]))
    if training is not None and args.serve_new_model:
        training.on_done = lambda run: backend.use(sync.model_source(run.output_dir))
    return backend


def run_serve(args) -> int:
    import signal
    import sys

    from ie.annotate.client import AnnotateError

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    try:
        backend = _build(args)
        server = make_server(backend, args.host, args.port)
    except (AnnotateError, FileNotFoundError, ValueError, ImportError) as exc:
        print(f"ie annotate serve: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"ie annotate serve: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    host, port = server.server_address[:2]

    def stop(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    print(f"serving {backend.source.version} at http://{host}:{port} "
          f"(training {'on ' + ', '.join(sorted(backend.train_on)) if backend.training else 'off'}); "
          "in Label Studio: project Settings -> Model -> Connect Model", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if backend.training is not None:
            backend.training.stop()
    return 0

"""Push reports with pre-annotations to Label Studio, pull corrected annotations back, measure progress.

Everything here works on Python offsets and plain dicts; ie.convert translates offsets to and from Label
Studio's UTF-16 ones at the boundary, and `api` is anything with the methods of client.Api (tests use an
in-memory fake).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

from tqdm import tqdm

from ie.convert import (chosen_annotation, check_labels, check_roles, prediction_offsets_to_js,
                        spans_to_bio, spans_to_prediction, task_offsets_to_python, task_spans)
from ie.models import Entity, ReadError

REPORT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")
IMPORT_BATCH = 20   # tasks per import request: reports are long, keep each request small


# --- where pre-annotations come from ------------------------------------------------------------------

@dataclass
class SpanSource:
    version: str                           # becomes the prediction's model_version
    find: Callable[[str], list[Entity]]


def _digest(paths: Iterable[Path], n: int = 8) -> str:
    h = hashlib.sha256()
    for p in sorted(paths):
        h.update(p.name.encode())
        with p.open("rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()[:n]


def model_source(path: str | Path) -> SpanSource:
    path = Path(path)
    if not path.is_dir():
        raise FileNotFoundError(f"{path}: model directory not found")
    from ie.tag.infer import Tagger        # lazily: torch is slow to import

    tagger = Tagger.from_pretrained(path)
    version = f"{path.resolve().name}-{_digest(p for p in path.iterdir() if p.is_file())}"
    return SpanSource(version, tagger.tag)


def rules_source() -> SpanSource:
    import ie.rules as rules

    version = getattr(rules, "RULES_VERSION", None) or _digest([Path(rules.__file__)])
    return SpanSource(f"rules-{version}", rules.find_entities)


def default_source(model: str | Path | None = None, use_rules: bool = False) -> SpanSource:
    """--rules, else --model, else the shipped model if there is one, else rules."""
    from ie.paths import DEFAULT_MODEL_DIR

    if use_rules:
        return rules_source()
    if model is not None:
        return model_source(model)
    if (DEFAULT_MODEL_DIR / "config.json").is_file():
        return model_source(DEFAULT_MODEL_DIR)
    return rules_source()


# --- push ---------------------------------------------------------------------------------------------

def report_files(paths: Iterable[str | Path]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            # a folder's README describes the folder, it is not a report; name it explicitly to push it
            files += sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in REPORT_SUFFIXES
                            and not f.name.upper().startswith("README"))
        elif p.is_file():
            files.append(p)
        else:
            raise FileNotFoundError(f"{p}: no such file or directory")
    stems: dict[str, Path] = {}
    for f in files:
        if f.stem in stems and stems[f.stem] != f:
            raise ValueError(f"{f} and {stems[f.stem]} would both be doc_id {f.stem!r}; push them separately")
        stems[f.stem] = f
    return list(stems.values())


@dataclass
class Prepared:
    doc_id: str
    data: dict           # {"text", "doc_id", "source_sha256"}
    prediction: dict     # Python offsets


def prepare(path: Path, source: SpanSource) -> Prepared:
    """Read, normalize and pre-annotate one report; spans are checked against the text before they leave."""
    from ie.normalize import normalize_document
    from ie.read import read_document

    doc = read_document(path)
    text = normalize_document(doc).text      # as ie.extract does, so offsets line up with its output
    spans = sorted(source.find(text), key=lambda e: (e.start, e.end))
    check_labels(spans)
    for s in spans:
        if not (0 <= s.start < s.end <= len(text)) or text[s.start:s.end] != s.text:
            raise ValueError(f"{path}: {source.version} gave span {s.label} {s.start}-{s.end} {s.text!r} "
                             f"that is not in the text ({text[s.start:s.end]!r})")
    spans_to_bio(len(text), spans)          # overlapping spans cannot be shown or trained on
    return Prepared(path.stem, {"text": text, "doc_id": path.stem, "source_sha256": doc.sha256},
                    spans_to_prediction(spans, source.version))


@dataclass
class PushResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    annotated: list[str] = field(default_factory=list)    # already annotated, same text: left alone
    failed: list[str] = field(default_factory=list)       # messages naming the file and the problem

    def summary(self) -> str:
        return (f"created {len(self.created)}, updated {len(self.updated)}, "
                f"left alone (already annotated) {len(self.annotated)}, failed {len(self.failed)}")


def _live_annotations(task: dict) -> list[dict]:
    return [a for a in task.get("annotations", []) if not a.get("was_cancelled")]


def push(api, project_id: int, paths: Iterable[str | Path], source: SpanSource,
         progress: bool = True) -> PushResult:
    """Create a task per report, or update the task with the same doc_id.

    An annotated task keeps its prediction (it records what the annotator was shown, which `status`
    compares against) and its text: a changed text would invalidate the annotation's offsets, so that is
    reported as a failure instead.
    """
    result = PushResult()
    existing: dict[str, dict] = {}
    for t in api.export_tasks(project_id):
        existing.setdefault(str(t.get("data", {}).get("doc_id")), t)
    new_tasks: list[dict] = []
    for path in tqdm(report_files(paths), desc="push", unit="doc", disable=not progress):
        try:
            prep = prepare(path, source)
        except (ReadError, ValueError, OSError) as exc:
            result.failed.append(str(exc) if str(path) in str(exc) else f"{path}: {exc}")
            continue
        text = prep.data["text"]
        prediction = prediction_offsets_to_js(prep.prediction, text)
        task = existing.get(prep.doc_id)
        if task is None:
            new_tasks.append({"data": prep.data, "predictions": [prediction]})
            result.created.append(prep.doc_id)
            continue
        if _live_annotations(task):
            if task["data"].get("text") != text:
                result.failed.append(f"{path}: task {task['id']} ({prep.doc_id}) is annotated against a different "
                                     "text; delete or rename the task before pushing the new text")
            else:
                result.annotated.append(prep.doc_id)
            continue
        if task.get("data") != prep.data:
            api.update_task_data(task["id"], prep.data)
        api.replace_prediction(project_id, task["id"], prediction)
        result.updated.append(prep.doc_id)
    for i in range(0, len(new_tasks), IMPORT_BATCH):
        api.import_tasks(project_id, new_tasks[i:i + IMPORT_BATCH])
    return result


# --- pull ---------------------------------------------------------------------------------------------

def _when(annotation: dict | None) -> datetime | None:
    stamp = (annotation or {}).get("updated_at") or (annotation or {}).get("created_at")
    if not stamp:
        return None
    try:
        when = datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


def _file_name(doc_id: str) -> str:
    return re.sub(r"[^\w.\-]", "_", doc_id) + ".json"


def write_json_atomic(path: Path, obj) -> None:
    """Write to a temporary file beside `path` and rename it over: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(obj, f, ensure_ascii=False, indent=1)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


@dataclass
class PullResult:
    written: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)          # the file on disk is as new or newer
    unannotated: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)     # file on disk holds a different text
    invalid: list[str] = field(default_factory=list)       # annotation does not fit its text

    def summary(self) -> str:
        return (f"written {len(self.written)}, kept newer local {len(self.kept)}, not annotated yet "
                f"{len(self.unannotated)}, text conflicts {len(self.conflicts)}, invalid {len(self.invalid)}")


def pull_task(raw: dict, out_dir: Path, result: PullResult) -> None:
    doc_id = str(raw.get("data", {}).get("doc_id") or f"task-{raw.get('id')}")
    try:
        task = task_offsets_to_python(raw)
        ann = chosen_annotation(task)
        if ann is None:
            result.unannotated.append(doc_id)
            return
        spans = task_spans(task)
        check_labels(spans)
        check_roles(ann.get("result", []))
        spans_to_bio(len(task["data"]["text"]), spans)
    except (ValueError, KeyError) as exc:
        result.invalid.append(f"{doc_id}: {exc}")
        return
    path = out_dir / _file_name(doc_id)
    if path.exists():
        try:
            on_disk = json.loads(path.read_text(encoding="utf-8"))
            old = on_disk[0] if isinstance(on_disk, list) else on_disk
            old_text = old["data"]["text"]
        except (ValueError, KeyError, IndexError, TypeError) as exc:
            result.conflicts.append(f"{path}: unreadable ({exc}); not replaced")
            return
        if old_text != task["data"]["text"]:
            result.conflicts.append(f"{path}: holds a different text than task {raw.get('id')}; not replaced")
            return
        old_ann = chosen_annotation(old)
        if old_ann is not None:
            # an annotation whose age cannot be told is kept: only a provably newer one replaces it
            old_when, new_when = _when(old_ann), _when(ann)
            if old_when is None or new_when is None or old_when >= new_when:
                result.kept.append(doc_id)
                return
    write_json_atomic(path, [task])
    result.written.append(doc_id)


def pull(api, project_id: int, out_dir: str | Path, progress: bool = True) -> PullResult:
    result = PullResult()
    out_dir = Path(out_dir)
    for raw in tqdm(api.export_tasks(project_id), desc="pull", unit="task", disable=not progress):
        pull_task(raw, out_dir, result)
    return result


# --- status -------------------------------------------------------------------------------------------

@dataclass
class Status:
    total: int
    done: int
    predicted: int        # predicted spans in annotated tasks
    accepted: int         # of those, kept with the same start, end and label

    @property
    def accepted_share(self) -> float | None:
        return self.accepted / self.predicted if self.predicted else None

    def summary(self) -> str:
        share = "n/a" if self.accepted_share is None else f"{self.accepted_share:.1%}"
        return (f"tasks annotated {self.done}/{self.total}; pre-annotated spans accepted unchanged "
                f"{self.accepted}/{self.predicted} ({share})")


def _keys(result: list[dict]) -> set[tuple[int, int, str]]:
    """(start, end, label) of each labels region; offsets compared as numbers, so either convention works."""
    return {(int(r["value"]["start"]), int(r["value"]["end"]), r["value"]["labels"][0])
            for r in result if r.get("type", "labels") == "labels"}


def compute_status(tasks: list[dict], predictions: list[dict]) -> Status:
    """`tasks` as exported, `predictions` whole (offsets in either convention, as long as both agree)."""
    latest: dict[int, dict] = {}
    for p in predictions:
        t = p.get("task")
        if t not in latest or (p.get("created_at") or "", p.get("id") or 0) > \
                (latest[t].get("created_at") or "", latest[t].get("id") or 0):
            latest[t] = p
    done = predicted = accepted = 0
    for task in tasks:
        ann = chosen_annotation(task)
        if ann is None:
            continue
        done += 1
        pred = latest.get(task.get("id"))
        if pred is None:
            continue
        shown, kept = _keys(pred.get("result", [])), _keys(ann.get("result", []))
        predicted += len(shown)
        accepted += len(shown & kept)
    return Status(len(tasks), done, predicted, accepted)


def status(api, project_id: int) -> Status:
    return compute_status(api.export_tasks(project_id), api.predictions(project_id))

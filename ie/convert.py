"""Converters between Label Studio tasks, character-level IOB2 tags and entity spans.

Label Studio exports one task per report: `data.text` is the normalized text, and each annotation's
`result[].value` holds `start`, `end` (exclusive), `text` and `labels`. Chinese is tagged per character, so
a span maps to tags one-to-one and back without any tokenizer in between.

Offsets: everything in this package (and every file under annotations/corpus/) uses Python string indices
(code points). Label Studio counts JavaScript UTF-16 units, so a character outside the BMP (CJK Extension B,
emoji) is two units there. `task_offsets_to_python` / `prediction_offsets_to_js` convert at the API boundary;
nothing else needs to know.
"""
from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path

from ie.labels import LABELS, ROLE_FROM_NAME, ROLES
from ie.models import Entity

TEXT_FROM_NAME = "label"   # <Labels name="label" toName="text">
TEXT_TO_NAME = "text"      # <Text name="text" value="$text">


def load_tasks(path: str | Path) -> list[dict]:
    """Tasks from one Label Studio JSON export (a list, or one task object) or from every *.json in a folder."""
    path = Path(path)
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    tasks: list[dict] = []
    for f in files:
        data = json.loads(f.read_text(encoding="utf-8"))
        tasks.extend(data if isinstance(data, list) else [data])
    return tasks


def chosen_annotation(task: dict) -> dict | None:
    """The annotation that counts for a task: one marked ground_truth, else the latest non-cancelled one."""
    live = [a for a in task.get("annotations", []) if not a.get("was_cancelled")]
    if not live:
        return None
    truth = [a for a in live if a.get("ground_truth")]
    pool = truth or live
    return max(pool, key=lambda a: (a.get("updated_at") or a.get("created_at") or "", a.get("id") or 0))


def task_spans(task: dict) -> list[Entity]:
    """Spans of the chosen annotation, sorted; raises ValueError where a span's text disagrees with data.text."""
    ann = chosen_annotation(task)
    if ann is None:
        return []
    try:
        return result_spans(task["data"]["text"], ann.get("result", []))
    except ValueError as exc:
        raise ValueError(f"task {task.get('id')} ({task.get('data', {}).get('doc_id')}): {exc}") from None


def spans_to_bio(n_chars: int, spans: list[Entity]) -> list[str]:
    """One IOB2 tag per character; overlapping spans are an error (the guideline forbids them)."""
    tags = ["O"] * n_chars
    for s in sorted(spans, key=lambda e: e.start):
        if any(t != "O" for t in tags[s.start:s.end]):
            raise ValueError(f"overlapping span {s.label} {s.start}-{s.end}")
        tags[s.start] = f"B-{s.label}"
        for i in range(s.start + 1, s.end):
            tags[i] = f"I-{s.label}"
    return tags


def bio_to_spans(text: str, tags: list[str], scores: list[float] | None = None,
                 source: str = "model") -> list[Entity]:
    """Strict IOB2 decoding: an I- tag that does not continue a span of its own type starts nothing.

    A span's score is the lowest per-character score inside it (the weakest link decides).
    """
    spans: list[Entity] = []
    cur: tuple[str, int] | None = None

    def close(end: int) -> None:
        if cur is not None:
            label, start = cur
            sc = min(scores[start:end]) if scores is not None else None
            spans.append(Entity(label, start, end, text[start:end], None if sc is None else float(sc), source))

    for i, tag in enumerate(tags):
        if tag == "O":
            # the common case, decided without a call: an O ends any running span
            if cur is not None:
                close(i)
                cur = None
            continue
        if tag.startswith("B-"):
            close(i)
            cur = (tag[2:], i)
        elif tag.startswith("I-") and cur is not None and cur[0] == tag[2:]:
            continue
        else:
            close(i)
            cur = None
    close(len(tags))
    return spans


def windows(n_chars: int, window: int, stride: int) -> list[tuple[int, int]]:
    """Overlapping [start, end) windows covering n_chars; consecutive windows overlap by window - stride."""
    if window <= 0 or stride <= 0 or stride > window:
        raise ValueError("need 0 < stride <= window")
    if n_chars <= window:
        return [(0, n_chars)]
    out, start = [], 0
    while True:
        end = min(start + window, n_chars)
        out.append((start, end))
        if end == n_chars:
            return out
        start += stride


@dataclass
class Example:
    doc_id: str
    start: int          # offset of the window in data.text
    chars: list[str]
    tags: list[str]


def task_examples(task: dict, window: int, stride: int, doc_id: str | None = None) -> list[Example]:
    text = task["data"]["text"]
    tags = spans_to_bio(len(text), task_spans(task))
    doc = doc_id or str(task.get("data", {}).get("doc_id") or task.get("id"))
    return [Example(doc, s, list(text[s:e]), tags[s:e]) for s, e in windows(len(text), window, stride)]


def tasks_to_dataset(tasks: list[dict], window: int = 510, stride: int = 384):
    """A datasets.Dataset of windows: doc_id, start, chars, tags (offsets kept through `start`)."""
    from datasets import Dataset

    rows = {"doc_id": [], "start": [], "chars": [], "tags": []}
    for t in tasks:
        for ex in task_examples(t, window, stride):
            rows["doc_id"].append(ex.doc_id)
            rows["start"].append(ex.start)
            rows["chars"].append(ex.chars)
            rows["tags"].append(ex.tags)
    return Dataset.from_dict(rows)


def role_result(region_id: str, s: Entity) -> dict:
    """A span's role as Label Studio's per-region choice: the same id as the span's labels region."""
    return {"id": region_id, "from_name": ROLE_FROM_NAME, "to_name": TEXT_TO_NAME, "type": "choices",
            "value": {"start": s.start, "end": s.end, "text": s.text, "choices": [s.role]}}


def spans_to_prediction(spans: list[Entity], model_version: str) -> dict:
    """One Label Studio prediction holding every region (and each role as a per-region choice on its region);
    the prediction score is the lowest region score."""
    result = []
    for i, s in enumerate(spans):
        region = {
            "id": f"r{i}",
            "from_name": TEXT_FROM_NAME,
            "to_name": TEXT_TO_NAME,
            "type": "labels",
            "value": {"start": s.start, "end": s.end, "text": s.text, "labels": [s.label]},
        }
        if s.score is not None:
            region["score"] = float(s.score)
        result.append(region)
        if s.role is not None:
            role = role_result(region["id"], s)
            if s.score is not None:
                role["score"] = float(s.score)
            result.append(role)
    scored = [s.score for s in spans if s.score is not None]
    return {"model_version": model_version, "score": float(min(scored)) if scored else 1.0, "result": result}


def check_labels(spans: list[Entity], labels: tuple[str, ...] = LABELS) -> None:
    for s in spans:
        if s.label not in labels:
            raise ValueError(f"unknown label {s.label!r} at {s.start}-{s.end}")


ROLE_LABELS = ("COUNT", "MONEY")    # a prose field is a count or an amount: only these spans carry a role


def check_roles(result: list[dict], roles: tuple[str, ...] = ROLES) -> None:
    """Each role choice names a known role and belongs to a COUNT/MONEY span region (same id)."""
    spans = {r.get("id"): r for r in result if r.get("type", "labels") == "labels"}
    for r in result:
        if r.get("type") != "choices" or r.get("from_name") != ROLE_FROM_NAME:
            continue
        v = r.get("value") or {}
        where = f"role region {r.get('id')!r} at {v.get('start')}-{v.get('end')}"
        if r.get("id") not in spans:
            raise ValueError(f"{where} belongs to no span region")
        label = (spans[r["id"]].get("value", {}).get("labels") or [None])[0]
        if label not in ROLE_LABELS:
            raise ValueError(f"{where} is on a {label} span; roles go on {'/'.join(ROLE_LABELS)} spans")
        if len(v.get("choices") or []) != 1 or v["choices"][0] not in roles:
            raise ValueError(f"{where}: role {v.get('choices')} is not one of {', '.join(roles)}")


# --- UTF-16 (Label Studio / JavaScript) <-> Python offsets -------------------------------------------------

def js_offsets(text: str) -> list[int]:
    """js[i] = UTF-16 offset of Python index i, for i in 0..len(text)."""
    out, js = [0] * (len(text) + 1), 0
    for i, ch in enumerate(text):
        out[i] = js
        js += 2 if ord(ch) > 0xFFFF else 1
    out[len(text)] = js
    return out


def py_offsets(text: str) -> dict[int, int]:
    """UTF-16 offset -> Python index, for offsets that fall on a character boundary."""
    return {js: i for i, js in enumerate(js_offsets(text))}


def _convert_regions(regions: list[dict], table: dict[int, int] | list[int], what: str) -> list[dict]:
    out = []
    for region in regions:
        region = copy.deepcopy(region)
        v = region.get("value") or {}
        if "start" in v and "end" in v:
            try:
                v["start"], v["end"] = table[int(v["start"])], table[int(v["end"])]
            except (KeyError, IndexError) as exc:
                raise ValueError(f"{what}: offset {exc} of region {region.get('id')} is outside the text "
                                 "or inside a surrogate pair") from None
        out.append(region)
    return out


def _convert_prediction(prediction: dict, text: str, offsets, what: str) -> dict:
    if all(ord(c) <= 0xFFFF for c in text):   # BMP only: both count the same
        return prediction
    out = dict(prediction)
    out["result"] = _convert_regions(prediction.get("result", []), offsets(text), what)
    return out


def prediction_offsets_to_js(prediction: dict, text: str) -> dict:
    """A prediction/annotation (dict with `result`) with Python offsets -> the same with UTF-16 offsets."""
    return _convert_prediction(prediction, text, js_offsets, "prediction")


def prediction_offsets_to_python(prediction: dict, text: str) -> dict:
    """A prediction/annotation with UTF-16 offsets (as Label Studio sends it) -> Python offsets."""
    return _convert_prediction(prediction, text, py_offsets, "annotation")


def task_offsets_to_python(task: dict) -> dict:
    """A task as Label Studio exports it (UTF-16 offsets) -> the same task with Python offsets everywhere."""
    text = task.get("data", {}).get("text", "")
    out = dict(task)
    for key in ("annotations", "predictions"):
        items = task.get(key)
        if items:
            out[key] = [prediction_offsets_to_python(a, text) if isinstance(a, dict) else a for a in items]
    return out


# --- predictions as spans; windows back to documents ------------------------------------------------------

def result_spans(text: str, result: list[dict], source: str = "rule") -> list[Entity]:
    """Spans of a prediction's or annotation's `result` (Python offsets), sorted; checks value.text.

    A per-region `choices` result (from_name "role", the same region id as its span) gives the span its role."""
    roles = {r.get("id"): r["value"]["choices"][0] for r in result
             if r.get("type") == "choices" and r.get("from_name") == ROLE_FROM_NAME and r["value"].get("choices")}
    spans = []
    for region in result:
        if region.get("type", "labels") != "labels":
            continue
        v = region["value"]
        start, end = int(v["start"]), int(v["end"])
        quoted = v.get("text")
        if quoted is not None and quoted != text[start:end]:
            raise ValueError(f"span {start}-{end} says {quoted!r}, text has {text[start:end]!r}")
        spans.append(Entity(v["labels"][0], start, end, text[start:end], region.get("score"), source,
                            roles.get(region.get("id"))))
    return sorted(spans, key=lambda e: (e.start, e.end))


def latest_prediction(task: dict) -> dict | None:
    """The newest whole prediction of a task (exports may list predictions by id only: those are skipped)."""
    preds = [p for p in task.get("predictions", []) if isinstance(p, dict) and "result" in p]
    if not preds:
        return None
    return max(preds, key=lambda p: (p.get("created_at") or "", p.get("id") or 0))


def join_windows(examples: list[Example]) -> tuple[str, list[str]]:
    """Reassemble one document's windows into (text, tags); overlaps must agree, gaps are an error."""
    text: list[str] = []
    tags: list[str] = []
    for ex in sorted(examples, key=lambda e: e.start):
        if ex.start > len(text):
            raise ValueError(f"{ex.doc_id}: gap before window at {ex.start}")
        overlap = len(text) - ex.start
        if text[ex.start:] != ex.chars[:overlap] or tags[ex.start:] != ex.tags[:overlap]:
            raise ValueError(f"{ex.doc_id}: windows disagree on their overlap at {ex.start}")
        text.extend(ex.chars[overlap:])
        tags.extend(ex.tags[overlap:])
    return "".join(text), tags

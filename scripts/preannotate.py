"""Gold span files = rule proposals (ie.rules) + a reader's recorded corrections (annotations/review/<stem>.yaml).

    python scripts/preannotate.py                 # rebuild annotations/corpus/<stem>.json for every corpus .txt
    python scripts/preannotate.py fengdu_2018     # one report
    python scripts/preannotate.py --show STEM     # print the normalized text with spans inline, for reading
    python scripts/preannotate.py --predictions OUT.json   # rule spans as Label Studio predictions, no review

A review file holds what the reader changed, each entry with a reason:
    remove: [{start, end, text, label, reason}]   a rule span that is wrong
    add:    [{start, end, text, label, reason}]   a span the rules missed (or the corrected form of a removed one)
    roles:  [{start, end, text, role, reason}]    the prose field a COUNT/MONEY span states (GUIDELINES.md, Roles);
                                                  it must sit on a span of the result with the same offsets and text
Offsets are into the normalized text whose sha256 the review file records; the build refuses a review made on
another text (run scripts/realign_annotations.py after a normalizer change).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import yaml

from ie.convert import ROLE_LABELS, TEXT_FROM_NAME, TEXT_TO_NAME, role_result, spans_to_prediction
from ie.labels import LABELS, ROLES
from ie.models import Entity
from ie.normalize import normalize
from ie.paths import ANNOTATIONS_DIR, corpus_dir
from ie.read import read_document
from ie.rules import find_entities

REVIEW_DIR = ANNOTATIONS_DIR / "review"
GOLD_SPANS_DIR = ANNOTATIONS_DIR / "corpus"


def corpus_files() -> list[Path]:
    """The .txt reports (the PDFs in orig/ are the same reports as their .txt)."""
    return sorted(corpus_dir().glob("*.txt"))


def normalized_text(path: Path) -> str:
    return normalize(read_document(path).text).text


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_review(stem: str) -> dict | None:
    path = REVIEW_DIR / f"{stem}.yaml"
    if not path.exists():
        return None
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _key(d: dict) -> tuple[int, int, str]:
    return int(d["start"]), int(d["end"]), d["label"]


def apply_review(stem: str, text: str, rule_spans: list[Entity], review: dict) -> list[Entity]:
    """Rule spans minus the removed ones plus the added ones; every entry is checked against the text."""
    if review.get("text_sha256") != sha(text):
        raise ValueError(f"{stem}: review was made on another normalized text; run scripts/realign_annotations.py")
    spans = {(e.start, e.end, e.label): e for e in rule_spans}
    for item in review.get("remove") or []:
        k = _key(item)
        if k not in spans:
            raise ValueError(f"{stem}: review removes {k} {item.get('text')!r}, which the rules no longer propose")
        del spans[k]
    for item in review.get("add") or []:
        s, e, lab = _key(item)
        if text[s:e] != item["text"]:
            raise ValueError(f"{stem}: review adds {s}-{e} {item['text']!r} but the text has {text[s:e]!r}")
        if lab not in LABELS:
            raise ValueError(f"{stem}: unknown label {lab!r} at {s}-{e}")
        spans[(s, e, lab)] = Entity(lab, s, e, text[s:e], None, "rule")
    out = sorted(spans.values(), key=lambda x: (x.start, x.end))
    for a, b in zip(out, out[1:]):
        if b.start < a.end:
            raise ValueError(f"{stem}: overlapping spans {a.label} {a.start}-{a.end} {a.text!r} and "
                             f"{b.label} {b.start}-{b.end} {b.text!r}")
    return out


def apply_roles(stem: str, text: str, spans: list[Entity], review: dict) -> list[Entity]:
    """The spans with the review's roles set; a role must name a known field and sit on a COUNT/MONEY span."""
    by_offsets = {(s.start, s.end): s for s in spans}
    seen: set[tuple[int, int]] = set()
    for item in review.get("roles") or []:
        s, e, role = int(item["start"]), int(item["end"]), item["role"]
        where = f"{stem}: role {role!r} at {s}-{e} {item.get('text')!r}"
        if text[s:e] != item.get("text"):
            raise ValueError(f"{where}: the text has {text[s:e]!r}")
        if role not in ROLES:
            raise ValueError(f"{where}: unknown role (known: {', '.join(ROLES)})")
        span = by_offsets.get((s, e))
        if span is None or span.label not in ROLE_LABELS:
            raise ValueError(f"{where}: no {'/'.join(ROLE_LABELS)} span with these offsets")
        if (s, e) in seen:
            raise ValueError(f"{where}: the span already has a role")
        seen.add((s, e))
        span.role = role
    return spans


def task_json(task_id: int, stem: str, text: str, spans: list[Entity], reviewed_at: str) -> list[dict]:
    result = []
    for i, s in enumerate(spans):
        result.append({
            "id": f"{stem}-{i}",
            "from_name": TEXT_FROM_NAME,
            "to_name": TEXT_TO_NAME,
            "type": "labels",
            "origin": "manual",
            "value": {"start": s.start, "end": s.end, "text": s.text, "labels": [s.label]},
        })
        if s.role:
            role = role_result(f"{stem}-{i}", s)
            value = role.pop("value")
            result.append({**role, "origin": "manual", "value": value})     # key order as the span regions
    return [{
        "id": task_id,
        "data": {"text": text, "doc_id": stem, "source": f"{stem}.txt"},
        "annotations": [{
            "id": task_id,
            "completed_by": 1,
            "created_at": reviewed_at,
            "updated_at": reviewed_at,
            "was_cancelled": False,
            "ground_truth": True,
            "result": result,
        }],
        "predictions": [],
    }]


def build(stem: str, task_id: int) -> Path | None:
    path = corpus_dir() / f"{stem}.txt"
    text = normalized_text(path)
    review = load_review(stem)
    if review is None:
        print(f"{stem}: no review file yet, skipped (gold needs a reader's check)", file=sys.stderr)
        return None
    spans = apply_roles(stem, text, apply_review(stem, text, find_entities(text), review), review)
    reviewed_at = str(review.get("reviewed_at") or datetime.now(timezone.utc).isoformat(timespec="seconds"))
    GOLD_SPANS_DIR.mkdir(parents=True, exist_ok=True)
    out = GOLD_SPANS_DIR / f"{stem}.json"
    out.write_text(json.dumps(task_json(task_id, stem, text, spans, reviewed_at), ensure_ascii=False, indent=1) + "\n",
                   encoding="utf-8")
    return out


def show(stem: str, with_review: bool = True) -> str:
    """The normalized text with [LABEL:span@start] (=role where it has one) inline, for reading."""
    text = normalized_text(corpus_dir() / f"{stem}.txt")
    spans = find_entities(text)
    review = load_review(stem) if with_review else None
    if review and review.get("text_sha256") == sha(text):
        spans = apply_roles(stem, text, apply_review(stem, text, spans, review), review)
    parts, pos = [], 0
    for s in spans:
        parts.append(text[pos:s.start])
        parts.append(f"[{s.label}:{s.text}@{s.start}{'=' + s.role if s.role else ''}]")
        pos = s.end
    parts.append(text[pos:])
    return "".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("stems", nargs="*", help="report stems (default: every corpus .txt)")
    ap.add_argument("--show", action="store_true", help="print the text with spans inline instead of building")
    ap.add_argument("--rules-only", action="store_true", help="with --show: ignore the review file")
    ap.add_argument("--predictions", metavar="OUT", help="write rule spans as Label Studio tasks with predictions")
    args = ap.parse_args(argv)
    files = corpus_files()
    ids = {p.stem: i + 1 for i, p in enumerate(files)}
    stems = args.stems or list(ids)
    unknown = [s for s in stems if s not in ids]
    if unknown:
        print(f"not in {corpus_dir()}: {', '.join(unknown)}", file=sys.stderr)
        return 2
    if args.show:
        for s in stems:
            print(show(s, with_review=not args.rules_only))
        return 0
    if args.predictions:
        tasks = []
        for s in stems:
            text = normalized_text(corpus_dir() / f"{s}.txt")
            tasks.append({"id": ids[s], "data": {"text": text, "doc_id": s, "source": f"{s}.txt"},
                          "predictions": [spans_to_prediction(find_entities(text), "ie.rules")]})
        Path(args.predictions).write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
        return 0
    for s in stems:
        out = build(s, ids[s])
        if out:
            print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

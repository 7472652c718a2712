"""Carry gold spans and review entries onto a newly normalized text after the normalizer changed.

    python scripts/realign_annotations.py [STEM ...]     # then: python scripts/preannotate.py

For each annotations/corpus/<stem>.json whose data.text differs from today's normalization: old→new offsets
come from difflib.SequenceMatcher; every review entry (annotations/review/<stem>.yaml: remove, add, roles) is
moved; an entry whose characters changed (or fell into a changed region) is reported for re-check and kept with its
new text, so the reader sees it in the review file. The review file then records the new text's sha256.
"""
from __future__ import annotations

import difflib
import json
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import preannotate as P  # noqa: E402


def offset_map(old: str, new: str) -> list[int | None]:
    """old index -> new index for characters inside equal blocks; None where the text changed."""
    m: list[int | None] = [None] * (len(old) + 1)
    sm = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            for k in range(i2 - i1):
                m[i1 + k] = j1 + k
    m[len(old)] = len(new)
    return m


def move(entry: dict, m: list[int | None], new: str) -> tuple[dict, bool]:
    s, e = int(entry["start"]), int(entry["end"])
    ns, last = m[s], m[e - 1]
    ok = ns is not None and last is not None
    if not ok:   # fall back to the nearest mapped characters around the span
        ns = next((m[i] for i in range(s, -1, -1) if m[i] is not None), 0)
        last = next((m[i] for i in range(e - 1, len(m)) if m[i] is not None), len(new)) 
    ne = last + 1 if ok else max(ns + 1, last)
    out = dict(entry, start=ns, end=ne, text=new[ns:ne])
    return out, ok and out["text"] == entry["text"]


def realign(stem: str) -> int:
    gold = P.GOLD_SPANS_DIR / f"{stem}.json"
    old = json.loads(gold.read_text(encoding="utf-8"))[0]["data"]["text"]
    new = P.normalized_text(P.corpus_dir() / f"{stem}.txt")
    if old == new:
        return 0
    review = P.load_review(stem) or {}
    m = offset_map(old, new)
    flagged = 0
    for key in ("remove", "add", "roles"):
        moved = []
        for entry in review.get(key) or []:
            ne, same = move(entry, m, new)
            if not same:
                flagged += 1
                ne["recheck"] = f"was {entry['start']}-{entry['end']} {entry['text']!r}"
                what = entry.get("label") or entry.get("role")
                print(f"{stem}: {key} {what} {entry['text']!r} -> {ne['text']!r}: re-check", file=sys.stderr)
            moved.append(ne)
        review[key] = moved
    review["text_sha256"] = P.sha(new)
    path = P.REVIEW_DIR / f"{stem}.yaml"
    path.write_text(yaml.safe_dump(review, allow_unicode=True, sort_keys=False), encoding="utf-8")
    print(f"{stem}: realigned, {flagged} entries to re-check")
    return flagged


def main(argv: list[str]) -> int:
    stems = argv or sorted(p.stem for p in P.GOLD_SPANS_DIR.glob("*.json"))
    return 1 if sum(realign(s) for s in stems) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

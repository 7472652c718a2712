"""Span counts per label, and how many examples field-specific labels would get.

    python scripts/annotation_stats.py            # over annotations/corpus/*.json

The second table counts COUNT/MONEY spans whose left context (the 16 characters before, same sentence) holds a
prose field's cue words: that is how many training examples a field-specific class (APPLICATIONS, REVIEWS, …)
would have. It decides between generic labels + a mapping step and field-specific labels (GUIDELINES.md).
The third table counts the hand-made field roles (GUIDELINES.md, Field roles) per role.
"""
from __future__ import annotations

import re
import sys
from collections import Counter

from ie.convert import load_tasks, task_spans
from ie.labels import LABELS, ROLES
from ie.paths import ANNOTATIONS_DIR

# Cue words per prose field of the schema (prose.*); the nearest cue to the left wins.
FIELD_CUES = {
    "proactive_total": r"主动公开|主动发布|公开政府信息|发布.{0,4}信息",
    "applications_received": r"申请|受理",
    "reviews": r"行政复议|复议",
    "lawsuits": r"行政诉讼|诉讼",
    "complaints": r"举报|投诉|申诉",
    "fees_yuan": r"收费|费用|处理费",
}
WINDOW = 16


def field_of(text: str, start: int) -> str | None:
    left = re.split(r"[。；;\n]", text[max(0, start - WINDOW):start])[-1]
    best, pos = None, -1
    for name, cue in FIELD_CUES.items():
        for m in re.finditer(cue, left):
            if m.end() > pos:
                best, pos = name, m.end()
    return best


def main(path: str = str(ANNOTATIONS_DIR / "corpus")) -> int:
    tasks = load_tasks(path)
    per_label: Counter = Counter()
    per_field: Counter = Counter()
    docs_per_field: dict[str, set] = {f: set() for f in FIELD_CUES}
    per_role: Counter = Counter()
    docs_per_role: dict[str, set] = {r: set() for r in ROLES}
    for t in tasks:
        text = t["data"]["text"]
        for s in task_spans(t):
            per_label[s.label] += 1
            if s.role:
                per_role[s.role] += 1
                docs_per_role[s.role].add(t["data"].get("doc_id"))
            if s.label in ("COUNT", "MONEY"):
                f = field_of(text, s.start)
                if f:
                    per_field[f] += 1
                    docs_per_field[f].add(t["data"].get("doc_id"))
    print(f"reports: {len(tasks)}")
    print("| label | spans |\n|---|---|")
    for lab in LABELS:
        print(f"| {lab} | {per_label[lab]} |")
    print(f"| total | {sum(per_label.values())} |")
    print("\n| prose field (cue-word context) | COUNT/MONEY spans | reports |\n|---|---|---|")
    for f in FIELD_CUES:
        print(f"| {f} | {per_field[f]} | {len(docs_per_field[f])} |")
    print("\n| field role (hand-made) | spans | reports |\n|---|---|---|")
    for r in ROLES:
        print(f"| {r} | {per_role[r]} | {len(docs_per_role[r])} |")
    print(f"| total | {sum(per_role.values())} | {len(set().union(*docs_per_role.values()))} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))

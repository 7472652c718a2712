"""Which printed row is which table row: by its label, and for rows printed without a usable label by the
labelled rows around them.

A row whose label names a table row is an anchor. A row of numbers without a recognisable label (pdfplumber
prints a number row in the vertical middle of a tall cell, away from its label) can only be one of the table
rows between the anchors before and after it; it is placed when the rows of that gap and the unlabelled number
rows in it are as many, or when a label printed next to it names exactly one row of the gap. A missing row
therefore never shifts the others.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ie.models import Issue
from ie.tables.layout import Row


@dataclass(frozen=True)
class RowSpec:
    key: str
    pattern: re.Pattern
    subtotal: bool = False    # a group row (小计): only where the report prints it with numbers


@dataclass
class Placed:
    row: Row
    confidence: float
    how: str


def spec(key: str, pattern: str, subtotal: bool = False) -> RowSpec:
    return RowSpec(key, re.compile(pattern), subtotal)


def match_label(label: str, specs: list[RowSpec]) -> int | None:
    """Index of the spec whose pattern matches last in the label (the words nearest the numbers win)."""
    best, best_end = None, -1
    for i, s in enumerate(specs):
        if s.pattern.search(label) is None:     # most specs name another row: no iterator made for them
            continue
        for m in s.pattern.finditer(label):
            if m.end() > best_end or (m.end() == best_end and best is not None and s.subtotal is False
                                        and specs[best].subtotal):
                best, best_end = i, m.end()
    return best


def place_rows(rows: list[Row], specs: list[RowSpec], table: str) -> tuple[dict[str, Placed], list[Issue]]:
    issues: list[Issue] = []
    placed: dict[str, Placed] = {}
    anchor_at: dict[int, int] = {}        # position in rows -> spec index
    label_only: dict[int, int] = {}       # position in rows -> spec index (labels without numbers)
    orphans: list[int] = []
    for pos, r in enumerate(rows):
        idx = match_label(r.label, specs) if r.label else None
        if not r.has_cells:
            if idx is not None:
                label_only[pos] = idx
            continue
        if idx is None:
            orphans.append(pos)
            continue
        key = specs[idx].key
        if key in placed:
            issues.append(Issue("table_row_duplicate", "info",
                                f"{table}: row {key} printed again ({r.label[:20]}); the first one is used"))
            continue
        placed[key] = Placed(r, 1.0, "label")
        anchor_at[pos] = idx

    orphans = _pair_label_blocks(rows, specs, label_only, orphans, placed, anchor_at)
    orphans = _pair_label_above(rows, specs, label_only, orphans, placed, anchor_at)
    # Group the unlabelled number rows by the anchors around them.
    anchors = sorted(anchor_at)
    gaps: dict[tuple[int, int], list[int]] = {}
    for pos in orphans:
        before = [a for a in anchors if a < pos]
        after = [a for a in anchors if a > pos]
        lo = anchor_at[before[-1]] if before else -1
        hi = anchor_at[after[0]] if after else len(specs)
        gaps.setdefault((lo, hi), []).append(pos)
    for (lo, hi), poss in gaps.items():
        # Subtotal rows are never guessed: a report prints them with their own label.
        free = [i for i in range(lo + 1, hi) if specs[i].key not in placed and not specs[i].subtotal]
        if free and len(free) == len(poss):
            for i, pos in zip(free, poss):
                placed[specs[i].key] = Placed(rows[pos], 0.9, "gap")
            continue
        left = []
        for pos in poss:
            # A label printed next to a lone number row names it, unless labels float in a block of their own
            # (then the row beside the block's last label is the block's first number row, not that label's).
            near = {label_only[p] for p in label_only if abs(p - pos) <= 1 and label_only[p] in free
                    and not _in_label_block(rows, p)}
            near = {i for i in near if specs[i].key not in placed}
            if len(near) == 1:
                i = near.pop()
                placed[specs[i].key] = Placed(rows[pos], 0.8, "near-label")
            else:
                left.append(pos)
        for pos in left:
            r = rows[pos]
            issues.append(Issue("table_row_unplaced", "warning",
                                f"{table}: a row of numbers ({' '.join(a.text for a in r.atoms)[:40]}) has no label "
                                f"that places it; its cells are not used"))
    return placed, issues


def _in_label_block(rows: list[Row], p: int, size: int = 3) -> bool:
    """Is row p one of `size` or more consecutive rows that print a label and no number?"""
    lo = p
    while lo > 0 and not rows[lo - 1].has_cells:
        lo -= 1
    hi = p
    while hi + 1 < len(rows) and not rows[hi + 1].has_cells:
        hi += 1
    return hi - lo + 1 >= size


def _pair_label_above(rows, specs, label_only, orphans, placed, anchor_at) -> list[int]:
    """Each label on a line of its own and its numbers on the next line: where every unlabelled number row sits
    right under a label of its own (a layout the whole table shares), the label above names it."""
    if not orphans:
        return orphans
    above = [label_only.get(p - 1) for p in orphans]
    if any(i is None for i in above) or len(set(above)) != len(above) \
            or any(specs[i].key in placed for i in above):
        return orphans
    for i, p in zip(above, orphans):
        placed[specs[i].key] = Placed(rows[p], 0.9, "label-above")
        anchor_at[p] = i
    return []


def _pair_label_blocks(rows, specs, label_only, orphans, placed, anchor_at) -> list[int]:
    """Labels that float in one block, numbers in the next (PDF-to-markdown): a block of label rows followed by
    as many unlabelled number rows pairs up in order. Returns the orphans left."""
    left = list(orphans)
    pos = 0
    while pos < len(rows):
        if rows[pos].has_cells:
            pos += 1
            continue
        start = pos
        while pos < len(rows) and not rows[pos].has_cells:
            pos += 1
        block = [p for p in range(start, pos) if p in label_only]
        run = []
        while pos < len(rows) and pos in left and rows[pos].has_cells:
            run.append(pos)
            pos += 1
        if len(block) < 3 or not run:
            continue
        idxs = [label_only[p] for p in block]
        for cand in (idxs, [i for i in idxs if not specs[i].subtotal]):
            if len(cand) == len(run) and len(set(cand)) == len(cand) \
                    and not any(specs[i].key in placed for i in cand):
                for i, r in zip(cand, run):
                    placed[specs[i].key] = Placed(rows[r], 0.8, "label-block")
                    anchor_at[r] = i
                left = [p for p in left if p not in run]
                break
    return left


def mentioned(rows: list[Row], specs: list[RowSpec]) -> set[str]:
    """Keys of the data rows whose label is printed somewhere in the table, with or without numbers.

    In one-cell-per-line text a row printed without any number runs into the next row's label
    (`1.属于国家秘密2.其他法律…禁止公开 0`), so every label is searched for every row name."""
    out = set()
    # Labels hold no line break (whitespace is removed from them) and no row pattern matches one, so a search
    # of the labels joined by line breaks finds what a search of each label would: one C scan per row name.
    labels = "\n".join(r.label for r in rows if r.label)
    for s in specs:
        if not s.subtotal and s.key not in out and s.pattern.search(labels):
            out.add(s.key)
    return out

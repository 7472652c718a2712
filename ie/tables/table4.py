"""Table 4 (行政复议、行政诉讼): 15 cells in three blocks of 维持/纠正/其他/尚未审结/总计."""
from __future__ import annotations

import re

from ie.models import Evidence, Issue
from ie.tables.cells import cell_value
from ie.tables.layout import Row, tokenize
from ie.tables.split import candidate_splits
from ie.validate import T4_COLS

BLOCKS = ("review", "litigation_direct", "litigation_after_review")
STANDARD = [(b, c) for b in BLOCKS for c in T4_COLS]
_WORD = re.compile(r"维持|纠正|其他|尚未|总计")
_WORD_KEY = {"维持": "upheld", "纠正": "corrected", "其他": "other", "尚未": "pending", "总计": "total"}
# A comparison tool's "2023 年报告" mark: rows after it belong to that year's report.
_YEAR_MARK = re.compile(r"^\s*(\d{4})?\s*年(?:报告)?\s*$", re.M)


def _blocks_ok(vals: list) -> bool:
    v = [x or 0 for x in vals]
    return all(sum(v[i:i + 4]) == v[i + 4] for i in (0, 5, 10))


def _report_year(folded: str) -> str | None:
    m = re.search(r"(\d{4})\s*年报告", folded) or re.search(r"(\d{4})\s*年", folded[:300])
    return m.group(1) if m else None


def _pick_rows(folded: str, region: tuple[int, int], rows: list[Row]) -> tuple[list[Row], str | None]:
    """Rows of this report's Table 4 where a comparison layout interleaves two years."""
    marks = [(m.start(), m.group(1)) for m in _YEAR_MARK.finditer(folded, *region)]
    if not marks:
        return rows, None
    year = _report_year(folded)
    own = [m for m in marks if m[1] and m[1] == year]
    if own:
        start = own[0][0]
        later = [m[0] for m in marks if m[0] > start]
        stop = later[0] if later else region[1]
        return [r for r in rows if start <= r.label_start < stop or any(start <= a.start < stop for a in r.atoms)], \
            "rows after this report's year mark"
    first = marks[0][0]
    return [r for r in rows if r.label_start < first], "rows before another report's year mark"


def extract_table4(text: str, folded: str, region: tuple[int, int]):
    rows = tokenize(folded, *region)
    issues: list[Issue] = []
    values: dict = {}
    evidence: dict[str, Evidence] = {}
    picked, why = _pick_rows(folded, region, rows)
    data = [r for r in picked if r.has_cells]
    if not data:
        issues.append(Issue("table_missing", "warning", "表四: no row of numbers found"))
        return values, evidence, issues
    if len(data) > 1:
        issues.append(Issue("table_rows_extra", "info",
                            f"表四: {len(data)} rows of numbers; the first one is used"))
    row = data[0]
    before = [r for r in picked if r.label_start <= row.label_start]
    header = "".join(r.label for r in before)
    slots, conf = None, 1.0
    cands = candidate_splits(row.atoms, 15)
    if cands:
        ok = [c for c in cands if _blocks_ok([cell_value(x)[0] for x in c])] if len(row.atoms) != 15 else cands
        if len(ok) == 1:
            cells, slots = ok[0], STANDARD
            conf = 1.0 if len(row.atoms) == 15 else 0.9
        elif len(ok) > 1:
            issues.append(Issue("table_split_ambiguous", "warning",
                                f"表四: digits run together and {len(ok)} cuttings into 15 cells fit the block sums; "
                                f"cells left empty", [f"review_litigation.{b}.{c}" for b, c in STANDARD]))
            return values, evidence, issues
    if slots is None:
        # A cropped table: place the printed cells by the column words printed above them.
        words = [_WORD_KEY[w] for w in _WORD.findall(header)]
        n = len(row.atoms)
        std = [c for _, c in STANDARD]
        fits = [o for o in range(0, 16 - n) if words[-n:] == std[o:o + n]] if len(words) >= n else []
        edge = [o for o in fits if o == 0 or o + n == 15]
        pick = fits if len(fits) == 1 else edge
        if len(pick) != 1:
            issues.append(Issue("table_cells_count", "warning",
                                f"表四: {n} cells under column words that do not fix their blocks; cells not placed",
                                [f"review_litigation.{b}.{c}" for b, c in STANDARD]))
            return values, evidence, issues
        o = pick[0]
        cells = [candidate_splits([a], 1)[0][0] for a in row.atoms]
        slots = STANDARD[o:o + n]
        conf = 0.6
        issues.append(Issue("table_partial", "info",
                            f"表四: only {n} of 15 cells printed (a cropped table); placed as "
                            f"{slots[0][0]}.{slots[0][1]} … {slots[-1][0]}.{slots[-1][1]} by the column words"
                            + (f" ({why})" if why else ""),
                            [f"review_litigation.{b}.{c}" for b, c in slots]))
    for (b, c), cell in zip(slots, cells):
        v, note = cell_value(cell)
        values.setdefault(b, {})[c] = v
        if cell.end > cell.start:   # a blank cell has nothing to quote
            evidence[f"review_litigation.{b}.{c}"] = Evidence(cell.start, cell.end, text[cell.start:cell.end], "table",
                                                             conf, note=note)
    return values, evidence, issues

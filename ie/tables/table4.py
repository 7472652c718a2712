"""Table 4 (行政复议、行政诉讼): 15 cells in three blocks of 维持/纠正/其他/尚未审结/总计."""
from __future__ import annotations

import re

from ie.models import Evidence, Issue
from ie.tables.cells import Cell, cell_value
from ie.tables.layout import Row, tokenize
from ie.tables.reading import Reading
from ie.tables.solve import Identity
from ie.validate import T4_COLS

BLOCKS = ("review", "litigation_direct", "litigation_after_review")
STANDARD = [(b, c) for b in BLOCKS for c in T4_COLS]
_WORD = re.compile(r"维持|纠正|其他|尚未|总计")
_WORD_KEY = {"维持": "upheld", "纠正": "corrected", "其他": "other", "尚未": "pending", "总计": "total"}
# A comparison tool's "2023 年报告" mark: rows after it belong to that year's report.
_YEAR_MARK = re.compile(r"^\s*(\d{4})?\s*年(?:报告)?\s*$", re.M)


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


def identities(keys: list[str], cols: list[str]) -> list[Identity]:
    """维持 + 纠正 + 其他 + 尚未审结 = 总计, per block, over the 15 cells of the one grid row `all`."""
    return [Identity(tuple(("all", i + j) for j in range(4)), ("all", i + 4), "block") for i in (0, 5, 10)]


def read_table4(text: str, folded: str, region: tuple[int, int]) -> tuple[Reading | None, dict, dict, list[Issue]]:
    """Table 4 as one grid row of 15 cells. Returns a Reading for the solver, or — for a cropped table whose own
    header prints the column words of exactly the cells it prints — the cells placed by those words."""
    rows = tokenize(folded, *region)
    issues: list[Issue] = []
    picked, why = _pick_rows(folded, region, rows)
    data = [r for r in picked if r.has_cells]
    # Numbers printed before the column words (a sentence such as `2022年，未有…行政复议`) are not the table's.
    after_head = [r for r in data if _WORD.search(r.label) or any(_WORD.search(x.label) for x in picked
                                                                  if x.label_start < r.label_start)]
    data = after_head or data
    if not data:
        issues.append(Issue("table_missing", "warning", "表四: no row of numbers found"))
        return None, {}, {}, issues
    if len(data) > 1:
        issues.append(Issue("table_rows_extra", "info", f"表四: {len(data)} rows of numbers; the first one is used"))
    row = data[0]
    header = "".join(r.label for r in picked if r.label_start <= row.label_start)
    cropped = _cropped(text, row, header, why)
    if cropped is not None:
        values, evidence, more = cropped
        return None, values, evidence, issues + more
    cols = [f"{b}.{c}" for b, c in STANDARD]
    labels = {f"{b}.{c}": f"{b}.{c}" for b, c in STANDARD}
    reading = Reading("表四", "review_litigation", ["all"], {"all": cols}, {"all": row.atoms}, set(), {"all": 1.0},
                      issues, identities, {"all": "行政复议、行政诉讼"}, labels)
    return reading, {}, {}, []


def _cropped(text: str, row: Row, header: str, why: str | None):
    """A cropped table (a comparison tool cut it at the page middle): its header prints the column words of
    exactly the cells it prints, in a run that fits one place of the standard order at an edge."""
    words = [_WORD_KEY[w] for w in _WORD.findall(header)]
    n = len(row.atoms)
    if n >= 15 or len(words) != n:
        return None
    std = [c for _, c in STANDARD]
    fits = [o for o in range(0, 16 - n) if words == std[o:o + n]]
    edge = [o for o in fits if o == 0 or o + n == 15]
    pick = fits if len(fits) == 1 else edge
    if len(pick) != 1:
        return None
    o = pick[0]
    slots = STANDARD[o:o + n]
    values: dict = {}
    evidence: dict[str, Evidence] = {}
    for (b, c), a in zip(slots, row.atoms):
        cell = Cell(a.text, a.start, a.end, a.unit)
        v, note = cell_value(cell)
        values.setdefault(b, {})[c] = v
        if cell.end > cell.start:
            evidence[f"review_litigation.{b}.{c}"] = Evidence(cell.start, cell.end, text[cell.start:cell.end], "table",
                                                             0.6, note=note,
                                                             placed="a cropped table, by its column words")
    issue = Issue("table_partial", "info",
                  f"表四: only {n} of 15 cells printed (a cropped table); placed as "
                  f"{slots[0][0]}.{slots[0][1]} … {slots[-1][0]}.{slots[-1][1]} by the column words"
                  + (f" ({why})" if why else ""), [f"review_litigation.{b}.{c}" for b, c in slots])
    return values, evidence, [issue]


def nest(values: dict, evidence: dict[str, Evidence]) -> tuple[dict, dict[str, Evidence]]:
    """The solved grid row `all` back into blocks: {'review': {'upheld': …}, …}."""
    flat = values.get("all") or {}
    out: dict = {}
    for key, v in flat.items():
        b, c = key.split(".")
        out.setdefault(b, {})[c] = v
    ev = {}
    for path, e in evidence.items():
        if path.startswith("review_litigation.all."):
            ev["review_litigation." + path[len("review_litigation.all."):]] = e
        else:
            ev[path] = e
    return out, ev

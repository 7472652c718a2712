"""Table 2 cells settled by the report's own prose.

Table 2 has no identity, so a row whose digits ran together (`行政规范性文件8855698`) can often be cut several ways.
The running text sometimes states one of its values (`本年度制发的规范性文件88件`, `现行有效行政规范性文件698件`):
where exactly the cuttings that agree with such a statement are left, and they agree on every cell, the row is
settled. The statement must name both the row (its label) and the column (a verb of that column) in one clause,
outside the tables; the cell's evidence keeps the table token and notes the prose quote.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ie.models import Evidence
from ie.tables.solve import Solution

# Column → words a sentence uses to state that column's value.
COLUMN_CUES = {
    "issued": r"制发|印发|出台|制定", "repealed": r"废止|失效", "in_force": r"现行有效",
    "made": r"制发|制作|制定|出台|印发", "total_published": r"对外公开总|累计公开",
}
ROW_CUES = {"regulations": r"规章", "normative_documents": r"规范性文件"}
_CLAUSE = re.compile(r"[^。；;，,!！?？\n|]+")
_NUMBER = re.compile(r"(\d+)\s*(?:件|个|项|条|份)")


@dataclass(frozen=True)
class Statement:
    row: str
    col: str
    value: int
    start: int
    end: int
    quote: str


def statements(text: str, tables: list[tuple[int, int]]) -> list[Statement]:
    """(row, column, value) stated in one clause of the running text, outside the table regions."""
    out = []
    for m in _CLAUSE.finditer(text):
        if _inside(m.start(), tables):
            continue
        clause = m.group()
        for n in _NUMBER.finditer(clause):
            before = clause[max(0, n.start() - 30):n.start()]
            rows = [r for r, cue in ROW_CUES.items() if re.search(cue, before)]
            cols = [c for c, cue in COLUMN_CUES.items() if re.search(cue, before)]
            if len(rows) != 1 or not cols:
                continue
            s, e = m.start(), m.start() + n.end()
            for c in cols:
                out.append(Statement(rows[0], c, int(n.group(1)), s, e, text[s:e]))
    return out


def _inside(pos: int, tables: list[tuple[int, int]]) -> bool:
    # (a loop, not any() over a generator: called for every clause of the report)
    for a, b in tables:
        if a <= pos < b:
            return True
    return False


def settle(opts: dict[str, list[tuple]], cols: dict[str, list[str]], sol: Solution,
           stated: list[Statement], text: str, section: str) -> dict[str, Evidence]:
    """Fix the undecided cells of `sol` that the statements decide; returns the evidence of the cells fixed."""
    evidence: dict[str, Evidence] = {}
    for row, undecided in list(sol.undecided.items()):
        if row not in opts:
            continue
        keep = opts[row]
        used = []
        for st in stated:
            if st.row != row or st.col not in cols[row]:
                continue
            j = cols[row].index(st.col)
            agree = [(o, v) for o, v in keep if v[j] == st.value]
            if agree and len(agree) < len(keep):
                keep, used = agree, used + [st]
        if not used:
            continue
        fixed = [j for j in undecided if len({v[j] for _, v in keep}) == 1]
        for j in fixed:
            cell = keep[0][0].cells[j]
            sol.cells[row][j] = cell
            sol.values[row][j] = keep[0][1][j]
            if cell is not None and cell.end > cell.start:
                where = "; ".join(f"«{s.quote}» ({s.start}–{s.end})" for s in used)
                evidence[f"{section}.{row}.{cols[row][j]}"] = Evidence(
                    cell.start, cell.end, text[cell.start:cell.end], "table", 0.9,
                    note=f"digits run together; the cutting is settled by the prose: {where}",
                    placed="digits run together, cut by a prose statement")
        rest = [j for j in undecided if j not in fixed]
        if rest:
            sol.undecided[row] = rest
        else:
            del sol.undecided[row]
    return evidence

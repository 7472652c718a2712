"""The national tables (2, 3, 4) of gov2019/gov2021 reports: `extract_tables(text, template) -> TableResult`.

Readers propose (table2/3/4: rows placed by label, the atoms each row prints); the solver places
(ie.tables.solve: every filling that satisfies every identity, kept only where unique). Where rows print fewer
cells than they have, the report lost blanks or printed runs of equal cells once; one report uses one of the
two throughout, so both are tried over Tables 3 and 4 together and a mechanism the tables refute is dropped.

Offsets in evidence are offsets into `text` (the normalized text), and every quote is text[start:end].
"""
from __future__ import annotations

from ie.models import Issue, TableResult
from ie.tables.cells import fold
from ie.tables.fill import MECHANISMS
from ie.tables.layout import find_regions
from ie.tables.reading import Reading, confirm_ocr, finish, problem
from ie.tables.prose import settle, statements
from ie.tables.solve import Problem, Solution, prepare, solve
from ie.tables.table2 import read_table2
from ie.tables.table3 import read_table3
from ie.tables.table4 import nest, read_table4

__all__ = ["extract_tables"]


def extract_tables(text: str, template: str) -> TableResult:
    """Values of Tables 2–4 keyed like the schema; empty for prose reports (a provincial 统计表 is not a national table)."""
    result = TableResult(values={}, evidence={}, issues=[])
    if template not in ("gov2019", "gov2021"):
        return result
    folded = fold(text)
    regions = find_regions(folded)
    result.regions = [r for r in (regions.t2, regions.t3, regions.t4) if r is not None]
    readings: dict[str, Reading] = {}
    for key, region, name in (("proactive", regions.t2, "表二"), ("applications", regions.t3, "表三"),
                              ("review_litigation", regions.t4, "表四")):
        result.values[key] = {}
        if region is None:
            result.issues.append(Issue("table_missing", "warning", f"{name} not found in a {template} report"))
            continue
        if key == "proactive":
            readings[key] = read_table2(text, folded, region, template)
        elif key == "applications":
            readings[key] = read_table3(text, folded, region, template)
        else:
            reading, values, evidence, issues = read_table4(text, folded, region)
            result.issues.extend(issues)
            if reading is None:
                result.values[key] = values
                result.evidence.update(evidence)
            else:
                readings[key] = reading
    mechanism, solutions, why = choose_mechanism(readings)
    if why:
        result.issues.append(Issue("table_mechanism", "info", why))
    settled = {}
    if "proactive" in readings and mechanism != "undecided" and solutions["proactive"].undecided:
        # Table 2 has no identity; the running text may state one of the values a cutting disagrees on.
        r = readings["proactive"]
        opts, _ = prepare(problem(r, mechanism))
        tables = [x for x in (regions.t2, regions.t3, regions.t4) if x]
        settled = settle(opts, r.cols, solutions["proactive"], statements(text, tables), text, r.section)
    for key, reading in readings.items():
        values, evidence, issues = finish(text, reading, solutions[key], mechanism)
        if key == "proactive":
            evidence.update(settled)
        issues += confirm_ocr(reading, values, evidence)
        if key == "review_litigation":
            values, evidence = nest(values, evidence)
            for i in issues:
                i.fields = [f.replace("review_litigation.all.", "review_litigation.") for f in i.fields]
        result.values[key] = values
        result.evidence.update(evidence)
        result.issues.extend(issues)
    return result


def choose_mechanism(readings: dict[str, Reading]) -> tuple[str | None, dict[str, Solution], str | None]:
    """Which mechanism of lost cells the report uses, decided by the tables it explains.

    A mechanism is refuted when a table has no placement under it (Tables 3 and 4 carry the identities), or
    when a row could not have been printed under it (two equal neighbours, or a label with no number, refute
    printed-once runs). Where both survive and disagree, the solutions of both are pooled, so the cells on
    which they differ stay null."""
    probs: dict[str | None, dict[str, Problem]] = {}

    def get(m: str | None) -> dict[str, Problem]:
        if m not in probs:
            probs[m] = {k: problem(r, m) for k, r in readings.items()}
        return probs[m]

    def final(m: str | None) -> dict[str, Solution]:
        for k, pr in get(m).items():        # rows left open under the mechanism the cells come from
            readings[k].open_rows |= pr.open_rows
        return {k: solve(pr) for k, pr in get(m).items()}

    def fits(m: str) -> tuple[bool, dict[str, Solution]]:
        # Feasibility only (one placement is enough to know a mechanism fits); cells come from the final solve.
        # The first table the mechanism cannot explain refutes it: the others are not solved (the solutions of a
        # refuted mechanism are never used).
        sols = {}
        for k, pr in get(m).items():
            sols[k] = solve(pr, limit=1)
            if sols[k].status == "none" or sols[k].unexplained:
                return False, sols
        return True, sols

    for r in readings.values():
        r.open_rows = set()
    if not any(r.needs_mechanism() for r in readings.values()):
        return None, final(None), None
    tried: dict[str, dict[str, Solution]] = {}
    alive = []
    for m in MECHANISMS:
        ok, tried[m] = fits(m)
        if m == "runs" and any(r.refutes_runs() for r in readings.values()):
            ok = False
        if ok:
            alive.append(m)
    if len(alive) == 1:
        m = alive[0]
        other = next(x for x in MECHANISMS if x != m)
        return m, final(m), f"cells lost from rows read as {_NAMES[m]}: the tables refute {_NAMES[other]}"
    if not alive:
        # Neither alone: a scraper may drop blank cells and then print a run of equal values once.
        if fits("mixed")[0]:
            return "mixed", final("mixed"), ("cells lost from rows read as blank cells dropped and equal "
                                             "neighbours printed once: the tables refute either alone")
        return "dropped", final("dropped"), ("no mechanism of lost cells explains every table; only cells "
                                             "printed in full are kept")
    # Both fit. A row that one mechanism determines (a single filling) and the other leaves open is explained
    # by the first only; where all such rows point one way, that is the report's mechanism.
    determined = {m: _determined(readings, tried[m]) for m in MECHANISMS}
    for m in MECHANISMS:
        other = next(x for x in MECHANISMS if x != m)
        only = determined[m] - determined[other]
        if only and not determined[other] - determined[m]:
            names = "、".join(sorted(only))[:120]
            return m, final(m), (f"cells lost from rows read as {_NAMES[m]}: both mechanisms fit the identities, "
                                 f"but only {_NAMES[m]} determines rows {names}")
    both = {m: final(m) for m in MECHANISMS}
    pooled = {k: _pool(both["dropped"][k], both["runs"][k]) for k in readings}
    return "undecided", pooled, ("the tables fit both blank cells dropped and equal runs printed once; "
                                 "cells the two readings disagree on are left empty")


def _determined(readings: dict[str, Reading], sols: dict[str, Solution]) -> set[str]:
    """Rows printed with fewer cells than they have that a mechanism fills in exactly one way."""
    out = set()
    for key, r in readings.items():
        if r.identities is None:      # Table 2: a row no identity checks is filled one way by runs trivially
            continue
        for row, k in sols[key].fillings.items():
            short = row in r.empty or len(r.atoms.get(row, [])) < len(r.cols[row])
            if short and k == 1:
                out.add(f"{r.table}:{r.row_labels.get(row, row)}")
    return out


_NAMES = {"dropped": "blank cells dropped", "runs": "runs of equal cells printed once",
          "mixed": "blank cells dropped and equal neighbours printed once"}


def _pool(a: Solution, b: Solution) -> Solution:
    """Cells two solutions agree on (value and blank alike); the rest undecided."""
    out = Solution(a.status if a.status == b.status else "ambiguous", {}, {}, {}, a.count + b.count,
                   a.unexplained + b.unexplained)
    for r in (r for r in a.cells if r in b.cells):   # a's row order: a set's order would follow the hash seed
        out.cells[r], out.values[r] = [], []
        for j, (ca, va) in enumerate(zip(a.cells[r], a.values[r])):
            vb = b.values[r][j]
            same = (va is None) == (vb is None) and va == vb and j not in a.undecided.get(r, []) \
                and j not in b.undecided.get(r, [])
            out.cells[r].append(ca if same else None)
            out.values[r].append(va if same else None)
            if not same:
                out.undecided.setdefault(r, []).append(j)
    return out

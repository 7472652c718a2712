"""From what a table prints to its cells: readings propose, the solver places, this module reports.

A `Reading` is what a table module found in the text: the grid rows it expects, the atoms printed for each row
it placed by label, the rows whose label is printed without any number, and the table's identities. `problem`
turns it into a solver Problem under one mechanism of lost cells (ie.tables.fill); `finish` turns the solution
into schema values, evidence (the token that printed each value) and issues naming every cell left null.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ie.models import Evidence, Issue
from ie.tables.cells import Atom, Cell
from ie.tables.fill import Option, row_options, runs_refuted, too_open
from ie.tables.solve import Identity, Problem, Solution, local_identities, local_test


@dataclass
class Reading:
    table: str                                  # "表三"
    section: str                                # "applications"
    keys: list[str]                             # grid rows the report should print, in order
    cols: dict[str, list[str]]                  # row → its column keys
    atoms: dict[str, list[Atom]]                # row → the atoms printed for it (rows placed by label)
    empty: set[str]                             # rows whose label is printed without any number
    confidence: dict[str, float]                # row → placement confidence
    issues: list[Issue]
    identities: Callable[[list[str], list[str]], list[Identity]] | None
    row_labels: dict[str, str]
    col_labels: dict[str, str]
    integer: bool = True
    want_wan: dict[str, tuple[bool, ...]] = field(default_factory=dict)
    open_rows: set[str] = field(default_factory=set)   # rows with too many fillings to weigh (set from the Problem)
    ocr_cells: dict[tuple[str, int], str] = field(default_factory=dict)   # cells read from OCR slips (by `finish`)
    joined_cells: list[tuple[str, int]] = field(default_factory=list)   # numbers read over two lines (by `finish`)
    # row options by (row, what the mechanism changes for it): most rows print in full and read alike under
    # every mechanism, so choose_mechanism builds them once, not once per mechanism tried
    row_cache: dict[tuple, tuple[list[Option] | None, bool]] = field(default_factory=dict, repr=False)
    # the solver's preparation of those rows (ie.tables.solve.Problem.row_memo), shared the same way
    prepared_rows: dict = field(default_factory=dict, repr=False)
    identities_cache: tuple | None = field(default=None, repr=False)   # (identities, local ones) for `problem`

    def needs_mechanism(self) -> bool:
        """Does some row print fewer whole cells than it has (so dropped blanks or printed-once runs matter)?"""
        from ie.tables.fill import splittable
        return bool(self.empty) or any(
            len(a) < len(self.cols[k]) and not splittable(a) for k, a in self.atoms.items())

    def refutes_runs(self) -> bool:
        return bool(self.empty) or any(runs_refuted(a) for a in self.atoms.values())


def problem(r: Reading, mechanism: str | None) -> Problem:
    options: dict[str, list[Option] | None] = {}
    open_rows: set[str] = set()
    if r.identities_cache is None:     # the same for every mechanism tried
        cols0 = r.cols[r.keys[0]] if r.keys else []
        idents = r.identities(r.keys, cols0) if r.identities else []
        r.identities_cache = (idents, local_identities(idents))
    idents, local = r.identities_cache
    for k in r.keys:
        n = len(r.cols[k])
        if k in r.atoms:
            key = (k, _mechanism_key(r.atoms[k], n, mechanism))
            if key not in r.row_cache:
                r.row_cache[key] = _row(r, k, n, mechanism, local.get(k))
            options[k], is_open, fits = r.row_cache[key]
            if is_open:
                open_rows.add(k)
            elif not fits:
                jkey = (k, "joined", mechanism)
                if jkey not in r.row_cache:
                    r.row_cache[jkey] = _joined_options(r, k, mechanism, local.get(k))
                options[k] = r.row_cache[jkey] or options[k]
        elif k in r.empty and mechanism in ("dropped", "mixed"):
            options[k] = [Option(tuple([None] * n), "dropped", tuple([None] * n))]
        else:
            options[k] = None
    signed = {k: tuple(c == "change" for c in r.cols[k]) for k in r.keys}
    return Problem(list(r.keys), {k: len(r.cols[k]) for k in r.keys}, options, idents, r.integer, r.want_wan,
                   open_rows, signed, row_memo=r.prepared_rows, local=local)


def _mechanism_key(atoms: list[Atom], n: int, mechanism: str | None):
    """What the mechanism changes for this row (mirrors ie.tables.fill.row_options): nothing for a row printed
    in full, only "drops blanks or not" for run-together digits, the mechanism itself otherwise."""
    from ie.tables.fill import splittable

    if len(atoms) >= n:
        return None
    if splittable(atoms):
        return mechanism in ("dropped", "mixed")
    return mechanism


def _row(r: Reading, k: str, n: int, mechanism: str | None, local: list[Identity] | None):
    """The options of one printed row under `mechanism`, whether the row is open (too many fillings to weigh:
    its cells stay unknown), and whether some option satisfies the row's own identities (where it has any)."""
    atoms = r.atoms[k]
    if too_open(atoms, n, mechanism):
        return None, True, True
    options = row_options(atoms, n, mechanism, r.want_wan.get(k))
    if options is None:
        return None, True, True
    ok = local_test(local) if local else None
    return options, False, ok is None or any(ok(o.vals) for o in options)


def _joined_options(r: Reading, row: str, mechanism: str | None, local: list[Identity] | None) -> list[Option]:
    """A row its printed atoms cannot fill: read neighbouring lone-line numbers as one split over lines, and keep
    the fillings that satisfy the row's identities (none where the row has no identity to confirm them)."""
    from ie.tables.fill import joined_variants

    if not local:
        return []
    ok = local_test(local)
    out = []
    for seq in joined_variants(r.atoms[row]):
        out += [o for o in row_options(seq, len(r.cols[row]), mechanism, r.want_wan.get(row)) or [] if ok(o.vals)]
    return out


def finish(text: str, r: Reading, sol: Solution, mechanism: str | None) -> tuple[dict, dict[str, Evidence], list[Issue]]:
    """Values, evidence and issues of one solved table."""
    from ie.tables.cells import cell_value

    values: dict = {}
    evidence: dict[str, Evidence] = {}
    issues = list(r.issues)
    r.ocr_cells = {}
    r.joined_cells = []
    base = 1.0 if sol.status in ("fixed", "unique") else 0.9
    for k in r.keys:
        cols = r.cols[k]
        values[k] = dict.fromkeys(cols)
        if k not in sol.cells:
            fields = [f"{r.section}.{k}.{c}" for c in cols]
            if k in r.open_rows:
                issues.append(Issue("table_unsolved", "warning",
                                    f"{r.table}: 行「{r.row_labels.get(k, k)}」 prints {len(r.atoms.get(k, []))} cells "
                                    f"for {len(cols)} columns, which leaves too many placements to weigh; "
                                    f"cells not placed", fields))
            elif k in r.atoms or k in r.empty:
                issues.append(Issue("table_cells_count", "warning",
                                    f"{r.table}: 行「{r.row_labels.get(k, k)}」 prints "
                                    f"{len(r.atoms.get(k, []))} cells for {len(cols)} columns and no placement of "
                                    f"them fits; cells not placed", fields))
            elif not any(i.code == "table_row_missing" and set(i.fields) == set(fields) for i in issues):
                issues.append(Issue("table_row_missing", "warning",
                                    f"{r.table}: 行「{r.row_labels.get(k, k)}」 not found", fields))
            continue
        cells, vals = sol.cells[k], sol.values[k]
        how = placements(r.atoms.get(k, []), cells)
        undecided = set(sol.undecided.get(k, ()))
        confidence = round(r.confidence.get(k, 1.0) * base, 3)
        want = r.want_wan.get(k)
        prefix = f"{r.section}.{k}."
        row = values[k]
        for j, c in enumerate(cols):
            if j in undecided:
                continue
            row[c] = vals[j]
            cell: Cell | None = cells[j]
            if cell is None:
                continue
            if cell.ocr:
                r.ocr_cells[(k, j)] = cell.ocr
            if cell.joined and (k, j) not in r.joined_cells:
                r.joined_cells.append((k, j))
            if cell.end > cell.start:   # a blank cell has nothing to quote
                # only a cell printed in 元 where 万元 is wanted carries a note (cell_value's conversion)
                note = cell_value(cell, bool(want and want[j]))[1] if cell.unit == "元" else None
                evidence[prefix + c] = Evidence(cell.start, cell.end, text[cell.start:cell.end], "table", confidence,
                                                None, note, how[j])     # (approximate: None)
    if r.joined_cells:
        issues.append(Issue("table_number_joined", "info",
                            f"{r.table}: numbers printed over two lines read as one (Word-HTML splits), where the "
                            f"row's identities need it", [f"{r.section}.{k}.{r.cols[k][j]}" for k, j in r.joined_cells]))
    if sol.undecided:
        rows = "、".join(r.row_labels.get(k, k) for k in sol.undecided)
        why = {"ambiguous": f"{sol.count}{'+' if sol.count >= 64 else ''} placements of the printed numbers satisfy "
                            f"every identity",
               "none": "no placement of the printed numbers satisfies every identity",
               "timeout": "the search for placements ran over its time bound"}.get(sol.status, "")
        fields = [f"{r.section}.{k}.{r.cols[k][j]}" for k, js in sol.undecided.items() for j in js]
        code = "table_split_ambiguous" if sol.status == "ambiguous" else "table_unsolved"
        issues.append(Issue(code, "warning",
                            f"{r.table}: 行「{rows}」: {why}"
                            + (f" (lost cells read as: {mechanism})" if mechanism else "") + "; cells they disagree on left empty",
                            fields))
    return values, evidence, issues


def placements(atoms: list[Atom], cells: list[Cell | None]) -> list[str | None]:
    """How the solver placed each cell of a row: None where the row prints one whole number per column and the
    cell is the number printed in its place (read), else what the solver decided (ie.models.Evidence.placed)."""
    spans = [(a.start, a.end) for a in atoms]
    straight = len(atoms) == len(cells) and all(c is None or (c.start, c.end) == sp for c, sp in zip(cells, spans))
    shared: dict[tuple[int, int], int] = {}
    for c in cells if not straight else ():      # (a straight row, most of them, never asks)
        if c is not None:
            shared[(c.start, c.end)] = shared.get((c.start, c.end), 0) + 1
    out: list[str | None] = []
    for c in cells:
        if c is None:
            out.append(None)
        elif c.ocr:
            out.append("letters read as digits")
        elif c.joined:
            out.append("a number printed over two lines")
        elif straight:
            out.append(None)
        elif (c.start, c.end) not in spans:
            out.append("digits run together, cut")
        elif shared[(c.start, c.end)] > 1:
            out.append("one printed number fills a run of equal cells")
        else:
            out.append("column chosen: the row prints fewer numbers than columns")
    return out


def confirm_ocr(r: Reading, values: dict, evidence: dict[str, Evidence]) -> list[Issue]:
    """Keep a cell read from an OCR slip (`1O` → 10) only where an identity through it holds with every cell
    known, and none through it fails; otherwise null it."""
    from ie.tables.solve import _holds

    if not r.ocr_cells:
        return []
    cols0 = r.cols[r.keys[0]] if r.keys else []
    idents = r.identities(r.keys, cols0) if r.identities else []

    def val(c):
        row, j = c
        return (values.get(row) or {}).get(r.cols[row][j]) if row in r.cols else None

    issues = []
    for (row, j), printed in r.ocr_cells.items():
        through = [i for i in idents if (row, j) in i.cells and all(val(c) is not None for c in i.cells)]
        ok = bool(through) and all(_holds(i, val) for i in through)
        field_path = f"{r.section}.{row}.{r.cols[row][j]}"
        if ok:
            issues.append(Issue("table_ocr_read", "info", f"{r.table}: 「{printed}」 read as {values[row][r.cols[row][j]]}: "
                                f"the table's identities confirm it", [field_path]))
            continue
        values[row][r.cols[row][j]] = None
        evidence.pop(field_path, None)
        issues.append(Issue("table_ocr_unconfirmed", "warning",
                            f"{r.table}: 「{printed}」 looks like a number with letters for digits, and no identity "
                            f"confirms a reading; cell left empty", [field_path]))
    return issues

"""The row options (ie.tables.fill) and the solver (ie.tables.solve) on small hand-built tables."""
from __future__ import annotations

from ie.tables.cells import Atom
from ie.tables.fill import dropped_options, mixed_options, row_options, runs_options, runs_refuted, too_open
from ie.tables.solve import Identity, Problem, solve


def atoms(*texts: str, whole: bool = True) -> list[Atom]:
    out, pos = [], 0
    for t in texts:
        out.append(Atom(t, pos, pos + len(t), explicit=whole))
        pos += len(t) + 1
    return out


def vals(options):
    return sorted((o.vals for o in options), key=repr)


def test_tables_fill_runs_each_atom_a_run():
    got = vals(runs_options(atoms("46", "0", "46"), 7))
    assert (46, 0, 0, 0, 0, 0, 46) in got and (46, 46, 0, 0, 0, 0, 46) in got
    assert all(v[0] == 46 and v[-1] == 46 for v in got) and len(got) == 15     # C(6, 2)


def test_tables_fill_runs_refuted_by_equal_neighbours_as_printed():
    assert runs_options(atoms("0", "0", "1"), 7) == []
    assert runs_refuted(atoms("3", "3", "6"))
    assert not runs_refuted(atoms("0", "+60", "60"))          # printed differently: not one run


def test_tables_fill_dropped_keeps_order_and_leaves_blanks():
    got = vals(dropped_options(atoms("5", "9"), 3))
    assert got == sorted([(5, 9, None), (5, None, 9), (None, 5, 9)], key=repr)


def test_tables_fill_mixed_allows_blanks_inside_a_run():
    got = vals(mixed_options(atoms("1"), 3))
    assert (1, None, 1) in got and (1, 1, 1) in got and (None, None, 1) in got
    assert mixed_options([], 3)[0].vals == (None, None, None)


def test_tables_fill_as_printed_and_split():
    assert vals(row_options(atoms("1", "0", "1"), 3, "runs")) == [(1, 0, 1)]
    cut = vals(row_options(atoms("4000004", whole=False), 7, None))
    assert (4, 0, 0, 0, 0, 0, 4) in cut and len(cut) == 1


def test_tables_fill_too_open_rows_are_not_searched():
    assert too_open(atoms("0"), 15, "mixed")
    assert not too_open(atoms("0", "1", "0"), 15, "runs")


def _row_total_problem(rows: dict[str, list], extra=()) -> Problem:
    """A 3-column table (a, b, total) with a column-sum row 'sum'."""
    keys = list(rows)
    idents = [Identity(((k, 0), (k, 1)), (k, 2), "row") for k in keys]
    idents += [Identity(tuple((k, j) for k in keys if k != "sum"), ("sum", j), "column") for j in range(3)]
    return Problem(keys, {k: 3 for k in keys}, rows, idents + list(extra))


def test_tables_solve_unique_placement_is_taken():
    # r1 prints 3 / 3 with one blank dropped: the column sums leave it one place (3 | _ | 3).
    rows = {"r1": dropped_options(atoms("3", "3"), 3), "r2": row_options(atoms("1", "0", "1"), 3, None),
            "sum": row_options(atoms("4", "0", "4"), 3, None)}
    sol = solve(_row_total_problem(rows))
    assert sol.status == "unique" and sol.values["r1"] == [3, None, 3]


def test_tables_solve_ambiguous_cells_left_undecided():
    rows = {"r1": dropped_options(atoms("3", "3"), 3), "r2": dropped_options(atoms("1", "1"), 3),
            "sum": row_options(atoms("4", "0", "4"), 3, None)}
    sol = solve(_row_total_problem(rows))
    assert sol.status == "unique" and sol.values["r2"] == [1, None, 1]
    # A sum row 2 | 2 | 4 leaves no placement of r1 and r2 (their first cells would add to 4): nothing is guessed.
    rows["sum"] = row_options(atoms("2", "2", "4"), 3, None)
    sol = solve(_row_total_problem(rows))
    assert sol.status == "none" and sol.undecided["r1"] == [0, 1] and sol.values["r1"][2] == 3


def test_tables_solve_agreement_over_solutions():
    # sum prints a lone 4 that may stand in the first or second column (dropped): the solver cannot tell.
    rows = {"r1": dropped_options(atoms("4", "4"), 3), "sum": dropped_options(atoms("4", "4"), 3)}
    sol = solve(_row_total_problem(rows))
    assert sol.status == "ambiguous" and sol.count == 2
    assert sol.undecided["r1"] == [0, 1] and sol.values["r1"][2] == 4


def test_tables_solve_contradiction_among_printed_rows_is_not_solved_away():
    # Every row printed in full; the report's own column sum is wrong. Nothing to decide: cells as printed.
    rows = {"r1": row_options(atoms("1", "0", "1"), 3, None), "sum": row_options(atoms("5", "0", "5"), 3, None)}
    sol = solve(_row_total_problem(rows))
    assert sol.status == "fixed" and sol.values["sum"] == [5, 0, 5]


def test_tables_solve_balance_identity_two_sided():
    # new + carried = total + forward: 5 + 2 = 6 + 1.
    keys = ["new", "carried", "total", "forward"]
    rows = {"new": row_options(atoms("5"), 1, None), "carried": row_options(atoms("2"), 1, None),
            "total": dropped_options(atoms("6"), 1), "forward": dropped_options(atoms("1"), 1)}
    ident = Identity((("new", 0), ("carried", 0)), ("total", 0), "balance", more=(("forward", 0),))
    p = Problem(keys, {k: 1 for k in keys}, rows, [ident])
    sol = solve(p)
    assert sol.status in ("fixed", "unique") and sol.values["total"] == [6]

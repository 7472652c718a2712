"""The solver: place printed numbers into a table's grid so that every identity holds, and keep only what is
unique.

A `Problem` is one table: its grid rows (each with the options ie.tables.fill found for it, or none when the row
is not printed) and its identities (parts = whole over cells). `solve` searches every combination of row
options that satisfies every identity touching an undecided row, by backtracking with interval pruning (cells
are counts, so a partial sum bounds the rest). A cell is kept when all solutions agree on it; otherwise it is
left null and the issue names the rows and the number of placements. No solution, or a search over its budget,
keeps only cells that every option of their row agrees on.

A hand-written search rather than a CP-SAT model: the problems are small (a few hundred options), and importing
OR-Tools alone costs about a second per process, twenty times the whole table stage on a typical report.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ie.tables.cells import Cell
from ie.tables.fill import Option

MAX_SOLUTIONS = 64
# The search budget is counted in nodes, not seconds, so the same report gives the same cells on a busy
# machine as on an idle one (a wall-clock limit once turned a 20 ms search into a timeout under load).
MAX_NODES = 200_000

CellRef = tuple[str, int]   # (row key, column index)


@dataclass(frozen=True)
class Identity:
    """sum(parts) = sum(wholes): a total (one whole), or a balance such as 新收 + 结转 = 总计 + 结转下年度."""

    parts: tuple[CellRef, ...]
    whole: CellRef
    name: str = ""
    more: tuple[CellRef, ...] = ()     # further cells on the whole's side

    @property
    def wholes(self) -> tuple[CellRef, ...]:
        return (self.whole,) + self.more

    @property
    def cells(self) -> tuple[CellRef, ...]:
        return self.parts + self.wholes


@dataclass
class Problem:
    """One table to solve. `options[row]` is None for a row the report does not print (its cells unknown)."""

    rows: list[str]
    ncols: dict[str, int]
    options: dict[str, list[Option] | None]
    identities: list[Identity]
    integer: bool = True
    want_wan: dict[str, tuple[bool, ...]] = field(default_factory=dict)
    open_rows: set[str] = field(default_factory=set)   # rows with too many fillings to weigh (left unknown)
    signed: dict[str, tuple[bool, ...]] = field(default_factory=dict)   # columns that may be negative
    prepared: tuple | None = None                       # prepare()'s result, computed once
    # (row, id of its option list) → (that list, its prepared options, unexplained?): shared by the problems of
    # one table under each mechanism, whose rows printed in full have the very same option list
    row_memo: dict | None = field(default=None, repr=False)
    settled: Solution | None = field(default=None, repr=False)   # the solution when no row is undecided
    local: dict | None = field(default=None, repr=False)   # local_identities(identities), where the caller has it


@dataclass
class Solution:
    status: str                                   # "fixed" | "unique" | "ambiguous" | "none" | "timeout"
    cells: dict[str, list[Cell | None]]           # chosen cell per column (None = blank or undecided)
    values: dict[str, list]                       # value per column (None = blank, '/' or undecided)
    undecided: dict[str, list[int]]               # row → columns the printed text does not settle
    count: int = 0                                # solutions found (capped at MAX_SOLUTIONS)
    unexplained: list[str] = field(default_factory=list)   # rows no option of which fits their own identity
    fillings: dict[str, int] = field(default_factory=dict)  # row → how many fillings fit its own identities


def _num(v) -> float:
    return 0 if v is None else v


def _local(ident: Identity) -> str | None:
    """The row an identity lies in, None when it spans rows (stops at the first cell of another row)."""
    cells = ident.cells
    row = cells[0][0]
    for r, _ in cells:
        if r != row:
            return None
    return row


def _holds(ident: Identity, val) -> bool:
    return abs(sum(_num(val(c)) for c in ident.parts) - sum(_num(val(c)) for c in ident.wholes)) < 1e-6


def _distinct(options: list[Option]) -> list[tuple[Option, tuple]]:
    """Options with different values (or blanks) only: two cuttings that read the same numbers are one placement."""
    seen, out = set(), []
    for o in options:
        v = o.vals
        if v not in seen:
            seen.add(v)
            out.append((o, v))
    return out


def _usable(v: tuple, integer: bool, signed: tuple[bool, ...] | None = None) -> bool:
    """Counts are whole and not negative; only a column that prints a change (本年增/减) may carry a sign."""
    if not (signed and True in signed):        # most rows: no column may be negative (a loop without indices)
        for x in v:
            if x is not None and (x < 0 or (integer and not isinstance(x, int))):
                return False
        return True
    for j, x in enumerate(v):
        if x is None:
            continue
        if (x < 0 and not (signed and signed[j])) or (integer and not isinstance(x, int)):
            return False
    return True


def local_identities(idents: list[Identity]) -> dict[str, list[Identity]]:
    """Row → the identities that lie within that row alone."""
    local: dict[str, list[Identity]] = {}
    for ident in idents:
        r = _local(ident)
        if r is not None:
            local.setdefault(r, []).append(ident)
    return local


def local_test(idents: list[Identity]):
    """A fast test of one row's values against identities that lie within that row."""
    terms = [([j for _, j in i.parts], [j for _, j in i.wholes]) for i in idents]

    def ok(v: tuple) -> bool:
        # The solver calls this once per option: plain loops, no list built per side. The sums are sum()'s
        # (left to right from 0, a blank or 0 skipped: adding 0 changes no sum's value).
        for a, b in terms:
            left = right = 0
            for j in a:
                x = v[j]
                if x:
                    left += x
            for j in b:
                x = v[j]
                if x:
                    right += x
            if not abs(left - right) < 1e-6:
                return False
        return True
    return ok


def prepare(p: Problem) -> tuple[dict[str, list[tuple[Option, tuple]]], list[str]]:
    """Distinct, usable options per printed row, filtered by the row's own identities (computed once)."""
    if p.prepared is None:
        p.prepared = _prepare(p)
    return p.prepared


def _prepare(p: Problem) -> tuple[dict[str, list[tuple[Option, tuple]]], list[str]]:
    local = p.local if p.local is not None else local_identities(p.identities)
    out, unexplained = {}, []
    memo = p.row_memo if p.row_memo is not None else {}
    for r in p.rows:
        opts = p.options.get(r)
        if opts is None:
            continue
        if not opts:              # printed, but in no way that fills the row: its cells stay unknown
            unexplained.append(r)
            continue
        hit = memo.get((r, id(opts)))
        if hit is None or hit[0] is not opts:
            hit = memo[(r, id(opts))] = (opts, *_prepare_row(p, r, opts, local.get(r, [])))
        if hit[2]:
            unexplained.append(r)
        out[r] = hit[1]
    return out, unexplained


def _prepare_row(p: Problem, r: str, opts: list[Option], local: list[Identity]) -> tuple[list, bool]:
    """The distinct usable options of one row that fit its own identities, and whether none does."""
    dist = _distinct(opts)
    dist = [(o, v) for o, v in dist if _usable(v, p.integer, p.signed.get(r))] or dist
    if len(dist) > 1 or any(o.how != "printed" for o, _ in dist):
        ok = local_test(local)
        fit = [(o, v) for o, v in dist if ok(v)]
        if not fit and dist:
            return dist, True
        dist = fit or dist
    return dist, False


def solve(p: Problem, limit: int = MAX_SOLUTIONS) -> Solution:
    """Solve `p`; with limit=1 only whether any placement exists is settled (the cells are then not final).

    A problem with no undecided row has the same solution under any limit: it is kept, and a later call (the
    final solve after the feasibility test of ie.tables.choose_mechanism) gets a copy instead of a new search."""
    if p.settled is not None:
        return _copy(p.settled)
    opts, unexplained = prepare(p)
    sol = _solve(p, opts, unexplained, limit)
    sol.fillings = {r: len(o) for r, o in opts.items()}
    if p.settled is sol:                  # _solve found no undecided row: keep a copy of the final result
        p.settled = _copy(sol)
    return sol


def _copy(s: Solution) -> Solution:
    """A copy a caller may change (ie.tables.prose.settle fills cells in) without changing the kept one."""
    return Solution(s.status, {r: list(c) for r, c in s.cells.items()}, {r: list(v) for r, v in s.values.items()},
                    {r: list(u) for r, u in s.undecided.items()}, s.count, list(s.unexplained), dict(s.fillings))


def _solve(p: Problem, opts, unexplained, limit: int) -> Solution:
    # The identities see a blank as 0, so fillings that differ only in which cells are blank are one
    # arithmetic choice: search over those groups, then let _fill keep what every member agrees on.
    groups: dict[str, list[tuple[list[int], tuple]]] = {}
    for r, o in opts.items():
        if len(o) == 1:                   # most rows: one filling, one group
            groups[r] = [([0], tuple([0 if x is None else x for x in o[0][1]]))]
            continue
        by: dict[tuple, list[int]] = {}
        for idx, (_, v) in enumerate(o):
            by.setdefault(tuple([0 if x is None else x for x in v]), []).append(idx)
        groups[r] = [(ids, vec) for vec, ids in by.items()]
    fixed = {r: g[0] for r, g in groups.items() if len(g) == 1}
    free = sorted((r for r, g in groups.items() if len(g) > 1), key=lambda r: len(groups[r]))
    every = {r: list(range(len(opts[r]))) for r in opts}
    if not free:
        sol = _fill(p, opts, every, set())
        sol.status = "fixed" if all(len(o) == 1 for o in opts.values()) else "ambiguous"
        sol.count, sol.unexplained = 1, unexplained
        p.settled = sol                   # no search: the same under any limit (solve keeps a copy)
        return sol
    # Identities that involve an undecided row and no unprinted row; the others are the report's own business
    # (a contradiction among printed cells is reported by ie.validate, not solved away).
    idents = [i for i in p.identities
              if any(c[0] in free for c in i.cells) and all(c[0] in opts for c in i.cells)]
    found, status = _search(free, fixed, groups, idents, limit)
    if status != "done" or not found or len(found) >= limit:
        # No solution, or not every solution seen: only cells every filling of their row agrees on are certain.
        sol = _fill(p, opts, every, set(free))
        sol.status = "timeout" if status != "done" else ("none" if not found else "ambiguous")
        sol.count, sol.unexplained = len(found), unexplained
        return sol
    choice = dict(every)
    for r in free:
        choice[r] = sorted({i for s in found for i in groups[r][s[r]][0]})
    sol = _fill(p, opts, choice, set(free))
    sol.status = "unique" if len(found) == 1 and not sol.undecided else "ambiguous"
    sol.count = len(found)
    sol.unexplained = unexplained
    return sol


def _search(free, fixed, opts, idents, limit: int) -> tuple[list[dict[str, int]], str]:
    """All assignments row → option index of the free rows that satisfy `idents` (up to MAX_SOLUTIONS).

    Each identity keeps the interval its parts' sum can still reach and the interval of its wholes'; assigning a
    row narrows the intervals of the identities it touches, and an identity whose intervals no longer meet
    prunes the branch. Cells are counts, so the bounds are the row's smallest and largest option."""
    ncols = {r: len(o[0][1]) for r, o in opts.items()}
    lo = {r: [min(_num(v[j]) for _, v in opts[r]) for j in range(ncols[r])] for r in opts}
    hi = {r: [max(_num(v[j]) for _, v in opts[r]) for j in range(ncols[r])] for r in opts}
    for r, (_, v) in fixed.items():
        lo[r] = hi[r] = [_num(x) for x in v]
    n = len(idents)
    plo, phi, wlo, whi = [0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n
    member: dict[str, list[tuple[int, int, bool]]] = {}
    for i, ident in enumerate(idents):
        for r, j in ident.parts:
            plo[i] += lo[r][j]
            phi[i] += hi[r][j]
            member.setdefault(r, []).append((i, j, False))
        for r, j in ident.wholes:
            wlo[i] += lo[r][j]
            whi[i] += hi[r][j]
            member.setdefault(r, []).append((i, j, True))
    found: list[dict[str, int]] = []
    pick: dict[str, int] = {}
    nodes = 0
    # What assigning option idx of row r moves: per member entry, the interval pair it changes and by how much
    # (the same differences, in the same order, as computing them at each visit; built at the first visit).
    moves: dict[tuple[str, int], list[tuple[list[float], list[float], int, float, float]]] = {}
    touched = {r: list(dict.fromkeys(i for i, _, _ in m)) for r, m in member.items()}   # identities, once each

    def move(r: str, idx: int, v: tuple):
        key = (r, idx)
        if key not in moves:
            moves[key] = [((wlo, whi) if whole else (plo, phi)) + (i, _num(v[j]) - lo[r][j], _num(v[j]) - hi[r][j])
                          for i, j, whole in member.get(r, ())]
        return moves[key]

    def assign(r: str, idx: int, v: tuple, sign: int) -> None:
        for low, high, i, dlo, dhi in move(r, idx, v):
            low[i] += sign * dlo
            high[i] += sign * dhi

    def consistent(r: str) -> bool:
        for i in touched.get(r, ()):
            if not (plo[i] <= whi[i] + 1e-6 and phi[i] >= wlo[i] - 1e-6):
                return False
        return True

    if not all(plo[i] <= whi[i] + 1e-6 and phi[i] >= wlo[i] - 1e-6 for i in range(n)):
        return [], "done"

    def rec(k: int) -> str:
        nonlocal nodes
        if k == len(free):
            found.append(dict(pick))
            return "stop" if len(found) >= limit else "go"
        r = free[k]
        for idx, (_, v) in enumerate(opts[r]):
            nodes += 1
            if nodes > MAX_NODES:
                return "budget"
            assign(r, idx, v, 1)
            pick[r] = idx
            res = rec(k + 1) if consistent(r) else "go"
            assign(r, idx, v, -1)
            if res != "go":
                return res
        return "go"

    res = rec(0)
    return found, ("budget" if res == "budget" else "done")


def _fill(p: Problem, opts, choice: dict[str, list[int]], free: set[str]) -> Solution:
    """Cells every chosen option agrees on (value and blank alike); the others undecided."""
    cells: dict[str, list[Cell | None]] = {}
    values: dict[str, list] = {}
    undecided: dict[str, list[int]] = {}
    for r in p.rows:
        if r not in opts:
            continue
        picked = [opts[r][i] for i in choice.get(r, [0])]
        n = len(picked[0][1])
        if len(picked) == 1:              # one filling: every cell agrees with itself
            cells[r] = list(picked[0][0].cells[:n])
            values[r] = list(picked[0][1][:n])
            continue
        cells[r], values[r] = [], []
        for j in range(n):
            if _agree(picked, j):
                cells[r].append(picked[0][0].cells[j])
                values[r].append(picked[0][1][j])
            else:
                cells[r].append(None)
                values[r].append(None)
                undecided.setdefault(r, []).append(j)
    return Solution("fixed", cells, values, undecided)


def _agree(picked: list[tuple[Option, tuple]], j: int) -> bool:
    """Do all picked fillings hold the same value in column j, blank alike? (Stops at the first that does not:
    in a row of many fillings most columns differ early.)"""
    first = picked[0][1][j]
    blank = first is None
    for _, v in picked:
        x = v[j]
        if (x is None) != blank or x != first:
            return False
    return True

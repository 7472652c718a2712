"""The ways one printed row can fill its grid row: the options the solver chooses from.

A printed row is a label and its atoms (numbers as printed, in reading order). When it prints as many cells as
the row has columns, there is one option: the cells as printed. When it prints fewer, the report lost something,
and what it lost decides the options:

- `split`   digits of neighbouring cells run together (scraped text): every cutting of the atoms into the
            row's cells (ie.tables.split).
- `dropped` blank cells were left out (one cell per line): the atoms keep their order and fill some of the
            columns; the others are blank.
- `runs`    a run of equal neighbouring cells was printed once (the 莆田 scraper): every atom stands for a run of
            one or more consecutive cells and every cell is filled. Two neighbouring atoms are then never equal.

- `mixed`   both at once (a scraper that drops blank cells and then prints a run of equal values once): every
            cell is blank or belongs to an atom, atoms in order, and a blank may sit between two cells of one
            atom (`1` for 1|_|_|_|_|_|1).

A report uses one mechanism throughout (ie.tables decides which, `mixed` only where the tables refute both
simpler ones); `split` applies wherever atoms were not printed as whole cells. An option never holds a value
the report does not print.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from math import comb

from ie.tables.cells import Atom, Cell, cell_value, valid_part
from ie.tables.split import candidate_splits

Mechanism = str   # "dropped" | "runs" | "mixed"
MECHANISMS: tuple[Mechanism, ...] = ("dropped", "runs")
MAX_OPTIONS = 3000   # a row with more fillings than this is left open (its cells null with an issue)
MAX_SPLITS = 3000    # cuttings of run-together digits (a row with more stays open)


@dataclass(frozen=True)
class Option:
    """One filling of a grid row: a Cell per column (None = blank, not printed) and how it was made."""

    cells: tuple[Cell | None, ...]
    how: str   # "printed" | "split" | "dropped" | "runs"
    vals: tuple = ()   # the value of each cell (None = blank or '/'), in the row's units


def _option(cells, how: str, want_wan: tuple[bool, ...] | None, cache: dict) -> Option:
    vals = []
    for i, c in enumerate(cells):
        if c is None:
            vals.append(None)
            continue
        key = (id(c), bool(want_wan and want_wan[i]))      # cells are shared between a row's options
        if key not in cache:
            cache[key] = cell_value(c, key[1])[0]
        vals.append(cache[key])
    return Option(tuple(cells), how, tuple(vals))


def _as_cell(a: Atom) -> Cell:
    return Cell(a.text, a.start, a.end, a.unit, a.ocr, a.joined)


def splittable(atoms: list[Atom]) -> bool:
    """Could a digit run here hold several lost cells? Not when every atom was printed as a whole cell."""
    return any(not a.explicit and not a.is_null and len(a.digits.lstrip("+-").split(".")[0]) > 1 for a in atoms)


def too_open(atoms: list[Atom], n: int, mechanism: Mechanism | None) -> bool:
    """More fillings than the solver should weigh: the row's cells are then unknown, never half-searched."""
    k = len(atoms)
    if len(atoms) >= n or splittable(atoms):
        return False
    if mechanism == "dropped":
        return comb(n, k) > MAX_OPTIONS
    if mechanism == "runs":
        return k > 0 and comb(n - 1, k - 1) > MAX_OPTIONS
    if mechanism == "mixed":
        return k > 0 and 2 ** n > MAX_OPTIONS
    return False


def _equal_neighbours(atoms: list[Atom]) -> bool:
    """Two neighbours printed alike (`+60` and `60` are not): a scraper that prints a run once never does that."""
    return any(atoms[i].text == atoms[i + 1].text for i in range(len(atoms) - 1))


def dropped_options(atoms: list[Atom], n: int, want_wan=None, cache=None) -> list[Option]:
    k = len(atoms)
    if k > n:
        return []
    printed = [_as_cell(a) for a in atoms]
    # a cell's value depends on its column only through 万 units: compute each (atom, column) once
    value = [[cell_value(c, bool(want_wan and want_wan[j]))[0] for j in range(n)] for c in printed]
    out = []
    for pos in combinations(range(n), k):
        cells: list[Cell | None] = [None] * n
        vals: list = [None] * n
        for i, p in enumerate(pos):
            cells[p] = printed[i]
            vals[p] = value[i][p]
        out.append(Option(tuple(cells), "dropped", tuple(vals)))
        if len(out) >= MAX_OPTIONS:
            break
    return out


def runs_options(atoms: list[Atom], n: int, want_wan=None, cache=None) -> list[Option]:
    k = len(atoms)
    if k == 0 or k > n or _equal_neighbours(atoms):
        return []
    out = []
    printed = [_as_cell(a) for a in atoms]
    # as in dropped_options: each (atom, column) value once, not once per option
    value = [[cell_value(c, bool(want_wan and want_wan[j]))[0] for j in range(n)] for c in printed]
    for cuts in combinations(range(1, n), k - 1):
        bounds = (0,) + cuts + (n,)
        cells: list[Cell | None] = []
        vals: list = []
        for i, lo, hi in zip(range(k), bounds, bounds[1:]):
            cells.extend([printed[i]] * (hi - lo))
            vals.extend(value[i][lo:hi])
        out.append(Option(tuple(cells), "runs", tuple(vals)))
        if len(out) >= MAX_OPTIONS:
            break
    return out


def mixed_options(atoms: list[Atom], n: int, want_wan=None, cache=None) -> list[Option]:
    cache = {} if cache is None else cache
    k = len(atoms)
    if k > n or _equal_neighbours(atoms):
        return []
    cells_of = [_as_cell(a) for a in atoms]
    out: list[Option] = []

    def rec(j: int, cur: int, used: bool, acc: list) -> None:
        # cur: the atom that may fill cell j (the last one used, or the next one); used: has cur filled a cell
        if len(out) >= MAX_OPTIONS:
            return
        left_atoms = k - cur - (1 if used else 0)
        if n - j < left_atoms:
            return
        if j == n:
            if cur == k or (cur == k - 1 and used):
                out.append(_option(acc, "mixed", want_wan, cache))
            return
        rec(j + 1, cur, used, acc + [None])                       # blank
        if cur < k:
            rec(j + 1, cur, True, acc + [cells_of[cur]])           # the current atom again
        if used and cur + 1 < k:
            rec(j + 1, cur + 1, True, acc + [cells_of[cur + 1]])   # the next atom

    if k == 0:
        return [_option([None] * n, "mixed", want_wan, cache)]
    rec(0, 0, False, [])
    return out


def joined_variants(atoms: list[Atom], most: int = 64) -> list[list[Atom]]:
    """The atom sequences where neighbouring lone-line numbers are read as one number split over lines by Word-HTML
    spans (`1`/`60` → 160): every set of joins of such neighbours (the sequence as printed excluded)."""
    can = [i for i in range(len(atoms) - 1)
           if atoms[i].alone and atoms[i + 1].alone and not atoms[i].unit and not atoms[i].ocr
           and not atoms[i + 1].ocr and atoms[i + 1].text[:1].isdigit() and not atoms[i].is_null
           and not atoms[i + 1].is_null and "." not in atoms[i].text]
    # A sequence is kept when each of its atoms reads as a number. Whether it does depends only on the atom, or
    # for a joined one on the run of printed atoms it joins: test those once, and build only the sequences kept
    # (a row of many lone numbers has hundreds of sets of joins, most of them rejected).
    bad = [i for i, a in enumerate(atoms) if not _reads(a)]
    chain_ok: dict[tuple[int, int], bool] = {}
    out = []
    for r in range(1, len(can) + 1):
        for joins in combinations(can, r):
            js = set(joins)
            if any(i not in js and i - 1 not in js for i in bad):
                continue                        # a printed atom that is no number stays alone
            if not all(_chain_reads(atoms, a, b, chain_ok) for a, b in _chains(joins)):
                continue
            out.append(_joined(atoms, js))
            if len(out) >= most:
                return out
    return out


def _reads(a: Atom) -> bool:
    return valid_part(a.digits) or a.is_null


def _chains(joins: tuple[int, ...]):
    """The runs of printed atoms that a set of joins (sorted: join i glues atom i to i + 1) makes one, (first, last)."""
    start = prev = joins[0]
    for j in joins[1:]:
        if j != prev + 1:
            yield start, prev + 1
            start = j
        prev = j
    yield start, prev + 1


def _chain_reads(atoms: list[Atom], a: int, b: int, memo: dict) -> bool:
    if (a, b) not in memo:
        memo[(a, b)] = _reads(Atom("".join(x.text for x in atoms[a:b + 1]), 0, 0))
    return memo[(a, b)]


def _joined(atoms: list[Atom], joins: set[int]) -> list[Atom]:
    seq: list[Atom] = []
    for i, a in enumerate(atoms):
        if i - 1 in joins:
            prev = seq.pop()
            a = Atom(prev.text + a.text, prev.start, a.end, explicit=True, alone=True, joined=True)
        seq.append(a)
    return seq


SPLIT_DROP_MAX_COLS = 8   # Table 4's 15 cells would make cuttings × blank placements too many to weigh


def _split_and_dropped(atoms: list[Atom], n: int, want_wan, cache) -> list[Option] | None:
    """Text that lost cell boundaries may have lost blank cells too (`3 16` for 3 | _ | 16 as well as 3 | 1 | 6):
    every cutting into fewer pieces than columns, placed in order with blanks between. None when too many."""
    if n > SPLIT_DROP_MAX_COLS:
        return []
    out: list[Option] = []
    for m in range(max(1, len(atoms)), n):
        for cut in candidate_splits(atoms, m, limit=MAX_OPTIONS + 1):
            if not all(c.is_null or valid_part(c.text.removesuffix(c.unit or "")) for c in cut):
                continue            # `000` is not one number: a piece keeps no leading zero
            for pos in combinations(range(n), m):
                cells: list[Cell | None] = [None] * n
                for p, c in zip(pos, cut):
                    cells[p] = c
                out.append(_option(cells, "split+dropped", want_wan, cache))
            if len(out) > MAX_SPLITS:
                return None
    return out


def row_options(atoms: list[Atom], n: int, mechanism: Mechanism | None,
                want_wan: tuple[bool, ...] | None = None) -> list[Option] | None:
    """Every filling of an n-column row by these atoms (before any identity is applied); None when there are
    more than MAX_OPTIONS (the row is then left open, never half-searched)."""
    cache: dict = {}
    if len(atoms) == n:       # most rows: one cell per atom, each read once (no cell repeats: no cache)
        cells = tuple([_as_cell(a) for a in atoms])
        return [Option(cells, "printed", tuple([cell_value(c, bool(want_wan and want_wan[i]))[0]
                                                for i, c in enumerate(cells)]))]
    if len(atoms) > n:
        return []
    if splittable(atoms):
        cuts = candidate_splits(atoms, n, limit=MAX_SPLITS + 1)
        if len(cuts) > MAX_SPLITS:
            return None            # too many cuttings to weigh: the row stays open
        out = [_option(c, "split", want_wan, cache) for c in cuts]
        # Spaces between some numbers (`3 16`) show the row kept boundaries and may have lost a blank instead of
        # one; a row glued whole (`规章000`) loses blanks only in a report that drops them.
        if len(atoms) < 2 and mechanism not in ("dropped", "mixed"):
            return out
        more = _split_and_dropped(atoms, n, want_wan, cache)
        return None if more is None else out + more
    if mechanism == "dropped":
        return dropped_options(atoms, n, want_wan, cache)
    if mechanism == "runs":
        return runs_options(atoms, n, want_wan, cache)
    if mechanism == "mixed":
        return mixed_options(atoms, n, want_wan, cache)
    return []


def runs_refuted(atoms: list[Atom]) -> bool:
    """A row printed with two equal neighbours cannot come from a report that prints runs once."""
    if splittable(atoms):
        return False
    # (two `/` side by side are blanks marked twice, not a repeated value)
    return any(not atoms[i].is_null and atoms[i].text == atoms[i + 1].text for i in range(len(atoms) - 1))

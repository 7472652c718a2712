"""Lost cell boundaries: every way to cut printed digit runs into the cells a row needs.

`本年新收…15130000154` holds seven cells; the candidates are all cuttings into seven valid numbers (no leading
zero except "0" itself, a sign only in front, decimals and unit stay on the last piece). The table modules keep
the candidates that satisfy the table identities and take a cutting only when a single one is left.
"""
from __future__ import annotations

from itertools import combinations

from ie.tables.cells import Atom, Cell, valid_part

MAX_CANDIDATES = 50000


def _pieces(atom: Atom, k: int, limit: int = MAX_CANDIDATES) -> list[list[Cell]]:
    """All ways to cut one atom into k cells (at most limit + 1 of them: more means "too many")."""
    t = atom.text
    unit = atom.unit or ""
    body = t[: len(t) - len(unit)] if unit else t
    if k == 1:
        return [[Cell(t, atom.start, atom.end, atom.unit)]] if (atom.is_null or valid_part(body)) else []
    if atom.explicit or atom.is_null or "," in t:   # a number with thousands separators is one cell
        return []
    sign = body[0] if body[:1] in ("+", "-") else ""
    digits = body[len(sign):]
    intpart, dot, dec = digits.partition(".")
    if len(intpart) < k:
        return []
    out = []
    # A piece reads the same in every cutting that makes it: its validity is kept by (start, end) (the last
    # piece ends at the text's end, no other piece does), and a cutting's cells are made once all its pieces pass.
    valid: dict[tuple[int, int], bool] = {}
    for cuts in combinations(range(1, len(intpart)), k - 1):
        bounds = (0,) + cuts + (len(intpart),)
        spans = []
        for i in range(k):
            s = len(sign) + bounds[i] if i else 0
            e = len(sign) + bounds[i + 1] if i < k - 1 else len(t)
            if (s, e) not in valid:
                text = t[s:e] if i == k - 1 else body[s:e]
                valid[(s, e)] = valid_part(text.removesuffix(unit) if unit else text)
            if not valid[(s, e)]:
                break
            spans.append((s, e))
        else:
            last = k - 1
            out.append([Cell(t[s:e] if i == last else body[s:e], atom.start + s, atom.start + e,
                             atom.unit if i == last else None) for i, (s, e) in enumerate(spans)])
            if len(out) > limit:
                break
    return out


def _counts(atoms: list[Atom], n: int):
    """Ways to give each atom a number of cells (>= 1) adding up to n."""
    caps = []
    for a in atoms:
        if a.explicit or a.is_null or "," in a.text:
            caps.append(1)
        else:
            body = a.text[: len(a.text) - len(a.unit or "")].lstrip("+-").partition(".")[0]
            caps.append(max(1, len(body)))

    def rec(i, left):
        if i == len(atoms):
            if left == 0:
                yield ()
            return
        rest_min = len(atoms) - i - 1
        for k in range(1, min(caps[i], left - rest_min) + 1):
            for tail in rec(i + 1, left - k):
                yield (k,) + tail

    yield from rec(0, n)


def candidate_splits(atoms: list[Atom], n: int, limit: int = MAX_CANDIDATES) -> list[list[Cell]]:
    """Every cutting of `atoms` into exactly n cells (the printed cells themselves when they already are n)."""
    if len(atoms) == n:
        return [[Cell(a.text, a.start, a.end, a.unit) for a in atoms]]
    if len(atoms) > n:
        return []
    out: list[list[Cell]] = []
    for counts in _counts(atoms, n):
        partial: list[list[Cell]] = [[]]
        for a, k in zip(atoms, counts):
            opts = _pieces(a, k, limit)
            partial = [p + o for p in partial for o in opts][:limit + 1]
            if not partial:
                break
        out.extend(partial)
        if len(out) >= limit:
            break
    return out

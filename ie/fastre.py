"""Searching a pattern only where its matches can start: the same matches as `finditer`, found faster.

Python's re skips ahead to a possible first character only when a pattern starts with a literal or a character
class. A pattern that starts with a look-behind (`(?<![\\d.])\\d+…`) or an alternation of groups is tried at every
character of a report. `Fast(pattern)` reads from the parsed pattern the class F of characters every match starts
with; `[F](?<=(?=P(?P<_end>))[F])` then steps from one character of F to the next in C and tries P only there.
P's match is the look-ahead's (its first successful path, exactly as P.finditer takes it), ending where the
empty group `_end` sits, and `spans` resumes after that end, as finditer does: the spans are P.finditer's.
A pattern whose first characters cannot be told (it may match empty, starts with `.` or a negated class, holds a
back-reference) is searched by its own finditer.
"""
from __future__ import annotations

import re

try:
    from re import _constants as C, _parser as P       # Python >= 3.11
except ImportError:                                     # pragma: no cover
    import sre_constants as C
    import sre_parse as P

_GLOBAL_FLAGS = re.compile(r"\(\?[aiLmsux]+\)")
_CATEGORY = {C.CATEGORY_DIGIT: r"\d", C.CATEGORY_SPACE: r"\s", C.CATEGORY_WORD: r"\w"}


class _Unknown(Exception):
    pass


def _class_items(items) -> set[str]:
    out = set()
    for op, av in items:
        if op is C.LITERAL:
            out.add(re.escape(chr(av)))
        elif op is C.RANGE:
            out.add(f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}")
        elif op is C.CATEGORY and av in _CATEGORY:
            out.add(_CATEGORY[av])
        else:                           # NEGATE, \D, \S, \W …
            raise _Unknown
    return out


def _first(seq) -> tuple[set[str], bool]:
    """(class items a match of the sequence can start with, whether it can match empty)."""
    first: set[str] = set()
    for op, av in seq:
        if op is C.LITERAL:
            return first | {re.escape(chr(av))}, False
        if op is C.IN:
            return first | _class_items(av), False
        if op in (C.ASSERT, C.ASSERT_NOT, C.AT):
            continue                    # zero width: the next item starts the match
        if op is C.BRANCH:
            nullable = False
            for alt in av[1]:
                f, n = _first(alt)
                first |= f
                nullable = nullable or n
        elif op is C.SUBPATTERN:
            f, nullable = _first(av[-1])
            first |= f
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT) or op is getattr(C, "POSSESSIVE_REPEAT", None):
            f, n = _first(av[2])
            first |= f
            nullable = av[0] == 0 or n
        elif op is getattr(C, "ATOMIC_GROUP", None):
            f, nullable = _first(av)
            first |= f
        else:                           # ANY, NOT_LITERAL, GROUPREF, conditionals …
            raise _Unknown
        if not nullable:
            return first, False
    return first, True


def first_class(pattern: str, flags: int = 0) -> str | None:
    """The body of a character class every match of `pattern` starts with, or None where it cannot be told."""
    if flags & re.IGNORECASE:
        return None
    try:
        parsed = P.parse(pattern, flags)
        if parsed.state.flags & re.IGNORECASE:
            return None
        first, nullable = _first(parsed)
    except _Unknown:
        return None
    return None if nullable or not first else "".join(sorted(first))


class Fast:
    """`Fast(rx).spans(text)` == `[m.span() for m in rx.finditer(text)]`, searched from the first characters."""

    def __init__(self, rx: re.Pattern):
        self.rx = rx
        first = first_class(rx.pattern, rx.flags) if isinstance(rx.pattern, str) else None
        self.fast = None
        # (global inline flags `(?m)…` must open a pattern: this one is embedded in another, so it keeps finditer)
        if first is not None and "_end" not in rx.groupindex and not _GLOBAL_FLAGS.match(rx.pattern):
            try:
                self.fast = re.compile(rf"[{first}](?<=(?=(?:{rx.pattern})(?P<_end>))[{first}])", rx.flags)
            except re.error:            # e.g. a group reference, which a look-behind may not hold
                self.fast = None

    def finditer(self, text: str):
        """The match objects of `rx.finditer(text)` (groups included): each is rx.match at a start `spans` found."""
        if self.fast is None:
            yield from self.rx.finditer(text)
            return
        for s, _ in self.spans(text):
            yield self.rx.match(text, s)

    def starts(self, text: str) -> list[int]:
        """Every position a match of rx starts at, overlapping matches included (rx.match succeeds there)."""
        search = (self.fast or self.rx).search
        out: list[int] = []
        m = search(text, 0)
        while m is not None:
            out.append(m.start())
            m = search(text, m.start() + 1)
        return out

    def spans(self, text: str) -> list[tuple[int, int]]:
        if self.fast is None:
            return [m.span() for m in self.rx.finditer(text)]
        out: list[tuple[int, int]] = []
        pos = 0
        search = self.fast.search
        while True:
            m = search(text, pos)
            if m is None:
                return out
            end = m.start("_end")
            out.append((m.start(), end))
            pos = end if end > m.start() else end + 1

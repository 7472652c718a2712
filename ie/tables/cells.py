"""Cell values: folding the text for matching, reading one printed cell into a number.

`fold` maps every character to one character (Kangxi radicals → CJK, full-width → ASCII, （）→ ()), so offsets
into the folded copy are offsets into the text the caller gave us: matching works on both the raw corpus text
and the normalized text.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

NULL_MARKS = {"/", "-", "—", "--", "——", "－", "–"}
ZERO_MARKS = {"无", "0"}


@lru_cache(maxsize=4096)
def _fold_char(c: str) -> str:
    if c.isascii():
        return c
    k = unicodedata.normalize("NFKC", c)
    if len(k) == 1:
        return k
    return c


class _FoldTable(dict):
    """str.translate table filled on first sight of each character: translate's C loop instead of a Python
    call per character (fold runs over every report several times)."""

    def __missing__(self, code: int) -> str:
        self[code] = folded = _fold_char(chr(code))
        return folded


_FOLD_TABLE = _FoldTable()


@lru_cache(maxsize=8)
def fold(text: str) -> str:
    """One-to-one character folding used for matching only (never for quotes).

    Memoized for the last few texts: the template, the sections and the tables all fold the same report. The
    characters that fold are found by one compiled class (str.translate with a dict, or a set of the text's
    characters, makes a Python object of every character); text beyond the BMP, which that class leaves out,
    takes the table."""
    if _ASTRAL.search(text):
        return text.translate(_FOLD_TABLE)
    # each distinct folding character replaced in one C pass; what a character folds to folds to itself (NFKC
    # is idempotent), so the order of the replacements does not matter
    for c in set(_folding_bmp().findall(text)):
        text = text.replace(c, _FOLD_TABLE[ord(c)])
    return text


_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


@lru_cache(maxsize=1)
def _folding_bmp() -> re.Pattern:
    """The class of BMP characters that _fold_char changes (read once from unicodedata, some 20 ms)."""
    codes = [o for o in range(0x80, 0x10000) if not 0xD800 <= o < 0xE000
             and not unicodedata.is_normalized("NFKC", chr(o)) and _fold_char(chr(o)) != chr(o)]
    ranges: list[list[int]] = []
    for o in codes:
        if ranges and ranges[-1][1] == o - 1:
            ranges[-1][1] = o
        else:
            ranges.append([o, o])
    return re.compile("[" + "".join(re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
                                    for a, b in ranges) + "]")


_NOT_DIGIT = re.compile(r"[^\d.+-]")
_SIGN_APART = re.compile(r"^\+[ \t]+")


@dataclass
class Atom:
    """A run of digits (optional sign, decimals, unit) printed in a table; may hold several lost cells."""

    text: str          # folded text of the atom, e.g. "-18538" or "13724.02万元"
    start: int         # offsets into the caller's text
    end: int
    explicit: bool = False   # the cell was delimited by '|' in the source, so it is never split
    ocr: str | None = None   # the printed text when letters were read as digits (`1O` → 10), else None
    alone: bool = False      # alone on its line in one-cell-per-line text (Word-HTML may split a number there)
    joined: bool = False     # two such lines read as one number (`1`/`60` → 160)

    @property
    def digits(self) -> str:
        return _NOT_DIGIT.sub("", self.text)

    @property
    def unit(self) -> str | None:
        if self.text.endswith("万元"):
            return "万元"
        if self.text.endswith("元"):
            return "元"
        return None

    @property
    def is_null(self) -> bool:
        return self.text in NULL_MARKS or self.text == ""


@dataclass
class Cell:
    """One table cell after splitting: its printed text and offsets."""

    text: str
    start: int
    end: int
    unit: str | None = None
    ocr: str | None = None   # printed with letters for digits (`1O`): kept only where an identity confirms it
    joined: bool = False     # one number printed over two lines (`1`/`60`): taken only where identities need it

    @property
    def is_null(self) -> bool:
        return self.text in NULL_MARKS or self.text == ""


# Letters an OCR engine reads for digits, and the digit each stands for.
OCR_DIGITS = {"O": "0", "o": "0", "〇": "0", "l": "1", "I": "1", "S": "5", "B": "8"}


def ocr_digits(text: str) -> str:
    return "".join(OCR_DIGITS.get(c, c) for c in text)


_NUM = re.compile(r"^[+-]?\d+(?:\.\d+)?$")


@lru_cache(maxsize=4096)
def parse_number(text: str) -> int | float | None:
    """'+26' → 26, '-11' → -11, '2375.064' → 2375.064, '无' → 0, '/' → None.

    Memoized: the solver reads the same few printed cells once per option (the value is immutable)."""
    t = text.strip().replace(",", "")     # thousands separators: 1,234
    if t[:1] == "+":
        t = _SIGN_APART.sub("+", t)       # a sign printed apart from its digits
    for unit in ("万元", "元", "件", "条", "个", "项", "笔"):
        if t.endswith(unit):
            t = t[: -len(unit)]
            break
    if t in NULL_MARKS or t == "":
        return None
    if t in ZERO_MARKS:
        return 0
    if not _NUM.match(t):
        return None
    if "." in t:
        return float(t)
    return int(t)


def cell_value(cell: Cell, want_wan: bool = False) -> tuple[int | float | None, str | None]:
    """The value of a cell and a note when it was converted (元 printed where 万元 is expected)."""
    v = parse_number(cell.text)
    if v is None or not want_wan:
        return v, None
    if cell.unit == "元":
        return round(v / 10000, 10), f"printed {cell.text}: converted 元 to 万元"
    return v, None


def valid_part(s: str) -> bool:
    """A piece of a split digit run: no leading zeros except '0' itself, sign only in front."""
    body = s.lstrip("+-").replace(",", "")
    if not body or not body[0].isdigit():
        return False
    intpart = body.split(".")[0]
    return not (len(intpart) > 1 and intpart[0] == "0")

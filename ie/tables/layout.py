"""From text to table rows: where the national tables are, and the rows (label, cells) inside them.

Four layouts reach this module: one cell per line (`x |`), pipe rows (`| a | b |`, markdown included),
pdfplumber rows (`label 1 0 0`, labels broken across lines, numbers alone on a line in the vertical middle of a
tall cell) and scraped text with the whole table on one line. Lines are physical rows in the two row layouts; in
the other two ("flow") a row is a run of labels followed by a run of numbers.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ie.tables.cells import Atom, ocr_digits

# Lines that are not table content: page footers (- 3 -, — 4 —), comparison-tool marks, markdown rules/titles.
_NOISE = re.compile(
    r"^\s*(?:[-—–]+\s*\d+\s*[-—–]+|\(重复率:[^)]*\)|\|?\s*:?-{3,}.*|#+\s.*|注:.*|\d{4}\s*年(?:报告)?|年报告|第\s*\d+\s*页.*)\s*$"
)
# A row-number prefix such as 2. or 1、 in front of a label; it is label text, never a cell value.
# Word-HTML text may put the row number on a line of its own (`1.` / `属于国家秘密`).
_ORDINAL = re.compile(r"(\d)[ \t]*[.、](?=\s*[\u4e00-\u9fff“\"「])")
_TOKEN = re.compile(
    r"(?P<note>\((?:其中|含|包括)[^()]{0,40}\))"
    # OCR slips: letters for digits (`1O`, `l`, `〇`) standing as a whole cell; read only where identities confirm
    r"|(?P<ocr>(?<![^\s|\d])[\dOoIlSB〇]*[OoIlSB〇][\dOoIlSB〇]*(?![^\s|\d]))"
    # a sign may stand apart from its digits ('+ 14'); a counting unit may follow them ('2笔')
    r"|(?P<num>(?:[+-]|\+[ \t]+)?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:\.\d+)?(?:万元|元|笔|件|条|个|项)?)"
    r"|(?P<null>(?<![^\s|])(?:--|——|—|-|/|－|–|无)(?![^\s|]))"
    r"|(?P<pipe>\|)"
    r"|(?P<nl>\n)"
    # Spaces are no token: tokenize skipped them, so the scan steps over them in C (no branch starts with one).
    # label text: a run of characters none of the branches above can start with reads as one token (the same
    # as one token per character, see tokenize); any other character but a space alone
    r"|(?P<other>[^(\dOoIlSB〇+\-—/－–无|\n \t\u3000]+|[^ \t\u3000])",
    re.S,
)


_FOLLOW = re.compile(r"[ \t]*(.?)", re.S)
_SIGN_APART = re.compile(r"^\+[ \t]+")


@dataclass
class Row:
    """One table row as printed: its label text (whitespace removed, folded) and its number atoms."""

    label: str
    label_start: int
    line: int
    atoms: list[Atom] = field(default_factory=list)

    lead: list[Atom] = field(default_factory=list)    # blank `| |` cells between the label and the first number
    trail: list[Atom] = field(default_factory=list)   # blank cells after the last number

    @property
    def has_cells(self) -> bool:
        return bool(self.atoms)

    def cells_for(self, n: int) -> list[Atom]:
        """The printed cells for a row of n columns. A pipe row that prints fewer numbers than columns has a
        blank first or last cell (`| 规章 |  | 1 | 12 |`); those blanks count when they sit on one side only:
        blanks on both sides may be a merged label column or header padding, so nothing is guessed."""
        missing = n - len(self.atoms)
        if missing <= 0 or not all(a.explicit for a in self.atoms):
            return self.atoms
        if self.lead and not self.trail and len(self.lead) >= missing:
            return self.lead[-missing:] + self.atoms
        if self.trail and not self.lead and len(self.trail) >= missing:
            return self.atoms + self.trail[:missing]
        return self.atoms


@dataclass
class Regions:
    t2: tuple[int, int] | None
    t3: tuple[int, int] | None
    t4: tuple[int, int] | None


_T2_START = re.compile(r"第二十条\s*第")
_T3_START = re.compile(r"收到和处理政府信息公开申请|勾稽关系|申请人情况|本年新收政府信息公开申请")
_T3_FORWARD = re.compile(r"结转下年度")
_T4_HEAD = re.compile(r"行政复议\s*、\s*行政诉讼情况|政府信息公开行政法?复议")
_T4_COLS = re.compile(r"结果维持|结果纠正|其他结果|尚未审结")
_T4_END = re.compile(r"[五六][、.]|存在的?主要问题|存在问题|其他需要报告")


def find_regions(folded: str) -> Regions:
    """Character ranges of Tables 2, 3 and 4 (None where a table is absent)."""
    m2 = _T2_START.search(folded)
    t2_start = m2.start() if m2 else None
    m3 = _T3_START.search(folded, t2_start or 0)
    t3_start = m3.start() if m3 else None
    t2 = (t2_start, t3_start if t3_start is not None else min(len(folded), t2_start + 3000)) if t2_start is not None else None
    t3 = t4 = None
    if t3_start is not None:
        mf = _T3_FORWARD.search(folded, t3_start)
        after = mf.end() if mf else t3_start
        cands = [m.start() for m in (_T4_HEAD.search(folded, t3_start), _T4_COLS.search(folded, after)) if m]
        t4_start = min(cands) if cands else None
        t3 = (t3_start, t4_start if t4_start is not None else min(len(folded), t3_start + 6000))
        if t4_start is not None:
            me = _T4_END.search(folded, t4_start + 12)
            t4_end = me.start() if me else len(folded)
            t4 = (t4_start, min(t4_end, t4_start + 2500))
    return Regions(t2, t3, t4)


def _lines(folded: str, start: int, end: int) -> list[tuple[int, int]]:
    out, pos = [], start
    while pos < end:
        nl = folded.find("\n", pos, end)
        stop = end if nl < 0 else nl
        out.append((pos, stop))
        pos = stop + 1
    return out


_LONE_NUMBER = re.compile(r"^\|?\s*[+-]?\d[\d,]*(?:\.\d+)?(?:万元|元)?\s*\|?$")
_HAS_NUMBER = re.compile(r"\d")
_ORDINAL_LINE = re.compile(r"^\d{1,2}\s*[.、]$")


def is_flow(folded: str, start: int, end: int) -> bool:
    """One cell per line, or the whole table on very few long lines: newlines do not end rows.

    One cell per line shows as `x |` lines (a flattened HTML table) or as lines that hold one number and
    nothing else (Word-HTML scraped text): when most number-bearing lines are a lone number, a row is a label
    and the numbers that follow it, however many lines they take."""
    lines = [folded[a:b].strip() for a, b in _lines(folded, start, end)]
    return _flow(lines, lambda: lone_number_layout([l for l in lines if l]))


def _flow(stripped: list[str], lone) -> bool:
    """is_flow over the region's stripped lines; `lone()` tells lone_number_layout of the non-empty ones."""
    lines = [l for l in stripped if l]
    if not lines:
        return False
    single = sum(1 for l in lines if l.endswith("|") and not l.startswith("|"))
    single += sum(1 for l in lines if set(l) == {"|"})
    if single >= 0.5 * len(lines):
        return True
    if lone():
        return True
    return any(len(l) > 300 for l in lines)


def lone_number_layout(lines: list[str]) -> bool:
    """Most lines that carry a number carry that number alone: one printed cell per line."""
    # A row number (1. 2、) in front of a label is label text, not a printed number.
    # (a line without any digit has none once its row numbers are cut either: the cut is skipped there)
    numbered = [l for l in lines if _HAS_NUMBER.search(l) and _HAS_NUMBER.search(_ORDINAL.sub("", l))
                and not _ORDINAL_LINE.match(l)]
    lone = sum(1 for l in numbered if _LONE_NUMBER.match(l))
    return len(numbered) >= 3 and lone >= 0.8 * len(numbered)


def _alone_on_line(folded: str, a: int, b: int) -> bool:
    ls = folded.rfind("\n", 0, a) + 1
    le = folded.find("\n", b)
    le = len(folded) if le < 0 else le
    return not folded[ls:a].strip(" \t\u3000|") and not folded[b:le].strip(" \t\u3000|")


def tokenize(folded: str, start: int, end: int, flow: bool | None = None) -> list[Row]:
    """Rows (label + number atoms) of the table in folded[start:end]."""
    spans = _lines(folded, start, end)
    stripped = [folded[a:b].strip() for a, b in spans]
    lone_layout = lone_number_layout([l for l in stripped if l])
    if flow is None:
        flow = _flow(stripped, lambda: lone_layout)
    # Ordinal digits (the 2 of "2.其他法律…") become label characters before numbers are read (_ORDINAL has
    # no look-behind and its look-ahead ends at `end` either way: the region alone gives the same matches).
    seg = _ORDINAL.sub(lambda m: "§" * len(m.group()), folded[start:end])

    rows: list[Row] = []
    cur: Row | None = None
    label_parts: list[str] = []
    line_no = 0
    # whether each line (numbered as line_no counts them) is noise; every token but a newline lies on one line
    noise_lines = [_NOISE.match(folded[a:b]) is not None for a, b in spans]

    has_pipes = "|" in seg
    pending: list[Atom] = []
    prev_pipe, last_pipe = False, start

    def close():
        nonlocal cur, label_parts
        if cur is not None and cur.atoms:
            cur.trail = list(pending)
        pending.clear()
        if cur is not None:
            cur.label = "".join(label_parts)
            if cur.label or cur.atoms:
                rows.append(cur)
        cur, label_parts = None, []

    prev_sep = True   # the previous meaningful token was a separator ('|', newline, start)
    for m in _TOKEN.finditer(seg):
        kind = m.lastgroup
        if kind == "nl":
            line_no += 1
            prev_pipe = False
            if not flow:
                close()
            prev_sep = True
            continue
        pos = start + m.start()
        if kind == "note" or noise_lines[line_no]:
            continue
        if kind == "pipe":
            # In pipe rows an empty cell between two numbers is a blank (null) cell; blanks at the row's end are
            # padding from merged headers and are dropped when the row closes.
            if not flow and prev_pipe and cur is not None and cur.atoms:
                pending.append(Atom("", last_pipe + 1, last_pipe + 1, explicit=True))
            elif not flow and prev_pipe and cur is not None and label_parts:
                cur.lead.append(Atom("", last_pipe + 1, last_pipe + 1, explicit=True))
            prev_sep, prev_pipe, last_pipe = True, True, pos
            continue
        prev_pipe = False
        if kind == "ocr" and not any(ch.isdigit() for ch in m.group()) and len(m.group()) > 1:
            kind = "other"        # a word of letters (`IS`, `BO`), not a misread number
        if kind in ("num", "null", "ocr"):
            if cur is None:
                cur = Row("", pos, line_no)
            end_at = start + m.end()
            text = folded[pos:end_at]
            cur.atoms.extend(pending)
            pending.clear()
            if kind == "ocr":
                cur.atoms.append(Atom(ocr_digits(text), pos, end_at, explicit=True, ocr=text))
            else:
                if text[:1] == "+":
                    text = _SIGN_APART.sub("+", text)
                # In one-cell-per-line text a number alone on its line is a whole printed cell; so is a number
                # alone between '|' (or '|' and the line end): never cut either.
                alone = lone_layout and _alone_on_line(folded, pos, end_at)
                explicit = alone or (has_pipes and prev_sep and _FOLLOW.match(seg, m.end()).group(1) in ("|", "\n", ""))
                cur.atoms.append(Atom(text, pos, end_at, explicit=bool(explicit), alone=alone))
            prev_sep = False
            continue
        # label characters: a run of them does what its first does, then only adds to the label
        pending.clear()
        if cur is not None and cur.atoms:
            close()
        if cur is not None:
            cur.lead.clear()        # blanks between two label cells are merged label columns, not data
        if cur is None:
            cur = Row("", pos, line_no)
        label_parts.append(folded[pos:start + m.end()])
        prev_sep = False
    close()
    return rows

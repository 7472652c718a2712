"""Regex spans for the label set (COUNT, MONEY, PERCENT, DATE, DOC_NO, DOC_TITLE) on normalized text.

Input is the NORMALIZED text (ASCII digits, Chinese punctuation kept). The rules propose spans for
pre-annotation and serve as a fallback tagger; the boundary conventions are those of
annotations/GUIDELINES.md (approximators 余/多 and the unit belong to a COUNT, leading 共/全年/约 do not;
a DOC_NO carries its agency prefix and 号; a DOC_TITLE carries its 《》).

Overlaps resolve by type priority (DOC_TITLE > DOC_NO > DATE > MONEY > PERCENT > COUNT), then by length:
a date inside a title or a year inside a 文号 is part of the bigger span, never a span of its own.
"""
from __future__ import annotations

import re

from ie.fastre import Fast
from ie.models import Entity

# --- number pieces -----------------------------------------------------------------------------------
_ARABIC = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_CN_DIGITS = "〇○零一二三四五六七八九十百千万两"
# A Chinese number starts with a digit or 十 (万元/百姓/千家万户 alone are not numbers).
_CN_NUM = rf"[〇○零一二三四五六七八九十两][{_CN_DIGITS}]*"
_MULT = r"[十百千万亿]"
_APPROX = r"[余多]"
# A number may not continue a token: digits/letters/dots/dashes/slashes before it mean a URL, phone
# number, index number (索引号 430S00/2019-16845) or a decimal we matched from the middle.
_NOT_AFTER_TOKEN = r"(?<![\dA-Za-z._/\-—])"
_NUMBER = rf"{_NOT_AFTER_TOKEN}{_ARABIC}(?:{_MULT}{{1,2}})?{_APPROX}?(?:{_MULT})?{_APPROX}?"
_CN_NUMBER = rf"(?<![{_CN_DIGITS}第届])(?:{_CN_NUM}){_APPROX}?"

# Counting units, longest first so that 人次 wins over 人 and 个次 over 个.
_UNITS = [
    "人次", "件次", "个次", "条次", "场次", "批次", "篇次", "期次", "户次", "次数",
    "条", "件", "个", "次", "场", "期", "篇", "项", "家", "人", "份", "类", "批", "起", "封",
    "例", "户", "名", "位", "张", "册", "本", "座", "所", "处", "套", "台", "幅", "轮", "部门",
]
_UNITS.remove("次数")
_UNITS.remove("部门")
_UNIT = "(?:" + "|".join(_UNITS) + ")"
# Unit characters that start another word: 个人/个别/个性, 项目, 条例/条件, 人民/人大/人员, 件数 is fine,
# 次性 (一次性), 三类内部事务/四类过程性 (Table 3 category names), 家庭, 期间/期限, 位置, 所有/所属, 处理/处罚, 本年/本级, 类别/类型, 部分.
_UNIT_NOT_BEFORE = r"(?!内部事务|过程性|(?<=个)季度|人|别|性|体|工作日|月|小时|百分点|目|例|件|款|规定|民|大|员|口|庭|间|限|称|义|置|有|属|理|罚|室|年|级|别|型|办)"
# After a unit: an optional alternative unit in brackets, 60篇(条).
_ALT_UNIT = r"(?:[(（][条篇件个次项][)）])?"

# PDF text may wrap between a number and its unit (会议 7\n期).
_COUNT_RE = re.compile(rf"(?<!第)(?:{_NUMBER})\n?{_UNIT}{_UNIT_NOT_BEFORE}{_ALT_UNIT}")
# Chinese-numeral counts: a lone 一 is skipped (一批, 一次性, 一个重要…); 届 before the number is a
# session (四届三次会议), 第 an ordinal.
_CN_COUNT_RE = re.compile(rf"(?<!第){_CN_NUMBER}{_UNIT}{_UNIT_NOT_BEFORE}{_ALT_UNIT}")

_MONEY_RE = re.compile(rf"(?:{_NUMBER}|(?<![{_CN_DIGITS}]){_CN_NUM})(?:万|亿|千)?元")
_PERCENT_RE = re.compile(rf"{_NOT_AFTER_TOKEN}{_ARABIC}\s?[%％]|百分之[{_CN_DIGITS}点]+")

# --- dates -----------------------------------------------------------------------------------------
_CN_YEAR_DIGITS = "〇○O零一二三四五六七八九"
_CN_SMALL = "一二三四五六七八九十"
_DATE_PATTERNS = [
    # 2019-03-22, 2019-03-22 17:29, 2019-03-22 17:29:21, 2019/3/22, 2019.3.22
    rf"{_NOT_AFTER_TOKEN}(?:19|20)\d\d([-/.])\d{{1,2}}\1\d{{1,2}}(?:\s\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?(?![\d])",
    # 2018年1月1日, 2018年12月, 2018年, 2018年度; month ranges 2018年1-6月
    rf"{_NOT_AFTER_TOKEN}(?:19|20)\d\d\s?年(?:度|底|末|初|\s?\d{{1,2}}\s?(?:[-—至]\s?\d{{1,2}}\s?)?月(?:份|底|末|初|\s?\d{{1,2}}\s?[日号])?)?",
    # 3月15日, 12月, 今年5月 → 5月 (month of the report's year); 年底/年末/年初 belong to the date
    rf"(?<!\d)\d{{1,2}}月(?:份|底|末|初|\d{{1,2}}[日号])?",
    # 二○一三年一月二十日, 二〇一三年一月
    rf"[{_CN_YEAR_DIGITS}]{{4}}年(?:度|[{_CN_SMALL}]{{1,2}}月(?:[{_CN_SMALL}]{{1,3}}日)?)?",
]
_DATE_RE = re.compile("|".join(f"(?:{p})" for p in _DATE_PATTERNS))

# --- document numbers and titles -----------------------------------------------------------------
_OPEN = r"[〔﹝\[【(（]"
_CLOSE = r"[〕﹞\]】)）]"
_AGENCY = r"[\u4e00-\u9fff]{1,12}"
_DOC_NO_RE = re.compile(
    rf"{_AGENCY}{_OPEN}\s*(?:19|20)\d\d\s*{_CLOSE}\s*第?\s*\d+\s*号"
    rf"|[\u4e00-\u9fff]{{0,8}}令\s*第\s*\d+\s*号"
)
# Words that end up in front of an agency abbreviation when a 文号 is not in brackets; trimmed off.
_LEADING_WORDS = re.compile(r"^.*?(?:根据|按照|依据|依照|印发了?|转发|执行|落实|贯彻|参照|对照|结合|出台|制定|下发|详见|见|和|及|与|的)")
# PDF text wraps long titles over a line break; a title is still at most ~100 characters.
_DOC_TITLE_RE = re.compile(r"《(?:[^《》]|《[^《》\n]*》){1,100}》")

_PRIORITY = {"DOC_TITLE": 0, "DOC_NO": 1, "DATE": 2, "MONEY": 3, "PERCENT": 4, "COUNT": 5}


def _doc_no_start(text: str, start: int, end: int) -> int:
    """Trim words before the agency prefix (按照国办发〔2019〕60号 → 国办发〔2019〕60号)."""
    head = re.match(rf"{_AGENCY}", text[start:end])
    if head is None:
        return start
    m = _LEADING_WORDS.match(head.group())
    if m and m.end() < len(head.group()):
        return start + m.end()
    return start


def _table_wrap(text: str, start: int, end: int) -> bool:
    """The last number of a table row (it follows another number on its line: `不予公开 0 0 0`) is not a count
    wrapped over a line break, whatever starts the next line (a vertical row header split into single
    characters: 本/年/度…)."""
    line_start = text.rfind("\n", 0, start) + 1
    return re.search(r"\d[ \t]+$", text[line_start:start]) is not None


# --- fast search ---------------------------------------------------------------------------------
# Most patterns above start with a look-behind, so Python's re tries them at every character of a report; every
# match starts with a digit or a Chinese numeral, and ie.fastre searches them from those only (same spans).

# _DATE_RE without its back-reference (a look-behind may not hold one): the same separator twice, spelled out
_DATE_NO_BACKREF = "|".join(f"(?:{p})" for p in [
    _DATE_PATTERNS[0].replace(r"([-/.])\d{1,2}\1", r"(?:-\d{1,2}-|/\d{1,2}/|\.\d{1,2}\.)"), *_DATE_PATTERNS[1:]])
_FAST = {"DATE": Fast(re.compile(_DATE_NO_BACKREF)), "MONEY": Fast(_MONEY_RE), "PERCENT": Fast(_PERCENT_RE),
         "COUNT": Fast(_COUNT_RE), "CN_COUNT": Fast(_CN_COUNT_RE)}
# Every 文号 match holds, 1–12 characters after its start, a bracketed year up to 号 (the first branch after its
# agency), or 0–8 characters after it 令第N号: only the 13 starts before each such anchor are tried, in order,
# which finds finditer's matches (its agency prefix tried at every CJK character cost more than all other rules).
_DOC_NO_ANCHOR = Fast(re.compile(rf"{_OPEN}\s*(?:19|20)\d\d\s*{_CLOSE}\s*第?\s*\d+\s*号|令\s*第\s*\d+\s*号"))
_DOC_NO_REACH = 12


def _doc_no_spans(text: str) -> list[tuple[int, int]]:
    """`[m.span() for m in _DOC_NO_RE.finditer(text)]`."""
    out: list[tuple[int, int]] = []
    pos = 0
    for anchor in _DOC_NO_ANCHOR.starts(text):
        if anchor < pos:
            continue
        for q in range(max(pos, anchor - _DOC_NO_REACH), anchor + 1):
            m = _DOC_NO_RE.match(text, q)
            if m:
                out.append(m.span())
                pos = m.end()
                break
    return out


_LONE_YI = re.compile(rf"一[{_CN_DIGITS}]")


def _candidates(text: str) -> list[Entity]:
    out: list[Entity] = []

    def add(label: str, s: int, e: int) -> None:
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append(Entity(label, s, e, text[s:e], None, "rule"))

    for m in _DOC_TITLE_RE.finditer(text):
        add("DOC_TITLE", m.start(), m.end())
    for s, e in _doc_no_spans(text):
        add("DOC_NO", _doc_no_start(text, s, e), e)
    for label in ("DATE", "MONEY", "PERCENT"):
        for s, e in _FAST[label].spans(text):
            add(label, s, e)
    for s, e in _FAST["COUNT"].spans(text):
        if "\n" in text[s:e] and _table_wrap(text, s, e):
            continue
        add("COUNT", s, e)
    for s, e in _FAST["CN_COUNT"].spans(text):
        if text.startswith("一", s) and not _LONE_YI.match(text, s, e):
            continue   # lone 一: 一批, 一次性, 一个 — idiom far more often than a count
        add("COUNT", s, e)
    return out


def find_entities(text: str) -> list[Entity]:
    """Non-overlapping rule spans sorted by start; source="rule", score None."""
    chosen: list[Entity] = []
    taken = [False] * (len(text) + 1)
    for ent in sorted(_candidates(text), key=lambda e: (_PRIORITY[e.label], -(e.end - e.start), e.start)):
        if any(taken[ent.start:ent.end]):
            continue
        for i in range(ent.start, ent.end):
            taken[i] = True
        chosen.append(ent)
    return sorted(chosen, key=lambda e: (e.start, e.end))

"""Which kind of report this is, and where its sections are.

Both functions work on the raw corpus text and on the normalized text: matching runs on a one-to-one folded
copy (Kangxi radicals, full-width forms), so offsets stay those of the text given.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ie.fastre import Fast
from ie.models import Section
from ie.tables.cells import fold

_GOV2021 = re.compile(r"本年制发件数|本年废止件数|现行有效件数|逾期未按收费通知|本年处理决定数量")
_GOV2019 = re.compile(r"本年新制作数量|本年新公开数量|对外公开总数量|采购项目数量|采购总金额|上一年项目数量")
# Prose reports of 2014–2018 mention 政府集中采购 in their text; only with a report year of 2019 on (or none
# known) is the word a sign of the 2019 Table 2 row （九）.
_PROCUREMENT = re.compile(r"政府集中采购")
_SIX_OTHER = re.compile(r"逾期不补正|逾期不缴费|逾期未按收费")


@lru_cache(maxsize=8)
def _compact_fold(text: str) -> str:
    """fold(text) without whitespace (headers are matched across Word-HTML line breaks); memoized for the last
    few texts, which the template and the report evidence each ask for."""
    # str.split() cuts at str.isspace characters, which is what \s matches (Py_UNICODE_ISSPACE both): the same
    # text as re.sub(r"\s+", ""), in a third of the time
    return "".join(fold(text).split())


@lru_cache(maxsize=16)
def template_by_headers(text: str, year: int | None = None) -> str | None:
    """'gov2021' / 'gov2019' when the national tables' headers are printed, else None (memoized: the
    extraction asks three times per report)."""
    f = _compact_fold(text)
    n21 = len(_GOV2021.findall(f)) + (2 if _SIX_OTHER.search(f) else 0)
    n19 = len(_GOV2019.findall(f))
    if year is None or year >= 2019:
        n19 += len(_PROCUREMENT.findall(f))
    if n21 == 0 and n19 == 0:
        # A flattened 23-row Table 3 without Table 2 headers is still the 2019 format.
        if "本年新收政府信息公开申请数量" in f and "结转下年度继续办理" in f:
            return "gov2019"
        return None
    return "gov2021" if n21 >= n19 and n21 > 0 else "gov2019"


def template_by_year(year: int | None) -> str:
    """The format in force for the reports of `year`: the 2019 tables from the reports for 2019, the 2021 ones
    from the reports for 2021; prose before (and when the year is unknown)."""
    if year is None or year <= 2018:
        return "prose"
    return "gov2019" if year <= 2020 else "gov2021"


def detect_template(text: str, year: int | None = None) -> str:
    """'gov2021', 'gov2019' or 'prose': the headers of Tables 2 and 3 tell the two national formats apart
    (SCHEMA.md); without them the report's year decides."""
    return template_by_headers(text, year) or template_by_year(year)


_ORD = "一二三四五六七八九十"
_STANDARD = "总体情况|主动公开政府信息情况|收到和处理政府信息公开申请情况|政府信息公开行政(?:法)?复议|存在的主要问题|其他需要报告"
# A heading starts a line or follows a pause; a standard 2019/2021 heading is also found glued to a table.
_HEADING = re.compile(
    rf"(?:(?:^|(?<=[\n。\s]))\s*([{_ORD}]{{1,2}})\s*[、.]\s*|([{_ORD}])、(?=(?:{_STANDARD})))(?=([^\n]{{0,60}}))")
_HEADING_FAST = Fast(_HEADING)      # tried only at spaces and ordinals (ie.fastre), not at every character
_TAIL_STOP = re.compile(rf"[。；;]|[{_ORD}]、")
# Section keys by the words of their heading, most specific first.
_KEYS = (
    ("problems", re.compile(r"存在的?主要问题|问题及改进|问题和改进|存在问题|主要问题")),
    ("other", re.compile(r"其他需要报告|其他.{0,4}报告")),
    ("fees", re.compile(r"收费及减免|收取费用|收费情况|收费和减免")),
    ("review_litigation", re.compile(r"行政复议|行政诉讼|复议、")),
    ("applications", re.compile(r"依申请|收到和处理|政府信息公开申请")),
    ("proactive", re.compile(r"主动公开")),
    ("overview", re.compile(r"总体情况|概述|基本情况|工作情况|工作开展")),
    ("statistics", re.compile(r"统计表")),
)
# Table 3 row labels start like headings (一、本年新收…); they are not sections.
_NOT_HEADING = re.compile(r"本年新收|上年结转|本年度办理结果|结转下年度|申请数量")


def split_sections(text: str) -> list[Section]:
    """Top-level sections (一、总体情况 … 六、其他需要报告的事项) in order; text before the first is 'preamble'."""
    f = fold(text)
    heads: list[tuple[int, str, str]] = []
    last_ord = 0
    for m in _HEADING_FAST.finditer(f):
        num = m.group(1) or m.group(2)
        ordinal = _ORD.index(num[-1]) + 1 if len(num) == 1 else 10 + _ORD.index(num[-1]) + 1
        tail = m.group(3)
        cut = _TAIL_STOP.search(tail)
        tail = tail[: cut.start()] if cut else tail
        if _NOT_HEADING.search(tail[:20]):
            continue
        key = next((k for k, rx in _KEYS if rx.search(tail[:30])), None)
        if key is None and ordinal == 1 and not heads:
            key = "overview"     # 一、 opens the report whatever its words (一、落实省政务公开工作要点情况)
        if key is None:
            continue
        if ordinal <= last_ord:
            continue
        # The heading is the line, or in scraped one-line text the words up to the first pause.
        end_word = re.search(r"情况|事项|措施|概述|建议", tail[:40])
        stop = re.search(r"[。，,:：\n]|\s{1}(?=\S)", tail)
        if end_word and (not stop or end_word.end() <= stop.start() or stop.start() < 3):
            heading = tail[: end_word.end()].strip()
        else:
            heading = (tail[: stop.start()] if stop else tail[:30]).strip()
        start = m.start(1) if m.group(1) else m.start(2)
        heads.append((start, key, f[start:m.start(3)] + heading))
        last_ord = ordinal
    sections: list[Section] = []
    if not heads or heads[0][0] > 0:
        sections.append(Section("preamble", "", 0, heads[0][0] if heads else len(text)))
    for i, (start, key, heading) in enumerate(heads):
        end = heads[i + 1][0] if i + 1 < len(heads) else len(text)
        sections.append(Section(key, text[start:start + len(heading)], start, end))
    return sections


# ------------------------------------------------------------------------------------------ is it a report?

# Sections only an annual disclosure report has (一、 opens any document, so 'overview' does not count).
_REPORT_SECTION_KEYS = frozenset({"proactive", "applications", "review_litigation", "fees", "problems"})
# A provincial statistics table of the prose era (指标名称 | 计量单位 | 本年度 | 历年累计).
_STAT_TABLE = re.compile(r"主动公开(?:政府)?信息数|依申请公开(?:政府)?信息(?:总)?数|对申请的答复总?数|受理(?:政府信息公开)?申请(?:总)?数")


@dataclass
class ReportEvidence:
    """What makes a text an annual disclosure report: its title, its report sections, its tables."""

    title: str | None
    section_keys: list[str]
    tables: str | None       # 'gov2019' / 'gov2021' headers, 'statistics' for a 统计表, None
    chinese: bool = True     # mostly Chinese text (a README or other markup about reports is mostly not)

    @property
    def is_report(self) -> bool:
        # Any one suffices: a scraped report may lose its title, a prose report has no national tables, and a
        # short bureau report may print only two or three sections. Three report sections are required where
        # nothing else speaks for the text, since a notice about disclosure work can carry one or two. Without
        # a title, a text that is mostly not Chinese (a README describing reports) is not one, whatever it quotes.
        if self.title:
            return True
        return self.chinese and bool(self.tables or len(self.section_keys) >= 3)

    def why_not(self) -> str:
        if not self.chinese:
            return "no report title, and the text is mostly not Chinese (a README or notes about reports?)"
        found = f"only the section(s) {', '.join(self.section_keys)}" if self.section_keys else "no report sections"
        return f"no report title (…年政府信息公开工作年度报告), {found}, no disclosure tables"


def report_evidence(text: str, title: str | None) -> ReportEvidence:
    keys = sorted({s.key for s in split_sections(text)} & _REPORT_SECTION_KEYS)
    tables = template_by_headers(text)
    if tables is None and _STAT_TABLE.search(_compact_fold(text)):
        tables = "statistics"
    return ReportEvidence(title, keys, tables, _mostly_chinese(text))


_NOT_CJK = re.compile(r"[^\u4e00-\u9fff]+")
_NOT_LATIN = re.compile(r"[^A-Za-z]+")


def _mostly_chinese(text: str) -> bool:
    """More CJK characters than Latin letters (URLs and e-mail addresses in a report do not come close).
    Counted as what is left once the others are cut out (no list of every character)."""
    latin = len(_NOT_LATIN.sub("", text))
    # A report has few Latin letters: CJK characters of a prefix often outnumber them already (a lower bound
    # of the count, so the answer is the same), and the whole text is counted only where they do not.
    head = text[:4 * latin + 200]
    if len(_NOT_CJK.sub("", head)) >= latin:
        return True
    return len(head) < len(text) and len(_NOT_CJK.sub("", text)) >= latin

"""Prose counts: which COUNT/MONEY span states which `prose.*` field, by the words around it.

A count is taken only where a cue phrase ends right before the number in the same clause
(`收到政府信息公开申请8件`, `行政复议案件7件`), or, for the number-first wording, where a receiving or publishing
verb ends right before it and the noun follows (`共收到20份依申请公开`, `我局公开356条政务信息`). Loose "cue
somewhere in the sentence" matching picks channel counts and parts that the report does not state as the total.
Precision matters more than recall: a field left out costs less than a wrong number, so every class of
statement about something else is rejected by name —
- cumulative figures (`累计主动公开…1568条`, `近3年共受理…`, `历年`), except the year's own `全年累计`/`2025年，累计`;
- parts of a total (`其中县直…`, `自然人申请…`), except a year's figure after a cumulative one (`其中2019年度我局共…`)
  and the proactive share of all information made (`制作、获取政府信息总数M条，其中主动公开政府信息N条`);
- channel counts (`微信公众号发布信息N条`), one channel of several listed;
- `依申请公开N条` as an attribute of the information made (beside 不予公开/制作/获取), not applications received;
- other business (`受理公安业务N件`, `12345…受理有效诉求件N件`): their words are not disclosure cues at all.
Clauses end at `，。；：` but not at `、`, which joins the parts of one subject (`公民、法人和其他组织`); a cue's
filler never holds a digit, so an enumeration (`当面申请12件、网上申请15件`) never reaches back over a number.
"""
from __future__ import annotations

import re

from ie.fastre import Fast
from ie.models import Entity, Evidence, Issue
from ie.numbers import parse_money, parse_number

PROSE_FIELDS = ("proactive_total", "applications_received", "reviews", "lawsuits", "complaints", "fees_yuan")

# Newlines are not boundaries: PDF and comparison-tool texts wrap lines inside a sentence.
_CLAUSE_END = "。；;！？!?，,：:"
_SENT_END = "。！？!?"

_FILL = r"[^\d，,。；;：:复诉]"          # what may stand between a verb and its noun: never a number
_RECEIVE = r"(?:收到|受理|接收|接到|办理|收办|新收)"
_CUES: dict[str, re.Pattern] = {
    "proactive_total": re.compile(
        r"(?:主动(?:向社会(?:公众)?)?(?:公开|发布|公布)(?:" + _FILL + r"{0,60}?等)?|共公布)"
        r"(?:各类)?(?:政府)?(?:信息|文件)(?:总?数(?:量)?)?(?:共|累计)?(?:为|达)?$"),
    "applications_received": re.compile(
        rf"(?:{_RECEIVE}{_FILL}{{0,24}}?申请(?:案件|事项|件数|件)?(?:共计?|总数|数量)?(?:为|有|达)?"
        rf"|{_RECEIVE}{_FILL}{{0,24}}?申请公开{_FILL}{{0,10}}?的?(?:要求|请求)(?:共计?)?"
        rf"|{_RECEIVE}{_FILL}{{0,6}}?依申请公开(?:政府信息)?(?:申请)?(?:共计?|为)?"
        r"|(?P<bare>依申请公开)(?:政府信息)?(?:申请)?(?:共|为)?)$"),
    "reviews": re.compile(r"行政复议(?:案件|申请|案)?(?:共|有|为)?$"),
    "lawsuits": re.compile(r"行政诉讼(?:案件|案)?(?:共|有|为)?$"),
    "complaints": re.compile(r"(?:举报|投诉|申诉)(?:案件)?(?:共|有|为)?$"),
    "fees_yuan": re.compile(r"(?:收取|收费|费用|处理费)[^，,。；]{0,12}?(?:共|为|合计)?$"),
}
# Number first, noun after: (left cue, right cue).
_NUMBER_FIRST: dict[str, tuple[re.Pattern, re.Pattern]] = {
    "applications_received": (
        re.compile(rf"{_RECEIVE}(?:了)?(?:各类)?(?:共计?)?$"),
        re.compile(r"(?:政府)?信息公开(?:的)?申请|依申请公开(?:政府信息)?(?:的)?(?:申请)?(?![^。；，,]{0,6}(?:复议|诉讼))")),
    "proactive_total": (
        re.compile(r"(?:我局|本局|我委|我办|本单位|我单位|本机关|全年|今年|本年度?)(?:共)?(?:主动)?公开(?:了)?$"),
        re.compile(r"(?:政府|政务)信息")),
}
# Left-context words that make a match a part or a channel rather than the yearly total.
_NOT_TOTAL = {
    "proactive_total": re.compile(r"其中|各单位|各乡镇|各部门|区直|县直|市直|其他|应主动"),
    "applications_received": re.compile(r"其中.{0,4}$|(?<![、和])(?:自然人|法人)"),
    "reviews": re.compile(r"纠错|败诉"),
    "lawsuits": re.compile(r"纠错|败诉"),
    "complaints": re.compile(r"$^"),
    "fees_yuan": re.compile(r"行政事业性"),
}
# 其中 that introduces the year's own figure (after a cumulative one) or the proactive share of all information
# made: no qualifier between 其中 and the cue, so it is not a part of a total of the same thing.
_YEAR_AFTER_QIZHONG = re.compile(r"^其中(?:(?:19|20)\d\d年度?)?(?:我局|本局|我委|我办|本单位|我单位|本机关|全年|本年度?)?共?")
# Channels: a count for one of them is not the total.
_CHANNEL = re.compile(r"微信|微博|公众号|客户端|头条|抖音|新媒体|公开栏|电子屏")
# Figures over more than the year.
_MULTI_YEAR = re.compile(r"历年|近(?:\d+|[两三四五六七八九十])年|\d{4}年以来|成立以来")
_YEAR_BEFORE_TOTAL = re.compile(r"(?:全年|本年度?|今年|当年|(?:19|20)\d\d年度?)[，,]?$")
# The information made, broken down by attribute (主动公开 N、依申请公开 M、不予公开 K).
_ATTRIBUTE_LIST = re.compile(r"制作|制发|获取|不予公开|免予公开|信息数|占")
# The same clause must talk about information disclosure (not e.g. 信访 or a 12345 hotline).
_TOPIC = re.compile(r"信息|公开|申请|政务")
# A second "发布/公开信息N条" later in the sentence: the first count is one channel among several.
_CHANNEL_NEXT = re.compile(r"(?:发布|公开)(?:政府)?信息\d[\d.]*[万千]?[余多]?条")
_UNITS = {"proactive_total": "条件篇", "applications_received": "件条个份", "reviews": "件起宗个",
          "lawsuits": "件起宗个", "complaints": "件起宗个次"}

# "None happened" statements: the field is 0, with rule evidence on the phrase.
_NEG = r"(?:未|没有|无|不存在|尚未)(?:收到|受理|接到|发生|出现|有|因)"
_ZERO: dict[str, re.Pattern] = {
    "applications_received": re.compile(
        r"(?:未|没有|尚未)(?:收到|受理|接到|发生)(?:[^复诉因。；，,]{0,20}?)申请(?![^。；，,]{0,12}(?:复议|诉讼))"),
    "reviews": re.compile(_NEG + r"[^。；]{0,40}?行政复议(?![^。；，,]{0,4}(?:纠错|败诉))"
                          r"|行政复议(?:案件)?(?:为|数为)?(?:无|零|0件)"),
    "lawsuits": re.compile(_NEG + r"[^。；]{0,40}?(?:行政)?诉讼(?![^。；，,]{0,4}(?:纠错|败诉))"
                           r"|诉讼(?:案件)?(?:为|数为)?(?:无|零|0件)"),
    "complaints": re.compile(_NEG + r"[^。；]{0,40}?(?:举报|投诉|申诉)"
                             r"|(?:举报|投诉)(?:案件)?(?:为|数为)?(?:无|零|0件)"),
    "fees_yuan": re.compile(r"(?:暂?未|暂?不|没有|无|未曾)(?:向[^。；，,]{0,20}?)?(?:收取|产生|发生)[^。；]{0,20}?费"
                            r"|暂?不(?:予)?收费|未收费|免收[^。；]{0,10}?费|无[^。；，,]{0,12}?收费"),
}
# searched from their first characters only (未/无/行…): the same matches, without a try at every character
_ZERO_FAST = {fld: Fast(pat) for fld, pat in _ZERO.items()}
# A heading that lists the matters, then "none of the above" (有关…行政复议、行政诉讼、行政申诉的情况 无发生上述情况).
_NONE_OF_THE_ABOVE = re.compile(r"([^。；\n]{0,40}?情况)[\s：:]*(?:无|未|没有)(?:发生)?上述情况")
_HEADING_WORDS = {"reviews": "行政复议", "lawsuits": "诉讼", "complaints": "申诉|举报|投诉"}


def _clause_start(text: str, pos: int, stops: str, limit: int = 80) -> int:
    """Just after the last char of `stops` in the `limit` chars before pos (their start when there is none)."""
    lo = max(0, pos - limit)
    m = _last_stop(stops).match(text, lo, pos)      # greedy: the last stop before pos, in one C call
    return m.end() if m else lo


_LAST_STOP: dict[str, re.Pattern] = {}


def _last_stop(stops: str) -> re.Pattern:
    rx = _LAST_STOP.get(stops)
    if rx is None:
        rx = _LAST_STOP[stops] = re.compile("(?s).*[" + re.escape(stops) + "]")
    return rx


def _in_table_line(text: str, pos: int) -> bool:
    """A cell of a flattened table (`| … |`) is the tables' business, not prose."""
    line_start = text.rfind("\n", 0, pos) + 1
    return text[line_start:pos].lstrip().startswith("|")


_SPACES = re.compile(r"\s+")
_REST_STOP = re.compile(r"其中|累计|历年|截至|截止")


def _squash(s: str) -> str:
    return _SPACES.sub("", s)


def _count_value(e: Entity, fld: str, text: str | None = None):
    """The value `e` states for `fld`, or None where it cannot state it (a count in 项/类/人 is none of them).
    A span that stops before its unit (`2` of `2类`, a model boundary slip) is judged by the character after it."""
    if fld == "fees_yuan":
        if e.label != "MONEY":
            return None
        return parse_money(e.text, "元")
    if e.label != "COUNT":
        return None
    unit = re.sub(r"[\d\s.,一二三四五六七八九十百千万亿两〇○零余多]", "", e.text)[:1]
    if not unit and text is not None and e.end < len(text) and "\u4e00" <= text[e.end] <= "\u9fff":
        unit = text[e.end]
    if unit and unit not in _UNITS[fld]:
        return None
    return parse_number(e.text)


class _Context:
    """The words around one span: its clause (to the left), its sentence, and what follows."""

    def __init__(self, text: str, e: Entity):
        self._text, self._e = text, e
        self.start = _clause_start(text, e.start, _CLAUSE_END)
        self.left = _squash(text[self.start:e.start])
        # the sentence and what follows are read only where a cue matched the clause (few spans): on first use
        self._before: str | None = None
        self._right: str | None = None

    @property
    def before(self) -> str:
        if self._before is None:
            e = self._e
            self._before = _squash(self._text[_clause_start(self._text, e.start, _SENT_END, 200):e.start])
        return self._before

    @property
    def right(self) -> str:
        if self._right is None:
            e = self._e
            self._right = _squash(self._text[e.end:e.end + 200].split("。")[0])
        return self._right

    @property
    def rest(self) -> str:
        """What follows in the sentence, up to a 其中 breakdown (its parts are not further channels) or a
        cumulative figure beside the year's (历年累计主动公开…M条 is no second channel)."""
        return _REST_STOP.split(self.right, 1)[0]

    def cumulative(self) -> bool:
        """累计/历年/近3年 in the clause; `全年累计`, `2025年，累计` count the year itself."""
        if _MULTI_YEAR.search(self.left):
            return True
        i = self.before.rfind("累计")
        if i < 0 or i < len(self.before) - len(self.left):
            return False
        return _YEAR_BEFORE_TOTAL.search(self.before[:i]) is None


def _cue_matches(fld: str, ctx: _Context) -> re.Match | None:
    m = _CUES[fld].search(ctx.left)
    if m:
        return m
    pair = _NUMBER_FIRST.get(fld)
    if pair and pair[0].search(ctx.left) and pair[1].match(ctx.right) and not _CHANNEL.search(ctx.left):
        return pair[0].search(ctx.left)
    return None


def _rejected(fld: str, ctx: _Context, m: re.Match) -> bool:
    """Whether a cue match states something other than the field's yearly total."""
    left = ctx.left
    q = _YEAR_AFTER_QIZHONG.match(left)
    if q and fld == "proactive_total" and _CUES[fld].match(left, q.end()):
        left = left[q.end():]
    if _NOT_TOTAL[fld].search(left) or ctx.cumulative():
        return True
    if fld in ("reviews", "lawsuits", "complaints", "fees_yuan") and not _TOPIC.search(ctx.before):
        return True
    if fld == "proactive_total" and _CHANNEL_NEXT.search(ctx.rest):
        return True   # one channel of several listed in the sentence, not the yearly total
    if fld == "applications_received" and m.groupdict().get("bare") \
            and _ATTRIBUTE_LIST.search(re.split(r"[；;]", ctx.before)[-1] + ctx.right[:40]):
        return True   # 依申请公开N条 as an attribute of the information made
    return False


def _count_candidates(text: str, ents: list[Entity], found: dict[str, list]) -> None:
    for e in ents:
        if e.label not in ("COUNT", "MONEY") or _in_table_line(text, e.start):
            continue
        ctx = _Context(text, e)
        for fld in PROSE_FIELDS:
            m = _cue_matches(fld, ctx)
            if m is None or _rejected(fld, ctx, m):
                continue
            n = _count_value(e, fld, text)
            if n is None:
                continue
            ev = span_evidence(text, e.start, e.end, e, approximate=True if n.approximate else None,
                           note=f"cue: {text[ctx.start:e.start].strip()[-20:]}")
            found[fld].append((e.start, n.value, ev))


def _zero_candidates(text: str, found: dict[str, list]) -> None:
    for fld, pat in _ZERO_FAST.items():
        for s, e in pat.spans(text):
            if _in_table_line(text, s):
                continue
            found[fld].append((s, 0, span_evidence(text, s, e, None, note="stated as none")))
    # every match ends in 上述情况; the pattern's lazy 0-40 prefix tried at every position cost more than the
    # rest of the prose stage, so texts without the phrase (nearly all) skip it
    for m in _NONE_OF_THE_ABOVE.finditer(text) if "上述情况" in text else ():
        if _in_table_line(text, m.start()):
            continue
        for fld, words in _HEADING_WORDS.items():
            if re.search(words, m.group(1)):
                found[fld].append((m.start(), 0, span_evidence(text, m.start(), m.end(), None,
                                                           note="heading lists it; none of the above happened")))


def prose_candidates(text: str, ents: list[Entity]) -> dict[str, list[tuple[int, object, Evidence]]]:
    """field -> [(position, value, evidence)] for every statement found, in reading order."""
    found: dict[str, list] = {f: [] for f in PROSE_FIELDS}
    _count_candidates(text, ents, found)
    _zero_candidates(text, found)
    for fld in found:
        found[fld].sort(key=lambda c: c[0])
    return found


def map_prose(text: str, ents: list[Entity]) -> tuple[dict, dict[str, Evidence], list[Issue]]:
    """The first statement of each field in reading order; a later, different one is an `info` issue."""
    prose, evidence, issues = {}, {}, []
    for fld, cands in prose_candidates(text, ents).items():
        if not cands:
            continue
        _, value, ev = cands[0]
        prose[fld] = value
        evidence[f"prose.{fld}"] = ev
        others = sorted({c[1] for c in cands[1:] if c[1] != value})
        if others:
            issues.append(Issue("prose_other_statements", "info",
                                f"prose.{fld}: first statement {value} at {ev.start}-{ev.end} kept; the text also "
                                f"states {', '.join(map(str, others))} with the same cue", [f"prose.{fld}"]))
    return prose, evidence, issues


def span_evidence(text: str, start: int, end: int, e: Entity | None = None, **kw) -> Evidence:
    """Evidence quoting text[start:end]; method `model` only where a model span gave the value."""
    method = e.source if e is not None and e.source == "model" else "rule"
    conf = kw.pop("confidence", None)
    if conf is None and e is not None and e.score is not None:
        conf = float(min(1.0, max(0.0, e.score)))
    return Evidence(start, end, text[start:end], method, confidence=conf, **kw)

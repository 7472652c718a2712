"""Weak field roles: a prose number that equals the same report's table value for a quantity, in a clause about it.

The tables state some prose fields a second time, as cells: the national Table 3 `本年新收…总计` (applications
received), Table 4 `行政复议 总计` (reviews) and the two `行政诉讼 总计` (lawsuits); in the reports before 2019 a
provincial 统计表 (`指标名称 | 计量单位 | 本年度 | 历年累计`) with `主动公开信息数`, `受理…申请总数`, `行政复议数`,
`行政诉讼数`, `行政申诉、举报数` and `收费减免金额`. Where the running text prints the same number in a clause that
talks about the same thing, that span very likely states the field: it becomes a weak role label, to train a role
model on reports nobody annotated (the precision against hand-made roles is measured by scripts/weak_labels.py).

The cue is light on purpose (a topic word of the field: 申请, 复议, 诉讼, 主动公开, 收费, 投诉/举报/申诉) — the table
value does the precise part — but whole wording classes are refused: cumulative figures (累计/历年/截至, except the
year's own `全年累计`), a part after 其中 when the sentence states the whole before it, table lines, other business
(业务/诉求/热线/信访/咨询), outcomes (办结/答复), carried-over cases (结转), the information made broken down by
attribute (`依申请公开信息数N条` beside 不予公开/制作), and social-media channels for the proactive total.
Nothing here names a report: every rule is a class of wording.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ie.meta import Compact
from ie.models import Entity
from ie.numbers import parse_money, parse_number

# --------------------------------------------------------------------------------------- table values


@dataclass(frozen=True)
class TableValue:
    """A value a table states for a role; `start`/`end` locate the cell in the text (-1 when unknown)."""

    role: str
    value: float
    source: str
    start: int = -1
    end: int = -1


@dataclass(frozen=True)
class WeakLabel:
    """A span given a role because a table states its value and its clause talks about the role."""

    span: Entity          # a COUNT/MONEY span of the text, with `role` set
    table: TableValue
    cue: str              # the topic word found in the clause


# national tables: role -> ((schema paths summed), source name); several entries are alternatives
NATIONAL: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = {
    "applications_received": (
        (("applications.new_received.total",), "Table 3 本年新收 总计"),
        # some reports state 收办/办理 as new + carried over (ie.merge accepts the same sum)
        (("applications.new_received.total", "applications.carried_over.total"), "Table 3 新收 + 上年结转 总计"),
    ),
    "reviews": ((("review_litigation.review.total",), "Table 4 行政复议 总计"),),
    "lawsuits": ((("review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total"),
                  "Table 4 行政诉讼 总计 (未经复议 + 复议后)"),),
}

# rows of a provincial 统计表, matched on whitespace-free text (`指 标 名 称`, `行政 复议 数` occur)
STAT_ROWS: dict[str, re.Pattern] = {
    "proactive_total": re.compile(r"主动公开(?:政府)?(?:信息|文件)总?数"),
    "applications_received": re.compile(r"受理(?:依申请公开(?:政府)?信息|政府信息公开申请|依?申请(?:公开)?)总?数"),
    "reviews": re.compile(r"行政复议(?:案件)?数"),
    "lawsuits": re.compile(r"(?<!接受)行政诉讼(?:案件)?数"),
    "complaints": re.compile(r"(?:申[诉述]|举报)数"),
    "fees_yuan": re.compile(r"收费(?:减免)?(?:金额|总额|数额)"),
}
_STAT_HEAD = re.compile(r"指\s*标\s*名\s*称")
_STAT_SPAN = 1500          # a 统计表 is at most this long
# unit, 本年度, 历年累计 (one cell per line in Word-HTML texts); a number followed by `.`/`、` numbers the next row
_CELLS = re.compile(r"\s*(条|件|元|人次|次|个)?\s*(\d+(?:\.\d+)?)(?:\s+(\d+(?:\.\d+)?)(?![\d.．、]))?")


def _run_together(digits: str) -> str | None:
    """本年度 of a run-together `本年度历年累计` pair: the longest reading whose 历年累计 is at least 本年度
    (a cumulative figure includes the year's); `4251516` -> 425, `00` -> 0, `13` -> 1."""
    best = None
    for i in range(1, len(digits)):
        year, total = digits[:i], digits[i:]
        if (len(year) > 1 and year[0] == "0") or (len(total) > 1 and total[0] == "0"):
            continue
        if int(total) >= int(year):
            best = year
    return best


def stat_table(text: str) -> tuple[list[TableValue], tuple[int, int] | None]:
    """This year's values of a provincial 统计表 and the table's extent (None without one)."""
    head = _STAT_HEAD.search(text)
    if head is None:
        return [], None
    end = min(len(text), head.start() + _STAT_SPAN)
    two_columns = "历年累计" in re.sub(r"\s+", "", text[head.start():head.start() + 200])
    c = Compact.of(text, head.end(), end)
    values, last = [], head.end()
    for role, pat in STAT_ROWS.items():
        m = pat.search(c.text)
        if m is None:
            continue
        label_end = c.span(m.start(), m.end())[1]
        cell = _CELLS.match(text, label_end)
        if cell is None or cell.group(2) is None:
            continue
        digits, s = cell.group(2), cell.start(2)
        if cell.group(3) is None:
            nxt = text[cell.end():cell.end() + 2]
            if len(digits) > 1 and re.match(r"[.．、]\D", nxt):
                digits = digits[:-1]             # the next row's number glued on: `41815092.政府公报`
            if two_columns and "." not in digits:
                digits = _run_together(digits) if len(digits) > 1 else digits
                if digits is None:
                    continue
        n = parse_money(digits + "元") if role == "fees_yuan" else parse_number(digits)
        if n is None:
            continue
        values.append(TableValue(role, n.value, f"统计表 {m.group()}", s, s + len(digits)))
        last = max(last, cell.end())
    return values, (head.start(), max(last, head.end()))


def national_tables(text: str, template: str) -> tuple[list[TableValue], list[tuple[int, int]]]:
    """Table 3/4 values for the roles they state, and the extents of Tables 2–4."""
    from ie.schema import get_path
    from ie.tables import extract_tables
    from ie.tables.cells import fold
    from ie.tables.layout import find_regions

    result = extract_tables(text, template)
    out = []
    for role, alternatives in NATIONAL.items():
        for paths, source in alternatives:
            cells = [get_path(result.values, p) for p in paths]
            if any(not isinstance(c, (int, float)) or isinstance(c, bool) for c in cells):
                continue
            ev = result.evidence.get(paths[0])
            out.append(TableValue(role, sum(cells), source, ev.start if ev else -1, ev.end if ev else -1))
    regions = find_regions(fold(text))
    return out, [r for r in (regions.t2, regions.t3, regions.t4) if r]


def table_values(text: str, template: str) -> tuple[list[TableValue], list[tuple[int, int]]]:
    """What the report's tables state for the roles, and where its tables are."""
    if template in ("gov2019", "gov2021"):
        return national_tables(text, template)
    values, extent = stat_table(text)
    return values, [extent] if extent else []


# --------------------------------------------------------------------------------------- clauses

# topic words of each role; the nearest one to the number decides between roles with the same table value
CUES: dict[str, re.Pattern] = {
    "proactive_total": re.compile(r"主动(?:向社会)?(?:公开|发布|公布)|公[开布](?:政府|政务)信息"),
    "applications_received": re.compile(r"申请"),
    "reviews": re.compile(r"复议"),
    "lawsuits": re.compile(r"诉讼"),
    "complaints": re.compile(r"申[诉述]|投诉|举报"),
    "fees_yuan": re.compile(r"收费|费用|处理费|收取"),
}
_CLAUSE_END = "。；;！？!?，,：:"
_SENT_END = "。；;！？!?"
# `今年以来` / `年初以来` is the year so far, not a cumulative span
_CUMULATIVE = re.compile(r"累计|历年|截至|截止|(?<!今年)(?<!本年)(?<!年初)(?<!全年)以来|至今|近(?:\d+|[两三四五六七八九十])年")
_THE_YEAR = re.compile(r"(?:全年|本年度?|今年|年内|当年|(?:19|20)\d\d年度?)[，,]?$")
_PART = re.compile(r"其中|含|涉及|包括")
_YEAR_WORD = re.compile(r"(?:19|20)\d\d年|本年|今年|全年|年内")
_OTHER_BUSINESS = re.compile(r"业务|诉求|热线|12345|信访|咨询|留言|办件|事项")
_SCOPE = re.compile(r"截至|截止|以来|至今")       # words that set the time span of a whole sentence
_PART_OF_YEAR = re.compile(r"[上下]半年|季度|[1-9一二三四五六七八九十]{1,2}至[1-9一二三四五六七八九十]{1,2}月|\d{1,2}-\d{1,2}月")
_OUTCOME = re.compile(r"办结|答复|回复|予以公开|不予|撤回")
_CARRIED = re.compile(r"结转|上年度?|转下年|顺延")
_RECEIVE = re.compile(r"收到|受理|接到|接收|收办|办理")
_CHANNEL_APPLICATION = re.compile(r"(?:当面|信函|网络|网上|电子邮件|传真|邮寄)(?:形式)?申请")
_ATTRIBUTE = re.compile(r"制作|制发|获取|不予公开|信息数")
_SOCIAL = re.compile(r"微信|微博|公众号|新媒体|客户端|头条|抖音")
_UNITS = {"proactive_total": "条件篇份个项", "applications_received": "件条个份宗起",
          "reviews": "件起宗个", "lawsuits": "件起宗个", "complaints": "件起宗个次"}


def _squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


def _left(text: str, pos: int, stops: str, limit: int) -> str:
    """The whitespace-free text before `pos` back to a stop character (PDF line breaks are no stops)."""
    lo, i = max(0, pos - limit), pos
    while i > lo and text[i - 1] not in stops:
        i -= 1
    return _squash(text[i:pos])


def _right(text: str, pos: int, stops: str, limit: int) -> str:
    hi, i = min(len(text), pos + limit), pos
    while i < hi and text[i] not in stops:
        i += 1
    return _squash(text[pos:i])


@dataclass
class Clause:
    left: str        # clause text before the number (whitespace-free)
    right: str       # clause text after it
    sentence: str    # sentence text before the number

    @classmethod
    def around(cls, text: str, e: Entity) -> "Clause":
        return cls(_left(text, e.start, _CLAUSE_END, 80), _right(text, e.end, _CLAUSE_END, 40),
                   _left(text, e.start, _SENT_END, 300))

    def cue(self, role: str) -> tuple[int, int, str] | None:
        """(side, distance to the number, cue word) of the nearest topic word of `role` in the clause; side 0
        is before the number (`收到申请21件`), 1 after it (`共收到20份依申请公开`), and before wins."""
        pat = CUES[role]
        left = [(0, len(self.left) - m.end(), m.group()) for m in pat.finditer(self.left)]
        if left:
            return min(left)
        m = pat.search(self.right)
        return (1, m.start(), m.group()) if m else None

    def cumulative(self) -> bool:
        """A figure over more than the year: 累计/历年/截至 in the number's clause (`全年累计`, `2025年，累计` are
        the year itself), or a sentence scoped by 以来/截至 (`《条例》实施以来，共受理…`) that no 其中 narrows."""
        last = None
        for last in _CUMULATIVE.finditer(self.sentence):
            pass
        if last is None:
            return False
        if last.start() >= len(self.sentence) - len(self.left):
            return not (last.group() == "累计" and _THE_YEAR.search(self.sentence[:last.start()]))
        return bool(_SCOPE.fullmatch(last.group())) and "其中" not in self.sentence[last.end():]

    def part(self, role: str) -> bool:
        """A part after 其中/含/涉及: the whole was stated before it, in the sentence (a clause with the role's
        topic word and a number) or in the sentence before (其中 opens the sentence). A year's figure after a
        cumulative one (`其中2019年度我局共主动公开…`) and the proactive share of all information made
        (`制作、获取政府信息总数M条，其中主动公开政府信息N条`: the whole is another quantity) are no parts."""
        m = None
        for m in _PART.finditer(self.sentence):
            pass
        if m is None:
            return False
        if _YEAR_WORD.search(self.sentence[m.end():]):
            return False
        before = self.sentence[:m.start()]
        if not before.strip("，,、 "):
            return True
        clauses = re.split(f"[{_CLAUSE_END}]", before)
        return any(re.search(f"(?:{CUES[role].pattern}).*\\d", c) for c in clauses)


def _value(e: Entity, role: str):
    if role == "fees_yuan":
        if e.label != "MONEY":
            return None
        n = parse_money(e.text, "元")
    else:
        if e.label != "COUNT":
            return None
        unit = re.sub(r"[\d\s.,一二三四五六七八九十百千万亿两〇○零余多近约]", "", e.text)[:1]
        if unit and unit not in _UNITS[role]:
            return None
        n = parse_number(e.text)
    return None if n is None or n.approximate else n.value


def _attribute(c: Clause) -> bool:
    """`依申请公开信息数N条` / `…，依申请公开N条、不予公开M条`: the information made, by attribute, not applications."""
    if re.search(r"依申请公开(?:政府)?信息数|作为依申请公开", c.left):
        return True
    return "依申请公开" in c.left and not _RECEIVE.search(c.left) and bool(_ATTRIBUTE.search(c.sentence))


def refused(role: str, c: Clause) -> str | None:
    """Why a clause with the role's topic word does not state the role's yearly figure (None: it may)."""
    if c.cumulative():
        return "cumulative"
    if c.part(role):
        return "part"
    if _PART_OF_YEAR.search(c.sentence):
        return "part of the year"
    if _OTHER_BUSINESS.search(c.left):
        return "other business"
    if role != "fees_yuan" and (_OUTCOME.search(c.left[-12:]) or _CARRIED.search(c.left)):
        return "outcome or carried over"
    if role == "applications_received" and _CHANNEL_APPLICATION.search(c.left) and not _RECEIVE.search(c.left):
        return "one channel of the applications"
    if role == "applications_received" and _attribute(c):
        return "attribute of the information made"
    if role == "proactive_total" and _SOCIAL.search(c.left):
        return "social-media channel"
    return None


def _in_tables(pos: int, regions: list[tuple[int, int]], text: str) -> bool:
    if any(a <= pos < b for a, b in regions):
        return True
    line_start = text.rfind("\n", 0, pos) + 1
    return text[line_start:pos].lstrip().startswith("|")     # a flattened table row


def label(text: str, entities: list[Entity], values: list[TableValue],
          regions: list[tuple[int, int]]) -> list[WeakLabel]:
    """Weak labels for the COUNT/MONEY entities of `text`, given the tables' values and extents."""
    by_role: dict[str, list[TableValue]] = {}
    for v in values:
        by_role.setdefault(v.role, []).append(v)
    out = []
    for e in entities:
        if e.label not in ("COUNT", "MONEY") or _in_tables(e.start, regions, text):
            continue
        c = Clause.around(text, e)
        found = []
        for role, vals in by_role.items():
            n = _value(e, role)
            hit = next((v for v in vals if n is not None and n == v.value), None)
            cue = c.cue(role) if hit else None
            if cue is None or refused(role, c):
                continue
            found.append((cue, role, hit))
        found.sort(key=lambda f: f[:2])
        if not found or _ambiguous(c, [f[0] for f in found]):
            continue
        cue, role, hit = found[0]
        out.append(WeakLabel(Entity(e.label, e.start, e.end, e.text, e.score, e.source, role), hit, cue[2]))
    return out


def _ambiguous(c: Clause, cues: list[tuple[int, int, str]]) -> bool:
    """Two roles fit and nothing tells them apart: their topic words are equally near, or both stand before
    the number with no other number between (`行政复议、行政诉讼0件` states both at once)."""
    if len(cues) < 2:
        return False
    (s1, d1, _), (s2, d2, _) = cues[:2]
    if (s1, d1) == (s2, d2):
        return True
    return s1 == s2 == 0 and not re.search(r"\d", c.left[len(c.left) - d2:])


def weak_labels(text: str, template: str | None = None, entities: list[Entity] | None = None) -> list[WeakLabel]:
    """Weak role labels for one normalized report text (template and spans found when not given)."""
    if template is None:
        from ie.meta import find_title, report_year
        from ie.segment import detect_template

        template = detect_template(text, report_year(text, find_title(text)[0]))
    if entities is None:
        from ie.rules import find_entities

        entities = find_entities(text)
    values, regions = table_values(text, template)
    return label(text, entities, values, regions)

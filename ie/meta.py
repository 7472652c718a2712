"""Report metadata — title, issuer, year, statistics period, publication date — read from the text itself.

Scraped pages arrive with a crawler header block (`标题:`, `发布时间:`, `文号:`, `发布机构:`, `栏目:` …) and site
chrome (navigation menus, image lists) before the report. The header is chrome: its `发布机构` may be a section
name or `1`, so the issuer is read only from the report's title or its signature (落款). Two header fields are
still useful as a last resort: `标题` when the body prints no title, `发布时间` when the report prints no
signature date.

Word-HTML exports split phrases and numbers over lines (`20`/`21`/`年`/`1月`/`7`/`日`), so dates and periods are
matched on a whitespace-free copy of the text that maps back to the original offsets (`Compact`).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from dataclasses import dataclass, field
from functools import lru_cache

from ie.fastre import Fast
from ie.numbers import parse_date

# ------------------------------------------------------------------------------------------ records


@dataclass
class Found:
    """A value read from the text and where: text[start:end] is the evidence."""

    value: str
    start: int
    end: int


@dataclass
class PageHeader:
    """The crawler's `key: value` block before a scraped report; `body_start` is where the page body begins
    (0 when the text has no such header)."""

    fields: dict[str, Found] = field(default_factory=dict)
    body_start: int = 0

    def get(self, *keys: str) -> Found | None:
        for k in keys:
            f = self.fields.get(k)
            if f is not None and f.value:
                return f
        return None


@dataclass
class Signature:
    """The closing 落款: the body that signs (when printed) and the date (ISO)."""

    organ: Found | None
    date: Found | None


_SPACE = re.compile(r"\s+")


@dataclass
class Compact:
    """`text` without whitespace, mapped back to the original. The region is runs of non-space (`pieces`)
    and of space (`gaps`) in turn: compact run k starts at compact index `offsets[k]`, and in the original
    after the k runs before it and the gaps before it (`gaps_before[k]` chars; one more gap when the region
    starts with space). Both come from C-level scans and sums: only the few matched spans are ever mapped, so
    no offset per character nor per run is built in Python (`pos` gives that list where wanted)."""

    text: str
    base: int                  # where the region starts in the original
    offsets: list[int]         # compact index of each run's first character
    gaps_before: list[int]     # gaps_before[m]: the length of the first m gaps

    @classmethod
    def of(cls, text: str, start: int = 0, end: int | None = None) -> "Compact":
        end = len(text) if end is None else end
        # runs of non-space (str.split) and of space (regex): \s is str.isspace (both Py_UNICODE_ISSPACE), one C
        # scan each
        pieces = text[start:end].split()
        gaps = _SPACE.findall(text, start, end)
        lead = 1 if _SPACE.match(text, start, end) else 0
        offsets = [0, *accumulate(map(len, pieces))][:len(pieces)]
        gaps_before = [0, *accumulate(map(len, gaps))]
        return cls("".join(pieces), start, offsets, gaps_before[lead:])

    def _orig(self, i: int) -> int:
        k = bisect_right(self.offsets, i) - 1
        return self.base + i + self.gaps_before[k]

    @property
    def pos(self) -> list[int]:
        """The original offset of every compact character."""
        return [self._orig(i) for i in range(len(self.text))]

    def span(self, s: int, e: int) -> tuple[int, int]:
        """Original offsets of compact span [s, e)."""
        return self._orig(s), self._orig(e - 1) + 1


def squash(s: str) -> str:
    return re.sub(r"\s+", "", s)


# ------------------------------------------------------------------------------------------ page header

# Keys a crawler or a CMS export writes before the body. Only a block with at least two of them is a header:
# a report's own first line `附表：` or `市府办：` is not.
_HEADER_KEYS = frozenset({
    "标题", "题名", "名称", "发布时间", "发布日期", "发文日期", "成文日期", "日期", "文号", "发文字号", "发布机构",
    "发文机关", "来源", "信息来源", "栏目", "原文链接", "原始链接", "链接", "本地目录", "索引号", "主题分类",
    "附件与图片链接", "年份", "作者", "浏览次数", "网址"})
_HEADER_LINE = re.compile(r"[ \t]*([\u4e00-\u9fff]{2,8})[ \t]*[:：][ \t]*(.*?)[ \t]*")
_BODY_MARK = re.compile(r"\s*=*\s*正文\s*(?:=+|[:：])?\s*")
# Lines inside a header block that are not key: value (an indented image list, a pointer to a links file).
_HEADER_AUX = re.compile(r"\s+\S.*|\s*https?:\S*|\s*页面链接.*|\s*")


@lru_cache(maxsize=8)
def parse_page_header(text: str) -> PageHeader:
    """The crawler header at the start of `text`, if there is one; the body starts after its 正文 mark.

    Memoized (title, issuer, date and year each ask for it): callers must not change the result."""
    fields: dict[str, Found] = {}
    pos = 0
    last_end = 0
    for line in text[:8000].split("\n"):
        start, pos = pos, pos + len(line) + 1
        if _BODY_MARK.fullmatch(line) and line.strip():
            return PageHeader(fields, pos) if len(fields) >= 2 else PageHeader()
        m = _HEADER_LINE.fullmatch(line)
        if m and m.group(1) in _HEADER_KEYS:
            fields.setdefault(m.group(1), Found(m.group(2), start + m.start(2), start + m.end(2)))
            last_end = pos
        elif not _HEADER_AUX.fullmatch(line) or not fields:
            break
    if len(fields) >= 2:
        return PageHeader(fields, min(last_end, len(text)))
    return PageHeader()


# ------------------------------------------------------------------------------------------ title

YEAR_RE = re.compile(r"((?:19|20)\d\d)\s*年")
# A report title: [body] [year] … 公开 … 报告, nothing but CJK around the year (no 〔〕, digits or punctuation:
# a 文号 line or a sentence is not a title).
_TITLE_RE = re.compile(r"[\u4e00-\u9fff（）()·]{0,40}?(?:(?:19|20)\d\d年度?)?[\u4e00-\u9fff（）()、·]{0,30}?"
                       r"公开[\u4e00-\u9fff]{0,10}?报告")
# Words that make a line about a report (a notice, an instruction, a reference), not the report's title.
_NOT_TITLE = re.compile(r"^(?:关于|根据|按照|依据|为|做好|开展|编制|印发|转发|本|现将|我)|通知|意见|要求|的")
_ORGAN_WORDS = (r"(?:人民政府(?:办公厅|办公室)?|管理委员会(?:办公室)?|管委会(?:办公室)?|委员会(?:办公室)?|办公厅|办公室"
                r"|政府|领导小组(?:办公室)?|街道办事处|办事处|局|委|厅|署|中心|院|所|站|队|馆|会|处|部|社)")
_ORGAN_END = re.compile(_ORGAN_WORDS + r"$")
_PLACE = re.compile(r"[\u4e00-\u9fff]{2,}?(?:省|自治区|自治州|市|县|区|州|旗|盟|镇|乡|街道)")


def is_report_title(s: str) -> bool:
    """Whether the (whitespace-free) string `s` is the title of an annual disclosure report."""
    if not 6 <= len(s) <= 70 or _NOT_TITLE.search(s) or not YEAR_RE.search(s):
        return False    # without its year `政府信息公开工作年度报告` is a phrase, not this report's title
    return _TITLE_RE.fullmatch(s) is not None


# After a title glued to the first sentence of a one-line body, these continue a sentence about the report.
_TITLE_CONTINUES = re.compile(r"编制|编写|发布|公布|有关|的|》|”|通知|工作的|由|是|已|包括|分为|全文")
# What follows a page's own title line inside scraped chrome (来源：… 时间：…): the body's heading comes later.
_CHROME_AFTER = re.compile(r"\s*(?:来源|时间|发布时间|发布日期|作者|浏览|点击|字号|信息来源)\s*[:：]")
_TOKEN = re.compile(r"[^\s:：]+[:：]?|[:：]")


def _tokens(text: str, start: int, limit: int) -> list[tuple[int, int]]:
    """Runs of non-space text (split after a colon: `相关链接：` is chrome glued to a heading)."""
    return [m.span() for m in _TOKEN.finditer(text, start, min(len(text), start + limit))]


def _title_window(text: str, toks: list[tuple[int, int]], i: int, glued_ok: bool) -> Found | None:
    """A title made of tokens[i:i+k] (k ≤ 4: a Word or PDF export breaks a heading over lines or spaces);
    with `glued_ok`, also a title that the first sentence of a one-line body follows without a space."""
    # every title this can return ends in 报告 (_TITLE_RE): most tokens are skipped here, first by a slice of the
    # text the window spans (which holds every char of the window), then by the window itself
    if "报" not in text[toks[i][0]:toks[min(i + 4, len(toks)) - 1][1]] \
            or "报告" not in "".join(text[s:e] for s, e in toks[i:i + 4]):
        return None
    for k in range(1, 5):
        window = toks[i:i + k]
        if len(window) < k or any(e - s > 40 for s, e in window[:-1]):
            return None
        if glued_ok and k == 1:
            head = text[window[0][0]:min(window[0][1], window[0][0] + 120)]
            m = _TITLE_RE.match(head)
            if m and m.end() < len(head) and YEAR_RE.search(m.group()) and is_report_title(m.group()) \
                    and not _TITLE_CONTINUES.match(head, m.end()):
                return Found(m.group(), window[0][0], window[0][0] + m.end())
        joined = "".join(text[s:e] for s, e in window)
        if len(joined) > 70:
            return None
        if is_report_title(joined):
            return Found(joined, window[0][0], window[-1][1])
    return None


def _windows_with_bao(text: str, toks: list[tuple[int, int]]) -> list[int]:
    """The token indexes i whose window (tokens i..i+3) holds a 报, in order: _title_window returns None for
    every other one. Every non-space character lies in a token, so a 报 at p in token j is in windows j-3..j."""
    if not toks:
        return []
    starts = [s for s, _ in toks]
    out: set[int] = set()
    p = text.find("报", toks[0][0], toks[-1][1])
    while p >= 0:
        j = bisect_right(starts, p) - 1
        if j >= 0 and p < toks[j][1]:
            out.update(range(max(0, j - 3), j + 1))
        p = text.find("报", p + 1, toks[-1][1])
    return sorted(out)


def _with_body_before(text: str, toks: list[tuple[int, int]], i: int, found: Found) -> Found:
    """`洪泽区人民政府` / `2023年政府信息公开工作年度报告`: a body or place alone before a year-first title is part
    of it."""
    if i == 0 or _has_body_before_year(found.value):
        return found
    s, e = toks[i - 1]
    prev = text[s:e]
    if len(prev) <= 30 and (_ORGAN_END.search(prev) or _PLACE.fullmatch(prev)) and is_report_title(prev + found.value):
        return Found(prev + found.value, s, found.end)
    return found


def _body_title(text: str, body_start: int) -> tuple[Found | None, Found | None]:
    """(the report's heading, the page's own title line inside the chrome): the first run of tokens that is a
    report title and that no tighter run inside it also is; one followed by 来源：/时间： is the chrome's."""
    toks = _tokens(text, body_start, 15000)
    chrome = None
    for i in _windows_with_bao(text, toks):
        found = _title_window(text, toks, i, glued_ok=toks[i][0] - body_start < 600)
        if found is None:
            continue
        inner = []                  # the tokens after i inside the title (token ends increase: stop at the first out)
        for j in range(i + 1, len(toks)):
            if toks[j][1] > found.end:
                break
            inner.append(j)
        if any(_title_window(text, toks, j, False) for j in inner):
            continue            # a tighter title starts later (the leading tokens are a menu or a body name)
        is_chrome = _CHROME_AFTER.match(text, found.end) is not None
        if not is_chrome and _is_fragment(text, found):
            continue
        found = _with_body_before(text, toks, i, found)
        found = Found(squash(found.value), found.start, found.end)
        if is_chrome:
            chrome = chrome or found
            continue
        return found, chrome
    return None, chrome


# A title-shaped phrase inside a sentence that a Word-HTML export broke over lines: what comes before governs
# it (关于 / 公布 …) or what comes after continues the sentence (。/ 编制发布有关事项的通知).
_GOVERNED = re.compile(r"(?:关于|开展|做好|公布|编制了?|印发|转发|《|“|\()\s*$")
_CONTINUED = re.compile(r"\s*(?:[。，,、；;》”)）]|" + _TITLE_CONTINUES.pattern + ")")


def _is_fragment(text: str, found: Found) -> bool:
    return bool(_GOVERNED.search(text[max(0, found.start - 8):found.start]) or _CONTINUED.match(text, found.end))


def _has_body_before_year(s: str) -> bool:
    m = YEAR_RE.search(s)
    return m is None or m.start() > 0


@lru_cache(maxsize=8)
def find_title(text: str) -> tuple[str | None, int, int]:
    """(title, start, end): the report's own heading in the body (at a one-line body's start, or a line of its
    own after any site menu), else the page header's 标题 when it names a report; None when nothing does.

    Memoized (the result is immutable): the extraction, meta mapping and the year all ask for it."""
    header = parse_page_header(text)
    found, chrome = _body_title(text, header.body_start)
    found = found or chrome
    if found is None:
        h = header.get("标题", "题名")
        if h and is_report_title(squash(h.value)):
            found = Found(squash(h.value), h.start, h.end)
    return (found.value, found.start, found.end) if found else (None, 0, 0)


# ------------------------------------------------------------------------------------------ signature

# A full date in Arabic or Chinese numerals (二○一二年元月二十日); matched on the compact text.
_SIG_DATE = re.compile(r"(?<!\d)(?:19|20)\d\d年\d{1,2}月\d{1,2}日"
                       r"|[〇○O零一二三四五六七八九]{4}年(?:[一二三四五六七八九十]{1,2}|元)月[一二三四五六七八九十]{1,3}日")
# a look-behind opens it: searched from the first characters of its dates only (ie.fastre), the same matches
_SIG_DATE_FAST = Fast(_SIG_DATE)
_STANDS_BEFORE = re.compile(r"(?:^|\s)$")
_STANDS_AFTER = re.compile(r"\s|$|[（(]")


def _iso(date_text: str) -> str | None:
    v = parse_date(squash(date_text).replace("元月", "一月"))
    return v if v and len(v) == 10 else None


def _organ_before(text: str, pos: int) -> Found | None:
    """The signing body printed just before a signature date: on the same line after a space or a full stop,
    or alone on the line above."""
    line_start = text.rfind("\n", 0, pos) + 1
    same = text[line_start:pos]
    if same.strip():
        cand = re.split(r"[\s。；;！!]", same.rstrip())[-1]
        start = line_start + same.rstrip().rfind(cand)
    else:
        prev_end = line_start - 1
        prev_start = text.rfind("\n", 0, max(prev_end, 0)) + 1
        cand = text[prev_start:max(prev_end, prev_start)].strip()
        start = text.find(cand, prev_start) if cand else -1
    if not cand or len(cand) > 30 or not re.search(_ORGAN_WORDS + r"$|" + _ORGAN_WORDS + r"[（(].*[)）]$", cand):
        return None
    return Found(cand, start, start + len(cand))


@lru_cache(maxsize=8)
def find_signature(text: str, body_start: int = 0) -> Signature | None:
    """The last full date in the second half of the body that stands on its own (a space or line break before,
    or a signing body; a space, line break or bracket after), with the body printed before it.

    Memoized (the issuer and the publication date both ask for it): callers must not change the result."""
    lo = max(body_start, body_start + (len(text) - body_start) // 2)
    c = Compact.of(text, lo)
    best = None
    for m in _SIG_DATE_FAST.finditer(c.text):
        s, e = c.span(m.start(), m.end())
        before_ok = _STANDS_BEFORE.search(text[max(0, s - 1):s]) or _ORGAN_END.search(text[max(0, s - 12):s])
        if before_ok and _STANDS_AFTER.match(text, e) and _iso(m.group()):
            best = (s, e, m.group())
    if best is None:
        return None
    s, e, d = best
    return Signature(_organ_before(text, s), Found(_iso(d), s, e))


# ------------------------------------------------------------------------------------------ issuer

def _title_prefix(title: str | None) -> str | None:
    """What the title puts before the year (`莆田市统计局2020年…` → 莆田市统计局), or for a year-first title
    the body after it (`2025年上海市人民政府办公厅政府信息…` → 上海市人民政府办公厅)."""
    if not title:
        return None
    m = re.match(r"(.*?)(?:19|20)\d\d\s*年", title)
    if m and m.group(1):
        return m.group(1)
    m = re.match(r"(?:(?:19|20)\d\d\s*年度?)?(.+?" + _ORGAN_WORDS + r")(?:政府信息|政务|信息|工作)", title)
    # a body named after the year has its place (2009年度政府信息… names none: 政府 there is a word, not a body)
    return m.group(1) if m and _PLACE.match(m.group(1)) else None


def _where(text: str, name: str, lo: int = 0) -> tuple[int, int]:
    i = text.find(name, lo)
    if i < 0:
        i = text.find(name)
    return (i, i + len(name)) if i >= 0 else (0, 0)


def _fuller_form(text: str, name: str, lo: int) -> Found | None:
    """`洪泽区人民政府` printed elsewhere as `淮安市洪泽区人民政府`: a two- or three-character province or city
    before the name (the usual prefecture/province form)."""
    for n in (2, 3):
        m = _cjk_place_before(text, name, n, lo)
        if m and not name.startswith(m.value[:2]):
            return m
    return None


def _cjk_place_before(text: str, name: str, n: int, lo: int) -> Found | None:
    """The first match at or after lo of `[\u4e00-\u9fff]{n}[省市]` + name, found from the occurrences of the
    name (a regex that starts with a CJK class is tried at every character of the report)."""
    p = text.find(name, lo + n + 1) if name else -1
    while p >= 0:
        q = p - n - 1
        if text[p - 1] in "省市" and all("\u4e00" <= c <= "\u9fff" for c in text[q:p - 1]):
            return Found(text[q:p + len(name)], q, p + len(name))
        p = text.find(name, p + 1)
    return None


def _department_with_place(text: str, dept: str, sig: Signature | None, lo: int) -> Found | None:
    """A title that names only the department (`公安局2009年度…`): the signature or the body names it with its
    place (`平潭县公安局`)."""
    if sig and sig.organ and sig.organ.value.endswith(dept) and len(sig.organ.value) > len(dept):
        return sig.organ
    # only a name that starts a token: inside a sentence the words before the place would be taken with it
    m = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{2,12}?(?:省|市|县|区)" + re.escape(dept)).search(text, lo)
    return Found(m.group(), m.start(), m.end()) if m else None


def _place_with_body(text: str, place: str, lo: int) -> Found | None:
    """A title that names only a place (`丰都县2018年…`, `平潭综合实验区2012年…`): the body the text names for
    it (丰都县人民政府, 平潭综合实验区管委会), by the longest tail of the place name."""
    for k in range(len(place) - 1):
        tail = place[k:]
        m = re.compile(re.escape(tail) + r"(人民政府|管理委员会|管委会)").search(text, lo)
        if m:
            return Found(place + m.group(1), m.start(), m.end())
    return None


def find_issuer(text: str, title: str | None) -> tuple[str | None, int, int]:
    """The issuing body: named in the title (completed with its place or body where the text prints the fuller
    form), else the signature, else the body the report names most for its own place (我市/我县)."""
    header = parse_page_header(text)
    lo = header.body_start
    sig = find_signature(text, lo)
    prefix = _title_prefix(title)
    found = _issuer_from_prefix(text, prefix, sig, lo) if prefix else None
    if found is None and sig and sig.organ:
        found = sig.organ
    if found is None and prefix:
        if re.search(r"[省市县]$|[^实验发新]区$", prefix):
            s, e = _where(text, prefix, lo)
            found = Found(prefix + "人民政府", s, e)
        else:
            found = Found(prefix, *_where(text, prefix, lo))
    if found is None:
        found = _place_body_by_mentions(text, lo) or _leading_place(text, lo)
    return (found.value, found.start, found.end) if found else (None, 0, 0)


def _issuer_from_prefix(text: str, prefix: str, sig: Signature | None, lo: int) -> Found | None:
    if _ORGAN_END.search(prefix):
        if _PLACE.match(prefix) and not prefix.startswith(("区", "县", "市")):
            return _fuller_form(text, prefix, lo) or Found(prefix, *_where(text, prefix, lo))
        return _department_with_place(text, prefix, sig, lo) or Found(prefix, *_where(text, prefix, lo))
    return _place_with_body(text, prefix, lo)


def _leading_place(text: str, lo: int) -> Found | None:
    """No title: a header line that starts with a place name (`宿迁市 政务公开年报比对`)."""
    m = re.compile(r"\s*(\S{2,12}?[省市县区])(?:\s|人民政府|政府)").match(text, lo)
    if not m:
        return None
    body = _place_with_body(text, m.group(1), lo)
    return body or Found(m.group(1) + "人民政府", m.start(1), m.end(1))


def _place_body_by_mentions(text: str, lo: int) -> Found | None:
    """Nothing printed: the text speaks of 我市/我县; the place of that kind it names most is the issuer's."""
    for kind in "市县区":
        if f"我{kind}" in text:
            names = re.findall(rf"([\u4e00-\u9fff]{{2}}{kind})(?:人民政府|政府)", text[lo:])
            best = max(set(names), key=names.count) if names else None
            if best and names.count(best) >= 2:  # one hit is as likely 完善市政府 as a place
                s, e = _where(text, best, lo)
                return Found(best + "人民政府", s, e)
    return None


# ------------------------------------------------------------------------------------------ period, date

_D_FULL = r"(?:19|20)\d\d年\d{1,2}月\d{1,2}日|(?:19|20)\d\d[-./]\d{1,2}[-./]\d{1,2}"
_D_MONTHDAY = r"\d{1,2}月\d{1,2}日"
# A Word-HTML export may cut the start's year to two digits (自/20/年/1月1日起至12月31日止): read as 20YY, and
# kept only where that is the year the end date or the title gives.
_D_SHORT = r"\d\d年\d{1,2}月\d{1,2}日"
_PERIOD_RE = re.compile(rf"(?:自|从|为|是|涵盖)({_D_FULL}|{_D_SHORT})起?(?:至|到|—|-)({_D_FULL}|{_D_MONTHDAY})止?")
# only the end is printed: 所列数据截止日期为2019年12月31日
_PERIOD_END_RE = re.compile(rf"(?:数据|统计)[^。]{{0,10}}?(?:截止|截至)(?:日期|时间)?(?:为|到|至)?({_D_FULL})")


def _period_start(printed: str, year: int | None) -> str | None:
    if re.match(r"\d\d年", printed):
        return parse_date(f"20{printed}") if year is not None and year == 2000 + int(printed[:2]) else None
    return parse_date(printed)


@lru_cache(maxsize=16)
def find_period(text: str, year: int | None = None) -> tuple[str | None, str | None, int, int]:
    """统计期限: (start, end, span). 'X至12月31日' takes the year of X; a lone 截止日期 gives only the end.
    Matched on the compact text: Word-HTML splits the dates over lines. `year` (the title's) confirms a start
    whose year was cut to two digits. Memoized (the year and the meta mapping both ask for it)."""
    c = Compact.of(text, 0, min(len(text), 12000))
    for m in _PERIOD_RE.finditer(c.text):
        end_year = YEAR_RE.match(m.group(2))
        a = _period_start(m.group(1), int(end_year.group(1)) if end_year else year)
        b = parse_date(m.group(2)) if "月" not in m.group(2) or "年" in m.group(2) \
            else (parse_date(f"{a[:4]}年{m.group(2)}") if a else None)
        if a and b and len(a) == 10 and len(b) == 10:
            s, _ = c.span(m.start(1), m.end(1))
            _, e = c.span(m.start(2), m.end(2))
            return a, b, s, e
    m = _PERIOD_END_RE.search(c.text)
    if m:
        b = parse_date(m.group(1))
        if b and len(b) == 10:
            s, e = c.span(m.start(1), m.end(1))
            return None, b, s, e
    return None, None, 0, 0


# The page's own date in chrome inside the body (舒城: 发布日期：2013-02-10).
_CHROME_DATE = re.compile(r"(?:发布日期|发布时间|发文日期|成文日期|日期)\s*[:：]\s*(\S[^\n]{0,30})")


def find_published(text: str) -> tuple[str | None, int, int, str]:
    """The signature date; else the page's 发布时间 (header or chrome); else nothing."""
    header = parse_page_header(text)
    sig = find_signature(text, header.body_start)
    if sig and sig.date:
        return sig.date.value, sig.date.start, sig.date.end, "signature"
    h = header.get("发布时间", "发布日期", "发文日期", "成文日期", "日期")
    if h:
        v = parse_date(h.value)
        if v and len(v) == 10:
            return v, h.start, h.end, "page date"
    m = _CHROME_DATE.search(text[:3000])
    if m:
        v = parse_date(m.group(1))
        if v and len(v) == 10:
            return v, m.start(1), m.start(1) + len(m.group(1).strip()), "page date"
    return None, 0, 0, ""


def report_year(text: str, title: str | None = None) -> int | None:
    """The year covered: the title's year, else the statistics period's, else None (the template decision
    falls back on the headers alone)."""
    if title is None:
        title = find_title(text)[0]
    m = YEAR_RE.search(title or "")
    if m:
        return int(m.group(1))
    _, end, _, _ = find_period(text)
    return int(end[:4]) if end else None

"""Value normalizers: printed numbers, money, dates and document numbers → canonical values.

Every function takes the string as printed (an entity's text) and returns the value the schema stores, or
None when the string holds no such value. They never guess a value that is not printed: `3千余` is 3000 with
`approximate=True`, not 3001.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋％", "0123456789.,-+%")

_DIGITS = {"零": 0, "〇": 0, "○": 0, "◯": 0,
           "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "俩": 2, "三": 3, "叁": 3, "四": 4, "肆": 4,
           "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9}
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_CN_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_BIG_UNITS)

# words that make a printed number approximate; the printed number is kept as the value
_APPROX_BEFORE = ("超过", "近", "约", "逾", "大约", "将近", "接近")
_APPROX_AFTER = ("余", "多", "左右", "以上", "来")

_NUMBER_RE = re.compile(
    rf"(?P<before>超过|大约|将近|接近|近|约|逾)?"
    rf"(?P<num>[+\-]?\d[\d,]*(?:\.\d+)?|[{''.join(_DIGITS)}{''.join(_SMALL_UNITS)}][{_CN_CHARS}]*)"
    rf"(?P<mult>[{''.join(_SMALL_UNITS)}{''.join(_BIG_UNITS)}]*)"
    rf"(?P<after>余|多|左右|以上|(?:件|条|个|项|次|篇|元)左右)?"
)


@dataclass(frozen=True)
class Number:
    value: int | float
    approximate: bool = False


def _clean(s: str) -> str:
    return s.translate(_FULLWIDTH).replace(" ", "").replace("\u3000", "")


def _to_number(d: Decimal) -> int | float:
    """Integral decimals become int (counts are integers in the schema), others float."""
    if d == d.to_integral_value():
        return int(d)
    return float(d)


def chinese_to_int(s: str) -> int | None:
    """一千二百 → 1200, 二十三 → 23, 十五 → 15, 三百零五 → 305, 一万二千 → 12000, 二〇一三 → 2013 (digit by digit)."""
    if not s or any(c not in _CN_CHARS for c in s):
        return None
    if all(c in _DIGITS for c in s):
        # a run of bare digits (二〇一三, 两) is read digit by digit
        return int("".join(str(_DIGITS[c]) for c in s))
    total, section, digit = 0, 0, None
    for c in s:
        if c in _DIGITS:
            digit = _DIGITS[c]
        elif c in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[c]
            digit = None
        else:  # 万 / 亿 close a section
            section += digit or 0
            total = (total + section) * _BIG_UNITS[c] if _BIG_UNITS[c] > 10_000 else total + section * _BIG_UNITS[c]
            section, digit = 0, None
    return total + section + (digit or 0)


def parse_number(s: str) -> Number | None:
    """The first number in `s` with its approximation words: '1.2万' → 12000, '3千余条' → 3000 (approximate),
    '1600多人次' → 1600 (approximate), '二十三件' → 23, '两' → 2, '零' → 0, '1,234' → 1234."""
    s = _clean(s).replace("百分之", "")  # 近百分之九十 → 近九十
    m = _NUMBER_RE.search(s)
    if not m:
        return None
    raw, mult = m.group("num"), m.group("mult")
    approx = bool(m.group("before") or m.group("after"))
    if raw[0] in "+-" or raw[0].isdigit():
        try:
            value = Decimal(raw.replace(",", ""))
        except InvalidOperation:
            return None
        for c in mult:
            value *= _SMALL_UNITS.get(c) or _BIG_UNITS[c]
    else:
        n = chinese_to_int(raw + mult)
        if n is None:
            return None
        value = Decimal(n)
    return Number(_to_number(value), approx)


_MONEY_RE = re.compile(r"([+\-]?\d[\d,]*(?:\.\d+)?|[" + _CN_CHARS + r"]+?)\s*(亿元|万元|千元|元)")
_MONEY_SCALE = {"元": Decimal(1), "千元": Decimal(1000), "万元": Decimal(10_000), "亿元": Decimal(100_000_000)}


def parse_money(s: str, unit: str = "元") -> Number | None:
    """An amount with its currency unit, expressed in `unit` (元 or 万元): '13724.02万元' → 137240200 in 元,
    '380元' → 0.038 in 万元. A bare number is taken to be in `unit` already."""
    if unit not in _MONEY_SCALE:
        raise ValueError(f"unknown money unit {unit!r}; use one of {sorted(_MONEY_SCALE)}")
    s = _clean(s)
    m = _MONEY_RE.search(s)
    if not m:
        n = parse_number(s)
        return n
    n = parse_number(m.group(1))
    if n is None:
        return None
    value = Decimal(str(n.value)) * _MONEY_SCALE[m.group(2)] / _MONEY_SCALE[unit]
    approx = n.approximate or any(w in s for w in _APPROX_AFTER + _APPROX_BEFORE)
    return Number(_to_number(value.normalize()), approx)


# --- dates -----------------------------------------------------------------------------------------------

_CN_NUM = f"[{_CN_CHARS}]"
_DATE_PATTERNS = [
    # 2018年1月1日, 2018年12月, 2018年 (Arabic, maybe spaced: 2023 年 1 月 1 日)
    re.compile(r"(?P<y>\d{4})\s*年\s*(?:(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*[日号])?)?"),
    # 2019-03-22, 2019/3/22, 2019.3.22 (optionally followed by a time, which is dropped)
    re.compile(r"(?<!\d)(?P<y>\d{4})[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2}))?(?!\d)"),
    # 二○一三年一月二十日
    re.compile(rf"(?P<y>{_CN_NUM}{{4}})\s*年\s*(?:(?P<m>{_CN_NUM}{{1,3}})\s*月\s*(?:(?P<d>{_CN_NUM}{{1,3}})\s*[日号])?)?"),
]


def _date_part(s: str | None) -> int | None:
    if s is None:
        return None
    return int(s) if s.isdigit() else chinese_to_int(s)


def parse_date(s: str) -> str | None:
    """The first date in `s` as ISO: '2018年1月1日' → '2018-01-01', '2019-03-22 17:29' → '2019-03-22',
    '2019.3.22' → '2019-03-22', '二○一三年一月二十日' → '2013-01-20', '2018年12月' → '2018-12', '2018年' → '2018'.
    Impossible months/days give None."""
    s = s.translate(_FULLWIDTH)  # spaces kept: '2019-03-22 17:29' must not read as day 2217
    best = None
    for pat in _DATE_PATTERNS:
        m = pat.search(s)
        if m and (best is None or m.start() < best.start()):
            best = m
    if best is None:
        return None
    y, mo, d = (_date_part(best.group(k)) for k in ("y", "m", "d"))
    if y is None or not 1000 <= y <= 2999:
        return None
    if mo is None:
        return f"{y:04d}"
    if not 1 <= mo <= 12:
        return None
    if d is None:
        return f"{y:04d}-{mo:02d}"
    if not 1 <= d <= 31:
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


# --- document numbers ------------------------------------------------------------------------------------

_OPEN = "〔﹝[【(（［"
_CLOSE = "〕﹞]】)）］"
_O, _C = re.escape(_OPEN), re.escape(_CLOSE)
_DOC_NO_RE = re.compile(rf"^(?P<prefix>.*?)[{_O}](?P<year>\d{{4}})[{_C}](?P<serial>\d+)(?P<suffix>号?.*)$")
_LING_RE = re.compile(r"^(?P<prefix>.*?第)0*(?P<serial>\d+)(?P<suffix>号.*)$")


def normalize_doc_no(s: str) -> str:
    """渝府办发﹝2018﹞076号 → 渝府办发〔2018〕76号; 国令第 711 号 → 国令第711号. Brackets become 〔〕, full-width
    digits ASCII, spaces go, leading zeros of the serial go."""
    s = re.sub(r"\s+", "", s.translate(_FULLWIDTH))
    m = _DOC_NO_RE.match(s)
    if m:
        return f"{m['prefix']}〔{m['year']}〕{int(m['serial'])}{m['suffix']}"
    m = _LING_RE.match(s)
    if m:
        return f"{m['prefix']}{int(m['serial'])}{m['suffix']}"
    for o in _OPEN:
        s = s.replace(o, "〔")
    for c in _CLOSE:
        s = s.replace(c, "〕")
    return s


def doc_no_year(doc_no: str) -> int | None:
    """The year inside the brackets of a (normalized or raw) document number, if any."""
    m = re.search(rf"[{_O}](\d{{4}})[{_C}]", doc_no.translate(_FULLWIDTH))
    return int(m.group(1)) if m else None

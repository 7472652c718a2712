"""Normalization: one clean simplified-Chinese text plus an exact map back to the reader's text.

`normalize(text)` runs a fixed sequence of small steps. Each step maps `(text, offsets)` to `(text, offsets)`,
where `offsets[i]` is the index in the ORIGINAL text of character i and `offsets[len(text)]` is the end of the
original text; so a span of the output can always be traced back to the region of the input it came from.

Steps (in order; each is a public function so it can be tested on its own):
1. `fold_newlines_and_invisibles` — \\r\\n and \\r → \\n; zero-width chars and BOM dropped; NBSP → space.
2. `repair_mojibake` — GBK text decoded one byte out of step (zhuzhou_2018: `?。ㄈ﹪@` = `　（三）圍繞`) is
   re-encoded and decoded in step; accepted only when the result is entirely CJK/punctuation. U+FFFD dropped.
3. `strip_pinyin_glosses` — `網(wǎng)站` → `網站` (only letter runs with a tone mark, right after a CJK char).
4. `fold_radicals` — Kangxi radicals, CJK Radicals Supplement and compatibility ideographs → unified ideographs.
5. `to_simplified` — opencc t2s, kept 1:1 per character so offsets stay exact.
6. `fold_width` — full-width letters/digits/%/./+/- → ASCII; U+3000 → ' '. Chinese punctuation and 〔〕 kept.
7. `strip_chrome` — web-page chrome, leaked HTML comments, page footers, comparison-tool and scraper lines.
8. `tidy_spaces` — spaces around a number/Latin token inside a CJK sentence removed (`2024 年` → `2024年`),
   leading/trailing spaces of lines removed; spaces between numbers are never touched.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Callable

from ie.fastre import Fast
from ie.models import Document, Normalized
from ie.t2s import convert as t2s_convert

Step = Callable[[str, list[int]], tuple[str, list[int]]]

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_PUNCT = "，。、：；！？（）《》〈〉“”‘’〔〕【】「」『』—…·"


# ---------------------------------------------------------------------------------------------- edit machinery

def _apply(text: str, offs: list[int], edits: list[tuple[int, int, str]]) -> tuple[str, list[int]]:
    """Replace text[s:e] by r for each (s, e, r) (sorted, non-overlapping) and carry the offsets along.

    Replacement char i maps to the source of text[s+i] (or of text[e-1] once the replacement is longer), so a
    1:1 replacement keeps the map exact and a shorter one keeps it monotone and within the replaced region.
    """
    if not edits:
        return text, offs
    out: list[str] = []
    out_offs: list[int] = []
    pos = 0
    for s, e, r in edits:
        out.append(text[pos:s])
        out_offs.extend(offs[pos:s])
        if r:
            out.append(r)
            # offs[min(s + i, max(e - 1, s))] for each char i of r, by slices
            k, w = len(r), e - s
            if w == 0:
                out_offs.extend([offs[s]] * k)
            elif k <= w:
                out_offs.extend(offs[s:s + k])
            else:
                out_offs.extend(offs[s:e])
                out_offs.extend([offs[e - 1]] * (k - w))
        pos = e
    out.append(text[pos:])
    out_offs.extend(offs[pos:])
    return "".join(out), out_offs


def _sub(pattern: re.Pattern | Fast, repl: Callable[[re.Match], str], text: str, offs: list[int]):
    edits = []
    for m in pattern.finditer(text):
        r = repl(m)
        if r != m.group(0):
            edits.append((m.start(), m.end(), r))
    return _apply(text, offs, edits)


def _translate_1to1(table: dict[int, str], keys: re.Pattern, text: str, offs: list[int]) -> tuple[str, list[int]]:
    """Char-for-char translation (every value is exactly one char): offsets do not move.

    Only the characters the table holds are replaced, found by `keys`, the class of its keys (_key_class):
    str.translate with a dict looks up every character of the text, and most characters are in no table."""
    if keys.search(text) is None:
        return text, offs
    return keys.sub(lambda m: table[ord(m.group())], text), offs


def _key_class(table: dict[int, str]) -> re.Pattern:
    return re.compile("[" + "".join(re.escape(chr(k)) for k in sorted(table)) + "]")


# ---------------------------------------------------------------------------------------------- 1. newlines

_INVISIBLE = re.compile("\r\n?|[\u200b\u200c\u200d\u2060\ufeff\u00ad]|\u00a0")
# searched from its first characters only (ie.fastre): an alternation is otherwise tried at every character
_INVISIBLE_FAST = Fast(_INVISIBLE)


def fold_newlines_and_invisibles(text: str, offs: list[int]) -> tuple[str, list[int]]:
    def repl(m: re.Match) -> str:
        g = m.group(0)
        if g[0] == "\r":
            return "\n"
        return " " if g == "\u00a0" else ""
    return _sub(_INVISIBLE_FAST, repl, text, offs)


# ---------------------------------------------------------------------------------------------- 2. mojibake

# A GBK byte stream decoded one byte out of step: the marker `?` is a lead byte whose partner was lost, then
# every character pairs the trail byte of one real character with the lead of the next, until a single-byte
# (ASCII 0x40–0x7E, or 0x80 shown as €) trail puts the decoder back in step. The scraper also folded
# full-width punctuation (A3xx) to ASCII (`!` `?`), and an s2t converter may have glossed the marker
# (`?zhí)`). We re-encode the run, drop the orphan trail byte and decode in step.
_MOJIBAKE = re.compile(r"[?\ufffd](?:[a-z\u00e0-\u01dc]+\))?((?:[^\x00-\x7f\s€]|[!?])+)([\x40-\x7e]|€)")
_MOJI_OK = re.compile(rf"[{CJK}{CJK_PUNCT}\u3000\uff01-\uff5e]+")
# lead byte A1 guessed for a lost punctuation char, only for these trails (the paragraph/sentence marks)
_LOST_PUNCT = {0xA1: "\u3000", 0xA2: "、", 0xA3: "。"}


def _moji_bytes(run: str, t2s: bool) -> bytes | None:
    out = bytearray()
    for ch in run:
        if ch in "!?":                      # folded full-width ！？ (A3A1, A3BF)
            out += bytes([0xA3, 0x80 + ord(ch)])
            continue
        if t2s:                             # undo an s2t converter that rewrote the mojibake itself
            ch = _t2s_char(ch)
        try:
            b = ch.encode("gb18030")
        except UnicodeEncodeError:
            return None
        if len(b) != 2:
            return None
        out += b
    return bytes(out)


# chars that a GBK stream read out of step produces and real text hardly ever holds: private use (GBK
# user-defined pairs), box drawing, bopomofo, enclosed numbers, small forms, kana, Greek/Cyrillic rows, €
_MOJI_SIGN = re.compile("[\ue000-\uf8ff\u2500-\u257f\u3100-\u312f\u2460-\u24ff\ufe30-\ufe6f"
                        "\u3040-\u30ff\u0391-\u03c9\u0401-\u0451€]")


def _repair_run(m: re.Match) -> str:
    run, trail = m.group(1), m.group(2)
    # a run must show a mojibake sign, unless it is only folded ！？ (`??h` = 。縣): plain CJK between a `?`
    # and a Latin letter is real text
    if not (_MOJI_SIGN.search(run) or trail == "€" or set(run) <= {"!", "?"}):
        return m.group(0)
    marker_plain = len(m.group(0)) == len(run) + 2      # `?` directly before the run, no gloss between
    tail = b"\x80" if trail == "€" else trail.encode("ascii")
    for t2s in (False, True):
        body = _moji_bytes(run, t2s)
        if body is None:
            continue
        data = body + tail
        lost_trail, data = data[0], data[1:]
        try:
            fixed = data.decode("gbk")
        except UnicodeDecodeError:
            continue
        if not _MOJI_OK.fullmatch(fixed):
            continue
        lead = _LOST_PUNCT.get(lost_trail, "") if marker_plain else ""
        return lead + fixed
    return m.group(0)


# UTF-8 bytes shown as GBK/GB18030 (`鏀垮簻` = 政府): re-encoding the run as GB18030 gives valid UTF-8.
# Only a run that kept every byte can be repaired; where the page showed U+FFFD a byte is gone, and the
# candidates for it are many (淮/淀/深…): such runs are left alone.
_UTF8_AS_GBK = re.compile(rf"[^\x00-\x7f\s{CJK_PUNCT}]{{3,}}")


def _gb2312_common(ch: str) -> bool:
    """In GB2312 level 1, the 3,755 most common hanzi."""
    try:
        b = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(b) == 2 and 0xB0 <= b[0] <= 0xD7


def _repair_utf8_run(m: re.Match) -> str:
    run = m.group(0)
    try:
        fixed = run.encode("gb18030").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return run
    if not _MOJI_OK.fullmatch(fixed):
        return run
    # real text re-encoded this way almost never decodes; when it does, it is the rarer reading that loses
    common_fixed = sum(map(_gb2312_common, fixed)) / len(fixed)
    common_run = sum(map(_gb2312_common, run)) / len(run)
    return fixed if common_fixed >= common_run + 0.3 else run


@lru_cache(maxsize=1)
def _utf8_runs() -> re.Pattern:
    """The runs of _UTF8_AS_GBK that _repair_utf8_run may repair: those whose first character can begin one.

    A repair is CJK or punctuation (_MOJI_OK), so the run's first two GB18030 bytes are the first two UTF-8
    bytes of such a character: few GBK codes (路 C2B7 for ·, GBK extension codes for the rest). Other runs are
    left as they are by _repair_utf8_run whatever they hold, so only these are tried: a report has hundreds of
    runs, and a Python call and a failed decode for each cost more than the rest of the step."""
    chars = [chr(o) for a, b in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xFF01, 0xFF5E))
             for o in range(a, b + 1)] + list(CJK_PUNCT + "\u3000")
    prefixes = {c.encode("utf-8")[:2] for c in chars}
    starts = set()
    for pair in prefixes:
        try:
            ch = pair.decode("gb18030")
        except UnicodeDecodeError:
            continue
        if len(ch) == 1 and ch.encode("gb18030") == pair:
            starts.add(ch)
    run = rf"[^\x00-\x7f\s{CJK_PUNCT}]"
    # a start char not preceded by a run char (the run's first), then the rest: _UTF8_AS_GBK's maximal runs
    return re.compile("[" + "".join(sorted(starts)) + rf"](?<!{run}.){run}{{2,}}")


def repair_mojibake(text: str, offs: list[int]) -> tuple[str, list[int]]:
    if "?" in text or "\ufffd" in text:
        text, offs = _sub(_MOJIBAKE, _repair_run, text, offs)
    text, offs = _sub(_utf8_runs(), _repair_utf8_run, text, offs)
    if "\ufffd" not in text:
        return text, offs
    # what is left of U+FFFD cannot be recovered: drop it rather than invent a character
    return _sub(re.compile("\ufffd"), lambda m: "", text, offs)


# ---------------------------------------------------------------------------------------------- 3. pinyin glosses

_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_PINYIN = re.compile(
    rf"(?<=[{CJK}])[(（]([a-zü{_TONED}]{{1,7}})[)）]"
)


_PINYIN_FAST = Fast(_PINYIN)      # tried at brackets only (ie.fastre), not after every CJK char


def strip_pinyin_glosses(text: str, offs: list[int]) -> tuple[str, list[int]]:
    """Drop `(wǎng)` after a CJK char; a gloss must carry a tone mark, so `(a)`, `(2018)`, `(以下简称…)` stay."""
    def repl(m: re.Match) -> str:
        return "" if any(c in _TONED for c in m.group(1)) else m.group(0)
    return _sub(_PINYIN_FAST, repl, text, offs)


# ---------------------------------------------------------------------------------------------- 4. radicals

# CJK Radicals Supplement U+2E80–U+2EF3 → ideograph ("" = no unified equivalent worth folding). NFKC only
# covers two of them; the Kangxi block (U+2F00–U+2FD5) and compatibility ideographs are handled by NFKC.
_SUPPLEMENT = (
    "", "厂", "", "", "乙", "亻", "冂", "几", "", "刂", "卜", "㔾", "小", "小", "兀", "尢",   # 2E80
    "尢", "尢", "巳", "幺", "彑", "彐", "忄", "心", "扌", "攵", "", "旡", "日", "月", "歺", "母",  # 2E90
    "民", "氵", "氺", "灬", "爫", "爫", "丬", "牛", "犭", "王", "疋", "罒", "示", "礻", "竹", "糸",  # 2EA0
    "纟", "罒", "罒", "罒", "罓", "罒", "羊", "羊", "", "耂", "肀", "聿", "月", "臼", "艹", "艹",  # 2EB0
    "艹", "虎", "衤", "襾", "西", "见", "角", "角", "讠", "贝", "足", "车", "辶", "辶", "辶", "阝",  # 2EC0
    "钅", "長", "镸", "长", "门", "阜", "阝", "雨", "青", "韦", "页", "风", "飞", "食", "飠", "飠",  # 2ED0
    "饣", "", "马", "骨", "鬼", "鱼", "鸟", "卤", "麦", "黄", "黾", "齐", "齐", "齿", "齿", "龙",  # 2EE0
    "龙", "龜", "龟", "龟",                                                                          # 2EF0
)
_RADICALS: dict[int, str] = {}
for _i, _c in enumerate(_SUPPLEMENT):
    if _c:
        _RADICALS[0x2E80 + _i] = _c
for _o in list(range(0x2F00, 0x2FD6)) + list(range(0xF900, 0xFB00)):
    _n = unicodedata.normalize("NFKC", chr(_o))
    if len(_n) == 1 and _n != chr(_o):
        _RADICALS[_o] = _n


_RADICAL_KEYS = _key_class(_RADICALS)


def fold_radicals(text: str, offs: list[int]) -> tuple[str, list[int]]:
    return _translate_1to1(_RADICALS, _RADICAL_KEYS, text, offs)


# ---------------------------------------------------------------------------------------------- 5. t2s

@lru_cache(maxsize=None)
def _t2s_char(ch: str) -> str:
    out = t2s_convert(ch)
    return out if len(out) == 1 else ch


@lru_cache(maxsize=1)
def _traditional_chars() -> frozenset[str]:
    """Every char that t2s changes on its own, read once from opencc's character table; lines without any
    of them are skipped, which makes simplified reports cost nothing."""
    import opencc as _m
    from pathlib import Path
    table = Path(_m.__file__).parent / "dictionary" / "TSCharacters.txt"
    chars = set()
    for line in table.read_text(encoding="utf-8").splitlines():
        key = line.split("\t", 1)[0]
        if len(key) == 1 and _t2s_char(key) != key:
            chars.add(key)
    return frozenset(chars)


@lru_cache(maxsize=1)
def _traditional_in_gb2312() -> re.Pattern:
    """The few traditional characters GB2312 can encode (乾, 後, 於 …), as one class."""
    chars = []
    for c in sorted(_traditional_chars()):
        try:
            c.encode("gb2312")
        except UnicodeEncodeError:
            continue
        chars.append(re.escape(c))
    return re.compile("[" + "".join(chars) + "]" if chars else "(?!)")


def _holds_traditional(text: str) -> bool:
    """Whether text holds a char of _traditional_chars. A set test over a str makes a Python object of every
    character; most reports encode in GB2312 (a C loop), and then only its dozen traditional chars can occur."""
    try:
        text.encode("gb2312")
    except UnicodeEncodeError:
        return not _traditional_chars().isdisjoint(text)
    return _traditional_in_gb2312().search(text) is not None


_LINE = re.compile(r"[^\n]+")


def to_simplified(text: str, offs: list[int]) -> tuple[str, list[int]]:
    """opencc t2s line by line (phrase-aware, ie.t2s); a line whose length would change is converted char by
    char."""
    trad = _traditional_chars()
    if not _holds_traditional(text):      # most reports hold no traditional character at all
        return text, offs

    def repl(m: re.Match) -> str:
        line = m.group(0)
        if trad.isdisjoint(line):
            return line
        out = t2s_convert(line)
        if len(out) != len(line):
            out = "".join(_t2s_char(c) for c in line)
        return out
    return _sub(_LINE, repl, text, offs)


# ---------------------------------------------------------------------------------------------- 6. width

# Full-width letters, digits and the number punctuation % . + - fold to ASCII so numbers and codes read the
# same everywhere. Chinese punctuation (，。：；（）《》“”、〔〕) is kept: document numbers and titles rely on
# it. U+3000 (ideographic space) becomes one ASCII space: it only ever separates or indents.
_WIDTH: dict[int, str] = {0x3000: " "}
for _o in range(0xFF10, 0xFF1A):
    _WIDTH[_o] = chr(_o - 0xFEE0)
for _o in list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B)):
    _WIDTH[_o] = chr(_o - 0xFEE0)
for _c in "％．＋－":
    _WIDTH[ord(_c)] = chr(ord(_c) - 0xFEE0)


_WIDTH_KEYS = _key_class(_WIDTH)


def fold_width(text: str, offs: list[int]) -> tuple[str, list[int]]:
    return _translate_1to1(_WIDTH, _WIDTH_KEYS, text, offs)


# ---------------------------------------------------------------------------------------------- 7. chrome

_CHROME_LINE = re.compile(
    r"^[ \t]*(?:"
    r"[-—–─]{1,2}[ \t]*\d{1,3}[ \t]*[-—–─]{1,2}"                     # - 4 -   — 4 —
    r"|第[ \t]*\d{1,3}[ \t]*页(?:[ \t,，/]*共[ \t]*\d{1,3}[ \t]*页)?"    # 第4页 共9页
    r"|共[ \t]*\d{1,3}[ \t]*页[ \t,，/]*第[ \t]*\d{1,3}[ \t]*页"
    r"|\d{1,3}[ \t]*/[ \t]*\d{1,3}"                                    # 4/9
    r"|[(（]重复率[:：][^)）\n]*[)）]"                                  # (重复率: 40%)
    r"|.*文字重复率[:：].*"                                           # comparison-tool header
    r"|(?:原文链接|本地目录)[:：].*"                                  # scraper header (标题/发布时间 kept)
    r"|页面链接与图片详见.*"
    r"|=+[ \t]*正文[ \t]*=+|正文"                                     # scraper / PDF-to-markdown marks
    r"|【?(?:打印|打印本页|打印此页|收藏|关闭|关闭本页|关闭窗口|返回顶部|返回|微信|微博|QQ空间|移动门户|OA办公"
    r"|我要纠错)】?"
    r"|(?:上一篇|下一篇)[:：].*"                                       # neighbour-article links mislead meta
    r"|分享到?(?:[ \t：:].{0,20})?|扫一扫.{0,20}"                          # only these carry a tail (分享到: 微信…)
    r")[ \t]*$\n?",
    re.M,
)
# chrome inside a line that also carries content (e.g. `发布日期:2013-02-10 00:00 浏览量:我要纠错 【字体:  `)
_CHROME_WORDS = r"(?:微信|微博|QQ空间|全真版|文字版|文件下载|相关链接[:：]?|打印|收藏|关闭|分享到?[:：]?|-->)"
_CHROME_INLINE = re.compile(
    r"<!--[^\n]*?-->|<!--|-->"                                          # leaked HTML comments and their halves
    r"|当前位置[:：][ \t]*首页\S*[ \t]*"                                # breadcrumb
    rf"|(?:(?<=\s)|^){_CHROME_WORDS}(?:[ \t]*{_CHROME_WORDS})+[ \t]*"   # a run of >=2 share/print buttons
    r"|[ \t]*(?:浏览量|浏览次数|点击数|点击量|访问量)[:：][ \t]*\d*"
    r"|[ \t]*【?字体[:：][ \t]*(?:[大中小][ \t]*)*】?"
    r"|[ \t]*我要纠错"
    r"|[ \t]*【(?:打印本页|关闭本页|关闭窗口|返回顶部|打印|关闭)】",
    re.M,
)


# Every match of _CHROME_INLINE holds one of these words, and starts at it or at the spaces (and 【) before it.
# The pattern is tried only there: tried at every character of a report it cost more than the rest of
# normalization. A look-ahead finds every occurrence, overlapping ones included; it is searched from the words'
# first characters (as ie.fastre does): a bare look-ahead is tried at every character, 5x slower.
_CHROME_KEY_WORDS = ("<!--", "-->", "当前位置", "微信", "微博", "QQ空间", "全真版", "文字版", "文件下载", "相关链接",
                     "打印", "收藏", "关闭", "分享", "浏览量", "浏览次数", "点击数", "点击量", "访问量", "字体",
                     "我要纠错", "返回顶部")
_CHROME_KEY_FIRST = "[" + re.escape("".join(sorted({w[0] for w in _CHROME_KEY_WORDS}))) + "]"
_CHROME_INLINE_KEYS = re.compile(
    f"{_CHROME_KEY_FIRST}(?<=(?=(?:{'|'.join(map(re.escape, _CHROME_KEY_WORDS))})){_CHROME_KEY_FIRST})")


def _chrome_inline_edits(text: str) -> list[tuple[int, int, str]]:
    """_CHROME_INLINE's matches, as deletions: the same as `finditer`, which tries each position from the end of
    the last match on; here only the positions a match can start at are tried, in the same order."""
    edits: list[tuple[int, int, str]] = []
    pos = 0
    for k in _CHROME_INLINE_KEYS.finditer(text):
        key = k.start()
        if key < pos:
            continue
        lo = key - 1 if key > 0 and text[key - 1] == "【" else key
        while lo > pos and text[lo - 1] in " \t":
            lo -= 1
        for q in range(max(lo, pos), key + 1):
            m = _CHROME_INLINE.match(text, q)
            if m:
                edits.append((m.start(), m.end(), ""))
                pos = m.end()
                break
    return edits


def strip_chrome(text: str, offs: list[int]) -> tuple[str, list[int]]:
    """Remove page chrome. Lines with the title or 发布日期/发布时间 are kept (evidence for meta)."""
    text, offs = _apply(text, offs, _chrome_inline_edits(text))
    return _sub(_CHROME_LINE, lambda m: "", text, offs)


# ---------------------------------------------------------------------------------------------- 8. spaces

_TOKEN = r"[0-9A-Za-z][0-9A-Za-z.%+\-]*"
# a number/Latin token sitting inside a CJK sentence: CJK (or punct, or line start) on the left, CJK on the
# right, with at most one space on each side. The spaces removed always touch a CJK char, so two numbers are
# never joined; a token at the end of a line ("行政许可 0") keeps its space (table rows rely on it).
_SPACED = re.compile(
    rf"(?:(?<=[{CJK}{CJK_PUNCT}])|(?<=^))( ?)({_TOKEN})( ?)(?=[{CJK}{CJK_PUNCT}])", re.M
)
_LINE_EDGES = re.compile(r"^[ \t]+|[ \t]+$", re.M)


# both tried only where their matches can start (spaces, tabs, digits, letters: ie.fastre), the same matches
_SPACED_FAST = Fast(_SPACED)
_LINE_EDGES_FAST = Fast(_LINE_EDGES)


def tidy_spaces(text: str, offs: list[int]) -> tuple[str, list[int]]:
    text, offs = _sub(_LINE_EDGES_FAST, lambda m: "", text, offs)
    edits = []                       # delete only the spaces, so the token keeps its exact offsets
    for m in _SPACED_FAST.finditer(text):
        for g in (1, 3):
            if m.group(g):
                edits.append((m.start(g), m.end(g), ""))
    return _apply(text, offs, edits)


# ---------------------------------------------------------------------------------------------- pipeline

STEPS: tuple[Step, ...] = (
    fold_newlines_and_invisibles,
    repair_mojibake,
    strip_pinyin_glosses,
    fold_radicals,
    to_simplified,
    fold_width,
    strip_chrome,
    tidy_spaces,
)


def normalize(text: str) -> Normalized:
    offs = list(range(len(text) + 1))
    for step in STEPS:
        text, offs = step(text, offs)
    return Normalized(text, offs)


def normalize_document(doc: Document) -> Normalized:
    return normalize(doc.text)

"""Readers: one `Document` (text in reading order) per input file, or a `ReadError` naming the file and problem.

Formats: .txt/.md (any Chinese encoding; markdown markup is taken off .md), .html/.htm, .docx, .pdf. Tables from HTML, DOCX and PDF become one
line per row, `| c1 | c2 | … |`. A cell covered by a merged neighbour (colspan/rowspan, DOCX gridSpan/vMerge,
a pdfplumber `None`) is rendered EMPTY rather than repeated, so a value is never counted twice and every row
of a table keeps the same number of cells. Text inside a cell is joined without the line breaks of the
source (a vertical header `三、\\n本\\n年\\n度` becomes `三、本年度`).
"""
from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from ie.models import Document, ReadError

MAX_TEXT_BYTES = 5 * 1024 * 1024
FORMATS = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}


def max_text_bytes() -> int:
    env = os.environ.get("IE_MAX_TEXT_BYTES")
    return int(env) if env else MAX_TEXT_BYTES


def read_document(path: str | Path) -> Document:
    p = Path(path)
    fmt = FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise ReadError(str(p), f"unsupported file type {p.suffix or '(none)'!r}; expected one of "
                                + ", ".join(sorted(FORMATS)))
    if not p.is_file():
        raise ReadError(str(p), "file not found")
    limit = max_text_bytes()
    size = p.stat().st_size
    if size == 0:
        raise ReadError(str(p), "empty file")
    if fmt in ("txt", "md", "html") and size > limit:
        raise ReadError(str(p), f"text too large: {size} bytes > limit {limit} (set IE_MAX_TEXT_BYTES)")
    data = p.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if fmt in ("txt", "md"):
        text, enc = decode_text(data, str(p))
        if fmt == "md":
            text = strip_markdown(text)
    elif fmt == "html":
        text, enc = read_html(data, str(p))
    elif fmt == "docx":
        text, enc = read_docx(p), None
    else:
        text, enc = read_pdf(p), None
    if len(text.encode("utf-8")) > limit:
        raise ReadError(str(p), f"text too large: more than {limit} bytes of text (set IE_MAX_TEXT_BYTES)")
    if not text.strip():
        raise ReadError(str(p), "no text found")
    return Document(str(p), fmt, sha, text, enc)


# ---------------------------------------------------------------------------------------------- encodings

# The most frequent characters of Chinese (simplified; traditional candidates are scored after opencc t2s).
# A right decoding is made mostly of these; a wrong one (Big5 read as GBK or the reverse) mostly is not.
_COMMON = frozenset(
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道"
    "行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意"
    "无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什"
    "二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义"
    "各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金"
    "指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求"
    "据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林"
    "服快办议往元英士证近失转夫令准布始怎呢存未远叫台单影具罗字爱击流备兵连调深商算质团集百需价花党华城石级整"
    "府离况亚请技际约示复病息究线似官火断精满支视消越器容照须九增研写称企八功吗包片史委乎查轮申依诉讼审批项"
    "县镇街乡局厅署网站栏渠答申讯核编费减免额处罚强施规章范围索引号督监评考培训座谈宣传解读咨询热点回应"
)


def _score(text: str) -> float:
    """Share of CJK chars that are common ones, minus private-use/control noise; higher is more plausible."""
    from ie.normalize import _t2s_char
    cjk = common = noise = 0
    for ch in text:
        o = ord(ch)
        if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF:
            cjk += 1
            if ch in _COMMON or _t2s_char(ch) in _COMMON:
                common += 1
        elif 0xE000 <= o <= 0xF8FF or (o < 32 and ch not in "\r\n\t\f") or 0x3040 <= o <= 0x30FF:
            noise += 1
    if cjk == 0:
        return 0.0
    return (common - 3 * noise) / cjk


def _strict(data: bytes, enc: str) -> str | None:
    try:
        return data.decode(enc)
    except (UnicodeDecodeError, LookupError):
        return None


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """BOM → strict UTF-8 → GB18030 vs Big5 (the more plausible) → charset-normalizer, validated."""
    for bom, enc in ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16")):
        if data.startswith(bom):
            text = _strict(data, enc)
            if text is None:
                raise ReadError(path, f"wrong encoding or binary: {enc} byte-order mark but invalid {enc} data")
            return text, enc
    if b"\x00" in data:
        raise ReadError(path, "wrong encoding or binary: NUL bytes in a text file")
    text = _strict(data, "utf-8")
    if text is not None:
        return text, "utf-8"
    candidates = []
    for enc in ("gb18030", "big5"):
        text = _strict(data, enc)
        if text is not None:
            candidates.append((_score(text), enc, text))
    if not candidates:
        try:
            from charset_normalizer import from_bytes
            best = from_bytes(data).best()
        except Exception:           # detection is only a hint; any failure means no candidate
            best = None
        if best is not None:
            text = str(best)
            candidates.append((_score(text), best.encoding, text))
    candidates.sort(key=lambda c: -c[0])
    if not candidates or candidates[0][0] < 0.3:
        raise ReadError(path, "wrong encoding or binary: not UTF-8, GB18030 or Big5 Chinese text")
    _, enc, text = candidates[0]
    return text, enc


# ---------------------------------------------------------------------------------------------- shared helpers

_CJKCHAR = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _join(parts: list[str]) -> str:
    """Join text pieces of one cell/paragraph: no space between CJK pieces, one space otherwise."""
    out = ""
    for part in parts:
        part = re.sub(r"\s+", " ", part).strip()
        if not part:
            continue
        if out and not (_CJKCHAR.match(out[-1]) or _CJKCHAR.match(part[0])):
            out += " "
        out += part
    return out


def table_row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "｜") for c in cells) + " |"


def render_rows(rows: list[list[str | None]], raw_first: list[str | None] | None = None) -> list[str]:
    """Rows to lines. `None` marks a cell covered by a merged neighbour and is rendered empty. A row that is
    one cell spanning the whole table (a caption like `第二十条第（一）项`, a section heading, or framed prose
    that pdfplumber took for a table) is not a data row: it becomes plain text line(s)."""
    width = max((len(r) for r in rows), default=0)
    out = []
    for i, r in enumerate(rows):
        if width > 1 and r and r[0] and all(c is None for c in r[1:]) and len(r) == width:
            first = raw_first[i] if raw_first and raw_first[i] else r[0]
            out.extend(l.strip() for l in first.split("\n") if l.strip())
            continue
        cells = ["" if c is None else c for c in r] + [""] * (width - len(r))
        if any(cells):
            out.append(table_row(cells))
    return out


# ---------------------------------------------------------------------------------------------- markdown

_MD_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$", re.M)
_MD_RULE_ROW = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-{3,}:?[ \t]*\|)+[ \t]*(?::?-{3,}:?[ \t]*)?$\n?", re.M)
_MD_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_BR = re.compile(r"<br\s*/?>", re.I)


def strip_markdown(text: str) -> str:
    """Markdown as the text it prints, so a title or label never carries `#`/`**`: heading marks, bold marks
    and table rule rows (`|---|:---:|`) go; a `<br>` inside a table row joins the cell's lines like the
    HTML and DOCX readers do, elsewhere it is a line break."""
    text = _MD_HEADING.sub(r"\1", text)
    text = _MD_RULE_ROW.sub("", text)
    text = _MD_STRONG.sub(r"\2", text)
    return "\n".join(_MD_BR.sub("" if line.lstrip().startswith("|") else "\n", line)
                     for line in text.split("\n"))


# ---------------------------------------------------------------------------------------------- HTML

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_DROP_TAGS = ("script", "style", "nav", "header", "footer", "form", "noscript", "iframe", "button", "select",
              "input", "textarea", "svg", "head")
_BLOCK_TAGS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article",
               "blockquote", "pre", "dl", "dt", "dd", "tr", "hr", "center", "main", "aside", "address",
               "caption", "body", "html", "tbody", "thead", "tfoot"}


def _html_decode(data: bytes, path: str) -> tuple[str, str]:
    m = _META_CHARSET.search(data[:4096])
    if m:
        enc = m.group(1).decode("ascii").lower()
        if enc in ("gb2312", "gbk", "x-gbk", "gb_2312-80"):
            enc = "gb18030"
        text = _strict(data, enc)
        if text is not None:
            return text, enc
    return decode_text(data, path)


def read_html(data: bytes, path: str) -> tuple[str, str]:
    from bs4 import BeautifulSoup, Comment

    text, enc = _html_decode(data, path)
    soup = BeautifulSoup(text, "lxml")
    for c in soup.find_all(string=lambda s: isinstance(s, Comment)):
        c.extract()
    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    lines: list[str] = []
    buf: list[str] = []

    def flush():
        line = _join(buf)
        if line:
            lines.append(line)
        buf.clear()

    def walk(node):
        for child in node.children:
            name = getattr(child, "name", None)
            if name is None:
                buf.append(str(child))
            elif name == "table" and _is_data_table(child):
                flush()
                lines.extend(render_rows(_html_table_rows(child)))
            elif name in _BLOCK_TAGS or name in ("table", "td", "th"):
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    walk(soup)
    flush()
    return "\n".join(lines) + "\n", enc


def _rows(table):
    """Direct rows of a table (not those of nested tables)."""
    return [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]


def _is_data_table(table) -> bool:
    """A layout table (one cell per row, or holding other tables) is read as blocks, not rows."""
    rows = _rows(table)
    if not rows or table.find("table"):
        return False
    return max(len(tr.find_all(["td", "th"], recursive=False)) for tr in rows) >= 2


def _span(cell, attr: str) -> int:
    try:
        return max(1, min(int(cell.get(attr, 1)), 100))
    except (TypeError, ValueError):
        return 1


def _html_table_rows(table) -> list[list[str | None]]:
    out: list[list[str | None]] = []
    pending: dict[int, int] = {}          # column → rows still covered by a rowspan from above
    for tr in _rows(table):
        row: list[str] = []
        col = 0
        for cell in tr.find_all(["td", "th"], recursive=False):
            while pending.get(col):
                pending[col] -= 1
                row.append(None)
                col += 1
            row.append(_join(list(cell.stripped_strings)))
            rs, cs = _span(cell, "rowspan"), _span(cell, "colspan")
            for k in range(cs):
                if k:
                    row.append(None)
                if rs > 1:
                    pending[col + k] = rs - 1
            col += cs
        while pending.get(col):
            pending[col] -= 1
            row.append(None)
            col += 1
        out.append(row)
    return out


# ---------------------------------------------------------------------------------------------- DOCX

def read_docx(p: Path) -> str:
    try:
        import docx
        from docx.oxml.ns import qn
        d = docx.Document(str(p))
    except Exception as exc:           # python-docx raises zipfile/KeyError/lxml errors for broken files
        raise ReadError(str(p), f"corrupt DOCX: {type(exc).__name__}: {exc}") from exc
    lines: list[str] = []
    for el in d.element.body.iterchildren():
        if el.tag == qn("w:p"):
            line = _join(["".join(t.text or "" for t in el.iter(qn("w:t")))])
            if line:
                lines.append(line)
        elif el.tag == qn("w:tbl"):
            lines.extend(render_rows(_docx_rows(el, qn)))
    return "\n".join(lines) + "\n"


def _docx_rows(tbl, qn) -> list[list[str | None]]:
    rows = []
    for tr in tbl.iterchildren(qn("w:tr")):
        row = []
        for tc in tr.iterchildren(qn("w:tc")):
            pr = tc.find(qn("w:tcPr"))
            span, cont = 1, False
            if pr is not None:
                gs = pr.find(qn("w:gridSpan"))
                if gs is not None:
                    span = int(gs.get(qn("w:val"), "1"))
                vm = pr.find(qn("w:vMerge"))
                cont = vm is not None and vm.get(qn("w:val"), "continue") == "continue"
            paras = ["".join(t.text or "" for t in para.iter(qn("w:t"))) for para in tc.iter(qn("w:p"))]
            row.append(None if cont else _join(paras))
            row.extend([None] * (span - 1))
        rows.append(row)
    return rows


# ---------------------------------------------------------------------------------------------- PDF

_PAGE_MARK = re.compile(
    r"^\s*(?:[-—–─]\s*\d{1,3}\s*[-—–─]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?"
    r"|共\s*\d{1,3}\s*页\s*[,，/]?\s*第\s*\d{1,3}\s*页|\d{1,3}(?:\s*/\s*\d{1,3})?|page\s*\d+)\s*$",
    re.I,
)


def read_pdf(p: Path) -> str:
    try:
        import pdfplumber
        pages = []
        with pdfplumber.open(str(p)) as pdf:
            for page in pdf.pages:
                pages.append(_pdf_page_lines(page))
    except ReadError:
        raise
    except Exception as exc:           # pdfminer raises many types for truncated or damaged files
        raise ReadError(str(p), f"truncated or corrupt PDF: {type(exc).__name__}: {exc}") from exc
    if not any(line.strip() for lines in pages for line in lines):
        raise ReadError(str(p), "PDF has no text layer (scanned image?)")
    pages = _drop_running_lines(pages)
    return "\n".join(line for lines in pages for line in lines) + "\n"


def _pdf_page_lines(page) -> list[str]:
    """Text of one page top to bottom, each real table (>= 2 columns) rendered as pipe rows in place."""
    tables = []
    for t in page.find_tables():
        rows = t.extract()
        if rows and max(sum(c is not None for c in r) for r in rows) >= 2:
            tables.append((t.bbox, rows))
    tables.sort(key=lambda t: t[0][1])
    lines: list[str] = []
    top = 0.0
    for (x0, t0, x1, b0), rows in tables + [((0, page.height + 1, 0, page.height + 1), None)]:
        band = page.filter(lambda o, a=top, b=t0: o.get("object_type") != "char"
                           or a <= (o["top"] + o["bottom"]) / 2 < b)
        text = band.extract_text() or ""
        lines.extend(l for l in text.split("\n") if l.strip())
        if rows is not None:
            lines.extend(render_rows([[None if c is None else _pdf_cell(c) for c in r] for r in rows],
                                     raw_first=[r[0] for r in rows]))
        top = b0
    return lines


_CJK_GAP = re.compile(r"(?<=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]) +(?=[\u3000-\u303f\u3400-\u9fff\uff00-\uffef])")


def _pdf_cell(cell: str | None) -> str:
    """One cell on one line; spaces pdfplumber puts between letter-spaced CJK chars (`总 计`) removed."""
    return _CJK_GAP.sub("", _join((cell or "").split("\n")))


def _drop_running_lines(pages: list[list[str]]) -> list[list[str]]:
    """Drop page marks and running headers/footers: the first/last line of a page when it is a page number
    (`- 4 -`, `第 3 页`, `4`) or when the same line opens/closes most pages."""
    def key(line: str) -> str:
        return re.sub(r"\d+", "#", line.strip())

    n = len(pages)
    firsts = [key(lines[0]) for lines in pages if lines]
    lasts = [key(lines[-1]) for lines in pages if lines]
    repeated = {k for k in set(firsts + lasts)
                if n >= 3 and max(firsts.count(k), lasts.count(k)) >= max(3, (n + 1) // 2)}
    out = []
    for lines in pages:
        lines = list(lines)
        for _ in range(2):              # a footer may sit under a running footer line, or over it
            if lines and not lines[-1].startswith("|") and (
                    _PAGE_MARK.match(lines[-1]) or key(lines[-1]) in repeated):
                lines.pop()
            if lines and not lines[0].startswith("|") and (
                    _PAGE_MARK.match(lines[0]) or key(lines[0]) in repeated):
                lines.pop(0)
        out.append(lines)
    return out

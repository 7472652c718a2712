"""Readers: encodings, HTML/DOCX tables, the corpus PDFs, and bad inputs."""
from __future__ import annotations

import hashlib

import pytest

from ie.models import ReadError
from ie.normalize import normalize
from ie.read import read_document
from ie.paths import corpus_dir

SAMPLE = ("株洲市人民政府2018年政府信息公开工作年度报告\n"
          "本报告根据《中华人民共和国政府信息公开条例》的要求编制。全年主动公开政府信息4022条，"
          "受理政府信息公开申请50件，已全部按程序办结。\n")
SAMPLE_TW = ("株洲市人民政府2018年政府資訊公開工作年度報告\n"
             "本報告根據《中華人民共和國政府資訊公開條例》的要求編制。全年主動公開政府資訊4022條，"
             "受理政府資訊公開申請50件，已全部按程序辦結。\n")


def write(tmp_path, name, data: bytes):
    p = tmp_path / name
    p.write_bytes(data)
    return p


# ------------------------------------------------------------------------------------------------- encodings

@pytest.mark.parametrize("enc,expect", [
    ("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("gb18030", "gb18030"), ("gbk", "gb18030"),
    ("utf-16", "utf-16"),
])
def test_read_text_encodings(tmp_path, enc, expect):
    data = SAMPLE.encode(enc)
    doc = read_document(write(tmp_path, "r.txt", data))
    assert doc.text == SAMPLE
    assert doc.encoding == expect
    assert doc.format == "txt"
    assert doc.sha256 == hashlib.sha256(data).hexdigest()


def test_read_big5_text(tmp_path):
    doc = read_document(write(tmp_path, "r.md", SAMPLE_TW.encode("big5")))
    assert doc.text == SAMPLE_TW
    assert doc.encoding == "big5"
    assert doc.format == "md"


def test_read_short_gb18030_is_not_utf16(tmp_path):
    # charset-normalizer reads short GB18030 like this as UTF-16; the reader must not
    text = "政府信息公开工作年度报告，受理申请21件。"
    doc = read_document(write(tmp_path, "s.txt", text.encode("gb18030")))
    assert doc.text == text


def test_read_prefers_gbk_when_big5_also_decodes(tmp_path):
    # these GBK bytes are valid Big5 too (淉葬陓洘鼠羲): the common-character score decides
    doc = read_document(write(tmp_path, "g.txt", "政府信息公开".encode("gbk")))
    assert doc.text == "政府信息公开" and doc.encoding == "gb18030"
    doc = read_document(write(tmp_path, "b.txt", "政府資訊公開".encode("big5")))
    assert doc.text == "政府資訊公開" and doc.encoding == "big5"


def test_read_keeps_crlf_for_normalize(tmp_path):
    doc = read_document(write(tmp_path, "c.txt", "第一行\r\n第二行\r\n".encode("utf-8")))
    assert doc.text == "第一行\r\n第二行\r\n"
    assert normalize(doc.text).text == "第一行\n第二行\n"


# ------------------------------------------------------------------------------------------------- HTML

HTML = """<html><head><meta charset="gb2312"><title>t</title><style>p{}</style>
<script>var x = "脚本";</script></head><body>
<nav>首页 | 政务公开</nav><header>网站头部</header>
<h1>某县2020年政府信息公开工作年度报告</h1>
<!-- 注释不要 -->
<p>发布日期：2021-01-20</p><p>一、总体情况<br>全年主动公开信息<b>1136</b>条。</p>
<table border="1">
<tr><th>信息内容</th><th>本年制发件数</th><th>本年废止件数</th></tr>
<tr><td>规章</td><td>0</td><td>1</td></tr>
<tr><td rowspan="2">行政<br>规范性文件</td><td colspan="2">5</td></tr>
<tr><td>7</td><td>8</td></tr>
<tr><td colspan="3">第二十条第（五）项</td></tr>
</table>
<form><input value="搜索"></form><footer>版权所有</footer>
</body></html>"""


def test_read_html_main_text_and_table(tmp_path):
    doc = read_document(write(tmp_path, "r.html", HTML.encode("gb18030")))
    assert doc.format == "html" and doc.encoding == "gb18030"
    lines = doc.text.splitlines()
    assert lines[0] == "某县2020年政府信息公开工作年度报告"
    assert "发布日期：2021-01-20" in lines
    assert "一、总体情况" in lines and "全年主动公开信息1136条。" in lines
    assert "| 信息内容 | 本年制发件数 | 本年废止件数 |" in lines
    assert "| 规章 | 0 | 1 |" in lines
    # colspan and rowspan continuation cells are left empty, so every row keeps three cells
    assert "| 行政规范性文件 | 5 |  |" in lines
    assert "|  | 7 | 8 |" in lines
    # a row that is one cell across the table is a caption line, not a data row
    assert "第二十条第（五）项" in lines
    for chrome in ("脚本", "注释不要", "首页", "网站头部", "搜索", "版权所有", "p{}"):
        assert chrome not in doc.text


def test_read_html_without_meta_detects_encoding(tmp_path):
    html = "<html><body><p>" + SAMPLE + "</p></body></html>"
    doc = read_document(write(tmp_path, "r.htm", html.encode("gbk")))
    assert "政府信息公开工作年度报告" in doc.text


# ------------------------------------------------------------------------------------------------- DOCX

def test_read_docx_paragraphs_and_tables_in_order(tmp_path):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph("二、主动公开政府信息情况")
    t = d.add_table(rows=3, cols=3)
    for r, row in enumerate([["信息内容", "本年制发件数", "现行有效件数"], ["规章", "0", "5"], ["合并", "", ""]]):
        for c, v in enumerate(row):
            t.cell(r, c).text = v
    t.cell(2, 1).merge(t.cell(2, 2)).text = "9"
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    p = tmp_path / "r.docx"
    d.save(str(p))
    doc = read_document(p)
    assert doc.format == "docx"
    assert doc.text.splitlines() == [
        "二、主动公开政府信息情况",
        "| 信息内容 | 本年制发件数 | 现行有效件数 |",
        "| 规章 | 0 | 5 |",
        "| 合并 | 9 |  |",
        "三、收到和处理政府信息公开申请情况",
    ]


def test_read_corrupt_docx(tmp_path):
    p = write(tmp_path, "bad.docx", b"PK\x03\x04 this is not a zip archive")
    with pytest.raises(ReadError, match=r"bad\.docx.*corrupt DOCX"):
        read_document(p)


# ------------------------------------------------------------------------------------------------- PDF

def _pdf(name):
    p = corpus_dir() / "orig" / name
    if not p.is_file():
        pytest.skip(f"corpus PDF {p} not found")
    return p


def test_read_pdf_huaian_tables_and_footers():
    doc = read_document(_pdf("huaian_2024.pdf"))
    lines = doc.text.splitlines()
    assert doc.format == "pdf"
    assert lines[0] == "淮安市人民政府"
    assert not any(l.strip() in {f"- {i} -" for i in range(1, 10)} for l in lines)
    # the vertical row header split into single characters comes back as one label
    assert "| 三、本年度办理结果 | （一）予以公开 |  | 1288 | 21 | 0 | 0 | 50 | 3 | 1362 |" in lines
    assert "| 一、本年新收政府信息公开申请数量 |  |  | 3001 | 53 | 0 | 0 | 61 | 4 | 3119 |" in lines
    assert "| 72 | 64 | 178 | 37 | 351 | 13 | 4 | 8 | 1 | 26 | 12 | 1 | 1 | 6 | 20 |" in lines
    assert "| 规章 | 1 | 0 | 11 |" in lines
    # prose around the tables is kept in order
    assert doc.text.index("二、主动公开政府信息情况") < doc.text.index("| 规章 | 1 | 0 | 11 |") \
        < doc.text.index("五、存在的主要问题及改进情况")


@pytest.mark.parametrize("stem", ["hongze_2023", "hongze_2024"])
def test_read_pdf_hongze_matches_text_version(stem):
    doc = read_document(_pdf(f"{stem}.pdf"))
    txt = (corpus_dir() / f"{stem}.txt").read_text(encoding="utf-8")
    prose = [l for l in doc.text.splitlines() if not l.startswith("|")]
    assert not any(l.strip().startswith("- ") and l.strip().endswith(" -") for l in prose)
    # every prose line of the PDF read is a line of pdfplumber's plain text version
    txt_lines = {l.strip() for l in txt.splitlines()}
    missing = [l for l in prose if l.strip() not in txt_lines]
    assert len(missing) <= len(prose) * 0.05, missing[:5]
    assert any(l.startswith("| 行政规范性文件 |") for l in doc.text.splitlines())
    assert "一律不准发布。" in prose or stem == "hongze_2024"


def test_read_pdfs_normalize_clean():
    for name in ("hongze_2023.pdf", "hongze_2024.pdf", "huaian_2024.pdf"):
        t = normalize(read_document(_pdf(name)).text).text
        assert "2024 年" not in t and "2023 年" not in t
        assert "\ufffd" not in t


def test_read_truncated_pdf(tmp_path):
    data = _pdf("hongze_2023.pdf").read_bytes()[:2048]
    p = write(tmp_path, "cut.pdf", data)
    with pytest.raises(ReadError, match=r"cut\.pdf.*(truncated or corrupt PDF|no text)"):
        read_document(p)


# ------------------------------------------------------------------------------------------------- bad inputs

def test_read_empty_file(tmp_path):
    with pytest.raises(ReadError, match=r"e\.txt: empty file"):
        read_document(write(tmp_path, "e.txt", b""))


def test_read_missing_file(tmp_path):
    with pytest.raises(ReadError, match=r"nope\.txt: file not found"):
        read_document(tmp_path / "nope.txt")


def test_read_unsupported_extension(tmp_path):
    with pytest.raises(ReadError, match=r"x\.xls: unsupported file type"):
        read_document(write(tmp_path, "x.xls", b"abc"))


def test_read_binary_content(tmp_path):
    data = bytes(range(256)) * 8
    with pytest.raises(ReadError, match=r"b\.txt: wrong encoding or binary"):
        read_document(write(tmp_path, "b.txt", data))


def test_read_wrong_encoding(tmp_path):
    # Latin-1 French is neither UTF-8 nor Chinese
    data = ("Rapport annuel sur la publicité des informations gouvernementales. " * 5).encode("latin-1")
    with pytest.raises(ReadError, match=r"w\.txt: wrong encoding or binary"):
        read_document(write(tmp_path, "w.txt", data))


def test_read_text_too_large(tmp_path):
    data = (SAMPLE * (10 * 1024 * 1024 // len(SAMPLE.encode()) + 1)).encode("utf-8")
    p = write(tmp_path, "big.txt", data)
    with pytest.raises(ReadError, match=r"big\.txt: text too large"):
        read_document(p)


def test_read_limit_from_env(tmp_path, monkeypatch):
    monkeypatch.setenv("IE_MAX_TEXT_BYTES", "100")
    with pytest.raises(ReadError, match="text too large"):
        read_document(write(tmp_path, "m.txt", SAMPLE.encode("utf-8")))


def test_read_corpus_text_files_fast():
    import time
    d = corpus_dir()
    files = sorted(d.glob("*.txt"))
    if not files:
        pytest.skip(f"corpus not found at {d}")
    t0 = time.perf_counter()
    for f in files:
        doc = read_document(f)
        assert doc.encoding == "utf-8" and doc.text
    assert time.perf_counter() - t0 < 1.0


# ------------------------------------------------------------------------------------------------- markdown

def test_read_markdown_markup_taken_off(tmp_path):
    md = ("# 某市2024年政府信息公开工作年度报告\n\n## 一、总体情况 ##\n**二、主动公开政府信息情况**\n"
          "| 信息内容 | 本年制发件数 |\n|:---|---:|\n| 1.属于国家<br>秘密 | 3 |\n第一行<br/>第二行\n")
    doc = read_document(write(tmp_path, "r.md", md.encode("utf-8")))
    assert doc.text.splitlines() == [
        "某市2024年政府信息公开工作年度报告", "", "一、总体情况", "二、主动公开政府信息情况",
        "| 信息内容 | 本年制发件数 |", "| 1.属于国家秘密 | 3 |", "第一行", "第二行"]


def test_read_txt_keeps_markdown_as_printed(tmp_path):
    doc = read_document(write(tmp_path, "r.txt", "## 表二：主动公开\n".encode("utf-8")))
    assert doc.text == "## 表二：主动公开\n"

"""The same report in every input format gives the same table cells through the public pipeline.

One report (淮安市人民政府 2024, its tables as printed in orig/huaian_2024.pdf, values from the hand-made gold
gold/tables/huaian_2024.json) is written into tmp_path as HTML (national-template <table>s with rowspan/colspan
headers), DOCX (merged header cells), markdown, a GB18030 .txt (pdfplumber-like space-separated rows) and a Big5
.txt of the traditional text (one cell per line, like a scraped page). Each goes through
`extract_file(path, use_model=False)`; every cell of Tables 2–4 must equal the gold and each other.
The three corpus PDFs are compared with their .txt versions and the gold the same way.
"""
from __future__ import annotations

import json

import pytest

from ie.extract import extract_file
from ie.paths import GOLD_DIR, corpus_dir
from ie.schema import schema_errors

SECTIONS = ("proactive", "applications", "review_litigation")
L, U = "<", "^"          # a cell covered by its left / upper neighbour (merged)

# ------------------------------------------------------------------------------------------------ the report

TITLE = "淮安市人民政府2024年政府信息公开工作年度报告"
PROSE_TOP = [
    TITLE,
    "本报告由淮安市人民政府办公室根据《中华人民共和国政府信息公开条例》规定编制。",
    "一、总体情况",
    "2024年，市政府网站主动公开各类政府信息5500余条，全年受理政府信息公开申请3119件。",
    "二、主动公开政府信息情况",
]
PROSE_T3 = ["三、收到和处理政府信息公开申请情况"]
PROSE_T4 = ["四、政府信息公开行政复议、行政诉讼情况"]
PROSE_END = [
    "五、存在的主要问题及改进情况",
    "政策解读质量仍需提升，个别单位政策解读内容简单、形式单一。",
    "六、其他需要报告的事项",
    "全年收取政府信息公开信息处理费3940元。",
]

T2 = [
    ["第二十条第（一）项", L, L, L],
    ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
    ["规章", "1", "0", "11"],
    ["行政规范性文件", "8", "26", "66"],
    ["第二十条第（五）项", L, L, L],
    ["信息内容", "本年处理决定数量", L, L],
    ["行政许可", "447228", L, L],
    ["第二十条第（六）项", L, L, L],
    ["信息内容", "本年处理决定数量", L, L],
    ["行政处罚", "3985758", L, L],
    ["行政强制", "88283", L, L],
    ["第二十条第（八）项", L, L, L],
    ["信息内容", "本年收费金额（单位：万元）", L, L],
    ["行政事业性收费", "96171.6", L, L],
]

# (group, subgroup, item, gold key) as printed; a None subgroup/item is covered by the label on its left.
T3_BODY = [
    ("一、本年新收政府信息公开申请数量", None, None, "new_received"),
    ("二、上年结转政府信息公开申请数量", None, None, "carried_over"),
    ("三、本年度办理结果", "（一）予以公开", None, "granted"),
    ("三、本年度办理结果", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None, "partially_granted"),
    ("三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "denied_state_secret"),
    ("三、本年度办理结果", "（三）不予公开", "2.其他法律行政法规禁止公开", "denied_prohibited"),
    ("三、本年度办理结果", "（三）不予公开", "3.危及“三安全一稳定”", "denied_security_stability"),
    ("三、本年度办理结果", "（三）不予公开", "4.保护第三方合法权益", "denied_third_party"),
    ("三、本年度办理结果", "（三）不予公开", "5.属于三类内部事务信息", "denied_internal_affairs"),
    ("三、本年度办理结果", "（三）不予公开", "6.属于四类过程性信息", "denied_process_info"),
    ("三、本年度办理结果", "（三）不予公开", "7.属于行政执法案卷", "denied_enforcement_file"),
    ("三、本年度办理结果", "（三）不予公开", "8.属于行政查询事项", "denied_query"),
    ("三、本年度办理结果", "（四）无法提供", "1.本机关不掌握相关政府信息", "unavailable_not_held"),
    ("三、本年度办理结果", "（四）无法提供", "2.没有现成信息需要另行制作", "unavailable_needs_creation"),
    ("三、本年度办理结果", "（四）无法提供", "3.补正后申请内容仍不明确", "unavailable_unclear"),
    ("三、本年度办理结果", "（五）不予处理", "1.信访举报投诉类申请", "rejected_petition"),
    ("三、本年度办理结果", "（五）不予处理", "2.重复申请", "rejected_duplicate"),
    ("三、本年度办理结果", "（五）不予处理", "3.要求提供公开出版物", "rejected_publication"),
    ("三、本年度办理结果", "（五）不予处理", "4.无正当理由大量反复申请", "rejected_excessive"),
    ("三、本年度办理结果", "（五）不予处理", "5.要求行政机关确认或重新出具已获取信息", "rejected_reconfirm"),
    ("三、本年度办理结果", "（六）其他处理",
     "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other_no_correction"),
    ("三、本年度办理结果", "（六）其他处理",
     "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other_unpaid_fee"),
    ("三、本年度办理结果", "（六）其他处理", "3.其他", "other_misc"),
    ("三、本年度办理结果", "（七）总计", None, "results_total"),
    ("四、结转下年度继续办理", None, None, "carried_forward"),
]
T3_COLS = ("natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org", "total")
T4_COLS = ("upheld", "corrected", "other", "pending", "total")


def gold() -> dict:
    return json.loads((GOLD_DIR / "tables" / "huaian_2024.json").read_text(encoding="utf-8"))


def _num(v) -> str:
    return "" if v is None else str(v)


def table3(g: dict) -> list[list[str]]:
    grid = [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", L, L, "申请人情况"] + [L] * 6,
        [U, U, U, "自然人", "法人或其他组织", L, L, L, L, "总计"],
        [U, U, U, U, "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", U],
    ]
    prev = None
    for group, sub, item, key in T3_BODY:
        same_group = prev is not None and prev[0] == group
        c0 = U if same_group else group
        if sub is None:
            c1 = L
        else:
            c1 = U if same_group and prev[1] == sub else sub
        c2 = item if item is not None else L
        grid.append([c0, c1, c2] + [_num(g["applications"][key][c]) for c in T3_COLS])
        prev = (group, sub)
    return grid


def table4(g: dict) -> list[list[str]]:
    words = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    rl = g["review_litigation"]
    return [
        ["行政复议", L, L, L, L, "行政诉讼"] + [L] * 9,
        words + ["未经复议直接起诉", L, L, L, L, "复议后起诉", L, L, L, L],
        [U] * 5 + words + words,
        [_num(rl[b][c]) for b in ("review", "litigation_direct", "litigation_after_review") for c in T4_COLS],
    ]


def blocks(g: dict) -> list:
    """The report as a list of paragraphs (str) and tables (grids)."""
    return PROSE_TOP + [T2] + PROSE_T3 + [table3(g)] + PROSE_T4 + [table4(g)] + PROSE_END


def spans(grid: list[list[str]]):
    """(row, col, text, rowspan, colspan) of every cell that is not covered by a merged neighbour."""
    for r, row in enumerate(grid):
        for c, text in enumerate(row):
            if text in (L, U):
                continue
            cs = 1
            while c + cs < len(row) and row[c + cs] == L:
                cs += 1
            rs = 1
            while r + rs < len(grid) and grid[r + rs][c] == U:
                rs += 1
            yield r, c, text, rs, cs


def origin_rows(grid):
    """Per row, the printed (origin) cells in order."""
    rows = [[] for _ in grid]
    for r, _, text, _, _ in spans(grid):
        rows[r].append(text)
    return rows


# ------------------------------------------------------------------------------------------------ writers

def write_html(path, g):
    out = ["<html><head><meta charset=\"utf-8\"><title>" + TITLE + "</title></head><body>"]
    for b in blocks(g):
        if isinstance(b, str):
            out.append(f"<p>{b}</p>")
            continue
        out.append("<table border=\"1\">")
        rows = [[] for _ in b]
        for r, _, text, rs, cs in spans(b):
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            rows[r].append(f"<td{attrs}>{text}</td>")
        out += ["<tr>" + "".join(cells) + "</tr>" for cells in rows]
        out.append("</table>")
    out.append("</body></html>")
    path.write_text("\n".join(out), encoding="utf-8")


def _fill_plain(cell, text):
    cell.text = text


def _fill_messy(cell, text):
    """One paragraph per line, each line split into two runs (as Word stores edited labels)."""
    cell.text = ""
    para = cell.paragraphs[0]
    for i, line in enumerate(text.split("\n")):
        if i:
            para = cell.add_paragraph()
        half = len(line) // 2
        para.add_run(line[:half])
        para.add_run(line[half:])


def write_docx(path, g, grid=lambda b: b, fill=_fill_plain):
    docx = pytest.importorskip("docx")
    d = docx.Document()
    for b in blocks(g):
        if isinstance(b, str):
            d.add_paragraph(b)
            continue
        b = grid(b)
        t = d.add_table(rows=len(b), cols=len(b[0]))
        for r, c, text, rs, cs in spans(b):
            cell = t.cell(r, c)
            if rs > 1 or cs > 1:
                cell = cell.merge(t.cell(r + rs - 1, c + cs - 1))
            fill(cell, text)
    d.save(str(path))


def pipe_lines(grid, markdown: bool) -> list[str]:
    lines = []
    for i, row in enumerate(grid):
        lines.append("| " + " | ".join("" if c in (L, U) else c for c in row) + " |")
        if markdown and i == 0:
            lines.append("|" + "---|" * len(row))
    return lines


def write_markdown(path, g):
    lines = []
    for b in blocks(g):
        if isinstance(b, str):
            lines += ["", ("# " if b == TITLE else "## " if b[1:2] == "、" else "") + b, ""]
        else:
            lines += [""] + pipe_lines(b, markdown=True) + [""]
    path.write_text("\n".join(lines), encoding="utf-8")


def spaced_lines(grid) -> list[str]:
    """pdfplumber-like text: the printed cells of a row on one line, separated by spaces."""
    return [" ".join(cells) for cells in origin_rows(grid) if cells]


def cell_per_line(grid) -> list[str]:
    """A scraped page: one printed cell per line ending in `|`, a lone `|` between rows."""
    lines = []
    for cells in origin_rows(grid):
        if cells:
            lines.append("|")
            lines += [f"{c} |" for c in cells]
    return lines


def text_lines(g, render) -> str:
    lines = []
    for b in blocks(g):
        lines += [b] if isinstance(b, str) else render(b)
    return "\n".join(lines) + "\n"


def write_gb18030(path, g):
    path.write_bytes(text_lines(g, spaced_lines).encode("gb18030"))


def write_big5(path, g):
    import opencc

    traditional = opencc.OpenCC("s2tw").convert(text_lines(g, cell_per_line))
    assert traditional != text_lines(g, cell_per_line)        # it really is traditional text
    path.write_bytes(traditional.encode("big5"))


WRITERS = {
    "report.html": write_html,
    "report.docx": write_docx,
    "report.md": write_markdown,
    "report_gb18030.txt": write_gb18030,
    "report_big5.txt": write_big5,
}


# ------------------------------------------------------------------------------------------------ checks

def check_report(report: dict, template: str) -> None:
    assert schema_errors(report) == []
    assert report["meta"]["template"] == template
    text = report["text"]
    for path, ev in report["evidence"].items():
        if "start" in ev and not ev.get("approximate"):
            assert text[ev["start"]:ev["end"]] == ev["quote"], path


def table_issues(report: dict) -> list[dict]:
    return [i for i in report["issues"] if i["code"].startswith("table") or i["code"].startswith("t3")
            or i["code"].startswith("t4")]


@pytest.fixture(scope="module")
def format_reports(tmp_path_factory):
    g = gold()
    d = tmp_path_factory.mktemp("formats")
    out = {}
    for name, write in WRITERS.items():
        write(d / name, g)
        out[name] = extract_file(d / name, use_model=False)
    return g, out


@pytest.mark.parametrize("name", list(WRITERS))
def test_e2e_formats_every_cell_equals_gold(format_reports, name):
    g, reports = format_reports
    report = reports[name]
    check_report(report, g["template"])
    for sec in SECTIONS:
        assert report.get(sec) == g[sec], f"{name}: {sec} differs from the gold"
    assert table_issues(report) == [], name
    # every cell has evidence quoting the printed digits
    for key, row in g["applications"].items():
        for col, v in row.items():
            ev = report["evidence"][f"applications.{key}.{col}"]
            assert ev["quote"].strip() == str(v), (name, key, col)


def test_e2e_formats_all_formats_agree(format_reports):
    _, reports = format_reports
    first, *rest = reports
    for name in rest:
        for sec in SECTIONS:
            assert reports[name].get(sec) == reports[first].get(sec), f"{name} vs {first}: {sec}"
        assert reports[name]["meta"] == reports[first]["meta"], name
        assert reports[name]["prose"] == reports[first]["prose"], name
    assert reports[first]["meta"]["title"] == TITLE and reports[first]["meta"]["year"] == 2024


def test_e2e_formats_html_keeps_merged_header_cells_empty(tmp_path):
    """The rowspan/colspan header of Table 3 reaches the text as empty cells, never as repeated labels."""
    from ie.read import read_document

    p = tmp_path / "r.html"
    write_html(p, gold())
    text = read_document(p).text
    assert "| 三、本年度办理结果 | （一）予以公开 |  | 1288 |" in text
    assert "|  | （三）不予公开 | 1.属于国家秘密 | 2 |" in text
    assert "|  |  | 2.其他法律行政法规禁止公开 | 30 |" in text
    assert text.count("三、本年度办理结果") == 1


# ------------------------------------------------------------------------------------------------ corpus PDFs

PDF_STEMS = ("hongze_2023", "hongze_2024", "huaian_2024")


@pytest.mark.parametrize("stem", PDF_STEMS)
def test_e2e_formats_pdf_equals_txt_and_gold(stem):
    pdf = corpus_dir() / "orig" / f"{stem}.pdf"
    txt = corpus_dir() / f"{stem}.txt"
    if not (pdf.exists() and txt.exists()):
        pytest.skip(f"corpus files for {stem} not available")
    g = json.loads((GOLD_DIR / "tables" / f"{stem}.json").read_text(encoding="utf-8"))
    from_pdf = extract_file(pdf, use_model=False)
    from_txt = extract_file(txt, use_model=False)
    for report in (from_pdf, from_txt):
        check_report(report, g["template"])
    for sec in SECTIONS:
        assert from_pdf.get(sec) == from_txt.get(sec), f"{stem}: {sec} differs between PDF and txt"
        assert from_pdf.get(sec) == g[sec], f"{stem}: {sec} differs from the gold"


# ------------------------------------------------------------------------------------------------ messier sources

VERTICAL = "三、\n本\n年\n度\n办\n理\n结\n果"


def messy(grid):
    """The grid as real sites print it: the 办理结果 header vertical (a line break per character), the long
    labels broken over two lines."""
    out = []
    for row in grid:
        new = []
        for c in row:
            if c == "三、本年度办理结果":
                c = VERTICAL
            elif c == "1.属于国家秘密":
                c = "1.属于国家\n秘密"
            elif c.startswith("（二）部分公开"):
                c = "（二）部分公开（区分处理的，只计\n这一情形，不计其他情形）"
            new.append(c)
        out.append(new)
    return out


def write_html_messy(path, g):
    """A GB2312 page: chrome around the report, the report inside a layout table, <th> headers, <p>/<br> inside
    cells, &nbsp; in blank cells."""
    out = ['<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
           f"<title>{TITLE}</title></head><body><div class=nav>首页 &gt; 政务公开</div>",
           "<table width=100%><tr><td>", f"<h2>{TITLE}</h2>",
           "<p>发布日期：2025-01-20　浏览量：1024</p><!-- 正文开始 -->"]
    for b in blocks(g):
        if isinstance(b, str):
            out.append(f"<p style='text-indent:2em'>&nbsp;&nbsp;{b}</p>")
            continue
        b = messy(b)
        out.append('<table border="1" cellspacing="0"><tbody>')
        rows = [[] for _ in b]
        for r, _, text, rs, cs in spans(b):
            attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
            tag = "th" if r == 0 else "td"
            body = "<br/>".join(text.split("\n")) if text else "&nbsp;"
            rows[r].append(f"<{tag}{attrs}><p><span>{body}</span></p></{tag}>")
        out += ["<tr>" + "".join(cells) + "</tr>" for cells in rows]
        out.append("</tbody></table>")
    out += ["</td></tr></table>", "<div>【打印本页】 【关闭本页】</div>", "</body></html>"]
    path.write_bytes("\n".join(out).encode("gb18030"))


def write_docx_messy(path, g):
    """DOCX whose vertical header has one paragraph per character and whose labels are split into runs."""
    write_docx(path, g, grid=messy, fill=_fill_messy)


def write_markdown_messy(path, g):
    """PDF-to-markdown: <br> inside cells, **bold** headings."""
    lines = []
    for b in blocks(g):
        if isinstance(b, str):
            lines += ["", f"**{b}**" if b[1:2] == "、" else b, ""]
            continue
        for i, row in enumerate(messy(b)):
            lines.append("| " + " | ".join("" if c in (L, U) else c.replace("\n", "<br>") for c in row) + " |")
            if i == 0:
                lines.append("|" + ":---:|" * len(row))
    path.write_text("\n".join(lines), encoding="utf-8")


MESSY = {"messy.html": write_html_messy, "messy.docx": write_docx_messy, "messy.md": write_markdown_messy}


@pytest.mark.parametrize("name", list(MESSY))
def test_e2e_formats_messy_sources_every_cell_equals_gold(tmp_path, name):
    g = gold()
    MESSY[name](tmp_path / name, g)
    report = extract_file(tmp_path / name, use_model=False)
    check_report(report, g["template"])
    for sec in SECTIONS:
        assert report.get(sec) == g[sec], f"{name}: {sec} differs from the gold"
    assert table_issues(report) == [], name
    assert report["meta"]["title"] == TITLE

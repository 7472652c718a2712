"""Print known table values the way reports arrive: for tests and benchmarks of the table stage.

`render(values, template, layout)` writes Tables 2–4 (schema-keyed values, e.g. a gold file or a checked
extraction) as plain text in one of the layouts the corpus shows. What the stage reads back from it can then be
compared with the values cell by cell, for layouts and bodies no rule was written on.
"""
from __future__ import annotations

from itertools import groupby

from ie.tables.table2 import COLUMNS as T2_COLUMNS, ROW_LABELS as T2_LABELS
from ie.validate import ROW_LABELS as T3_LABELS, T4_COLS

T3_COLS = ["natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org", "total"]
T4_BLOCKS = ["review", "litigation_direct", "litigation_after_review"]
T2_HEAD = {"gov2019": "信息内容 本年新制作数量 本年新公开数量 对外公开总数量",
           "gov2021": "信息内容 本年制发件数 本年废止件数 现行有效件数"}
T3_HEAD = ["三、收到和处理政府信息公开申请情况", "申请人情况", "自然人", "法人或其他组织", "总计",
           "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
T4_HEAD = ["四、政府信息公开行政复议、行政诉讼情况", "行政复议", "行政诉讼"] + \
    ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3
END = "五、存在的主要问题及改进情况\n问题很多。\n"
LAYOUTS = ("lines", "runs", "dropped", "pipes", "label_block", "run_together")

Row = tuple[str, str, list[tuple[str, object]]]   # (table, label, [(field path, value)])


def grid(values: dict, template: str) -> list[Row]:
    """Every printed row of the tables, in template order."""
    out: list[Row] = []
    for row, cols in (values.get("proactive") or {}).items():
        out.append(("t2", T2_LABELS[row], [(f"proactive.{row}.{c}", cols.get(c)) for c in T2_COLUMNS[template][row]]))
    for row, cols in (values.get("applications") or {}).items():
        label = T3_LABELS[row].split("）")[-1] if row.startswith(("denied_", "unavailable_", "rejected_", "other_")) \
            else T3_LABELS[row]
        out.append(("t3", label, [(f"applications.{row}.{c}", cols.get(c)) for c in T3_COLS]))
    rl = values.get("review_litigation") or {}
    out.append(("t4", "", [(f"review_litigation.{b}.{c}", (rl.get(b) or {}).get(c)) for b in T4_BLOCKS
                           for c in T4_COLS]))
    return out


def fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v).removesuffix(".0")
    return str(v)


def render_rows(values: dict, template: str, cell_lines, drop_row: str | None = None) -> str:
    """Label on its own line, then `cell_lines(row values)` (a list of lines) for each row."""
    lines = ["二、主动公开政府信息情况", "第二十条第（一）项", T2_HEAD[template]]
    for table, label, cells in grid(values, template):
        if table == "t3" and T3_HEAD[0] not in lines:
            lines += T3_HEAD
        if table == "t4":
            lines += T4_HEAD
        if label == drop_row:
            continue
        if label:
            lines.append(label)
        lines += cell_lines([v for _, v in cells])
    return "\n".join(lines) + "\n" + END


def render_pipes(values: dict, template: str) -> str:
    """Markdown/HTML-style pipe rows; a None cell is printed blank between its pipes."""
    lines = ["二、主动公开政府信息情况", "第二十条第（一）项", "| " + T2_HEAD[template].replace(" ", " | ") + " |"]
    for table, label, cells in grid(values, template):
        if table == "t3" and T3_HEAD[0] not in lines:
            lines += [T3_HEAD[0], "| 申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |"]
        if table == "t4":
            lines += [T4_HEAD[0], "| " + " | ".join(T4_HEAD[3:]) + " |"]
        vals = [fmt(v) for _, v in cells]
        lines.append("| " + " | ".join([label] + vals if label else vals) + " |")
    return "\n".join(lines) + "\n" + END


def render_label_block(values: dict, template: str) -> str:
    """Table 3's labels in one block, its number rows in the next (PDF-to-markdown)."""
    text = render_rows(values, template, lambda vals: [" ".join(fmt(v) for v in vals)])
    head, _, tail = text.partition(T3_HEAD[-1] + "\n")
    _, _, rest = tail.partition(T4_HEAD[0])
    t3 = [(label, cells) for t, label, cells in grid(values, template) if t == "t3"]
    floated = "\n".join(l for l, _ in t3) + "\n" + "\n".join(" ".join(fmt(v) for _, v in c) for _, c in t3) + "\n"
    return head + T3_HEAD[-1] + "\n" + floated + T4_HEAD[0] + rest


def render(values: dict, template: str, layout: str) -> str:
    if layout == "lines":
        return render_rows(values, template, lambda vals: [" ".join(fmt(v) for v in vals)])
    if layout == "runs":          # one cell per line, a run of equal neighbours printed once; every cell prints
        return render_rows(values, template, lambda vals: [fmt(v) or "/" for v, _ in groupby(vals)])
    if layout == "dropped":       # one cell per line, blank (None) cells left out
        return render_rows(values, template, lambda vals: [fmt(v) for v in vals if v is not None])
    if layout == "pipes":
        return render_pipes(values, template)
    if layout == "label_block":
        return render_label_block(values, template)
    if layout == "run_together":  # a scraped page: every row's digits glued, the whole table on one line
        return render_rows(values, template, lambda vals: ["".join(fmt(v) for v in vals)]).replace("\n", "")
    raise ValueError(f"unknown layout {layout!r}; one of {', '.join(LAYOUTS)}")

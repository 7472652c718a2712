"""The national tables as the report lays them out: header rows, label cells and one field path per data cell.

Rows and columns come from the table stage (ie.tables.table2/3/4 and ie.validate hold the grid and the Chinese
row/column labels); Table 2's section and column headers from the schema's fields.tsv
(`第二十条第（一）项·规章·本年制发件数`). Nothing here knows a report's values: ie.view.status colours the cells.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ie.tables.table2 import COLUMNS as T2_COLUMNS, ROW_LABELS as T2_ROW_LABELS, SPECS as T2_SPECS
from ie.tables.table3 import SPECS as T3_SPECS
from ie.validate import (APPLICANT_COLS, COL_LABELS, GROUPS, LEGAL_COLS, ROW_LABELS as T3_ROW_LABELS,
                         T4_BLOCKS, T4_COL_LABELS, T4_COLS)

TEMPLATES = ("gov2019", "gov2021")


@dataclass
class Head:
    """A header or label cell."""

    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass
class GridRow:
    labels: list[Head]                               # label cells printed at the row's start (spans included)
    paths: list[str]                                 # one field path per data cell, in printed order
    spans: list[int] = field(default_factory=list)   # colspan of each data cell (1 where empty)
    heading: bool = False                            # a sub-header row (labels only, e.g. Table 2's 第二十条 items)


@dataclass
class Table:
    key: str            # schema section: proactive, applications, review_litigation
    title: str
    head: list[list[Head]]
    rows: list[GridRow]

    @property
    def paths(self) -> list[str]:
        return [p for r in self.rows for p in r.paths]


def tables(template: str, report: dict, labels: dict[str, str] | None = None) -> list[Table]:
    """Tables 2–4 of a gov2019/gov2021 report (none for prose). `labels` is fields.tsv's path → Chinese label;
    `report` decides the rows a template makes optional (printed subtotals, the 法人 小计 column)."""
    if template not in TEMPLATES:
        return []
    labels = labels if labels is not None else field_labels(template)
    return [table2(template, labels), table3(template, report.get("applications") or {}), table4()]


def field_labels(template: str | None) -> dict[str, str]:
    """fields.tsv's path → Chinese label for `template` (gov2019 and gov2021 label some paths differently);
    empty where the schema folder cannot be read (the page then shows keys)."""
    try:
        from ie.schema import field_paths

        rows = field_paths()
    except OSError:
        return {}
    return {path: _bare(label) for path, templates, label in rows if template in templates or template is None}


def _bare(label: str) -> str:
    """The Chinese label without the schema's English notes: `…·小计 (only where printed)` → `…·小计`."""
    label = re.sub(r"\s*\([ -~]*\)", "", label)
    return re.sub(r"; [ -~]*$", "", label)


def table2(template: str, labels: dict[str, str]) -> Table:
    """二、主动公开: one block per 第二十条 item, each with its own 信息内容 header, as the templates print it."""
    cols = T2_COLUMNS[template]
    width = max(len(c) for c in cols.values())
    rows: list[GridRow] = []
    section = None
    for spec in T2_SPECS[template]:
        key = spec.key
        paths = [f"proactive.{key}.{c}" for c in cols[key]]
        parts = [labels.get(p, "").split("·") for p in paths]
        this = parts[0][0] if len(parts[0]) == 3 else ""
        if (this, cols[key]) != section:          # a new 第二十条 item, or new columns where labels are missing
            section = (this, cols[key])
            col_heads = [p[2] if len(p) == 3 else c for p, c in zip(parts, cols[key])]
            rows.append(GridRow([Head(this or "第二十条", colspan=1 + width)], [], heading=True))
            rows.append(GridRow([Head("信息内容")] + [Head(h, s) for h, s in zip(col_heads, _spans(len(paths), width))],
                                [], heading=True))
        row_label = parts[0][1] if len(parts[0]) == 3 else T2_ROW_LABELS.get(key, key)
        rows.append(GridRow([Head(row_label)], paths, _spans(len(paths), width)))
    return Table("proactive", "二、主动公开政府信息情况", [], rows)


def _spans(n: int, width: int) -> list[int]:
    """A block with fewer columns than the widest lets its last cell fill the row (as the report prints it)."""
    return [1] * (n - 1) + [width - n + 1] if n else []


def table3(template: str, apps: dict) -> Table:
    """三、收到和处理政府信息公开申请情况: 申请人情况 headers over two rows, row labels over up to three columns."""
    cols = list(APPLICANT_COLS)
    legal = any("legal_person_total" in (row or {}) for row in apps.values())
    if legal:
        cols.append("legal_person_total")
    cols.append("total")
    n_legal = len(LEGAL_COLS) + legal
    head = [[Head("申请人情况", colspan=3, rowspan=2), Head(COL_LABELS["natural_person"], rowspan=2),
             Head("法人或其他组织", colspan=n_legal), Head(COL_LABELS["total"], rowspan=2)],
            [Head("小计" if c == "legal_person_total" else COL_LABELS[c]) for c in cols[1:-1]]]
    # The rows the table stage decided the report prints (a gov2021 report may print （六）其他处理 as one row);
    # the template's rows where the table was not found at all.
    specs = [s.key for s in T3_SPECS[template]]
    keys = [k for k in specs if k in apps] + [k for k in apps if k not in specs] if apps else \
        [s.key for s in T3_SPECS[template] if not s.subtotal]
    results = [k for k in keys if k not in ("new_received", "carried_over", "carried_forward")]
    groups = {k: (sub, [sub] + list(items)) for sub, items in GROUPS for k in (sub, *items)}
    rows: list[GridRow] = []
    for k in keys:
        paths = [f"applications.{k}.{c}" for c in cols]
        labels: list[Head] = []
        if k not in results:
            labels.append(Head(T3_ROW_LABELS.get(k, k), colspan=3))
        else:
            if k == results[0]:
                labels.append(Head("三、本年度办理结果", rowspan=len(results)))
            labels += _result_labels(k, keys, groups)
        rows.append(GridRow(labels, paths, [1] * len(paths)))
    return Table("applications", "三、收到和处理政府信息公开申请情况", head, rows)


def _result_labels(k: str, keys: list[str], groups: dict) -> list[Head]:
    """A result row's labels: its group's (（三）不予公开 spanning its items) and its own; colspan 2 alone."""
    label = T3_ROW_LABELS.get(k, k)
    if k not in groups:
        return [Head(label, colspan=2)]
    sub, members = groups[k]
    shown = [m for m in members if m in keys]
    if shown == [sub]:                  # a group printed as one row (gov2019 （六）其他处理)
        return [Head(label, colspan=2)]
    out = []
    if k == shown[0]:
        out.append(Head(T3_ROW_LABELS[sub].replace(" 小计", ""), rowspan=len(shown)))
    own = "小计" if k == sub else label.split("）", 1)[-1]
    return out + [Head(own)]


def table4() -> Table:
    """四、行政复议、行政诉讼: 行政复议 and the two 行政诉讼 blocks over one row of 15 cells."""
    blocks = [T4_BLOCKS[b].split("·") for b in T4_BLOCKS]
    litigation = [b for b in blocks if len(b) == 2]
    head = [[Head(blocks[0][0], colspan=len(T4_COLS), rowspan=2), Head(litigation[0][0], colspan=len(T4_COLS) * 2)],
            [Head(b[1], colspan=len(T4_COLS)) for b in litigation],
            [Head(T4_COL_LABELS[c]) for _ in blocks for c in T4_COLS]]
    paths = [f"review_litigation.{b}.{c}" for b in T4_BLOCKS for c in T4_COLS]
    return Table("review_litigation", "四、政府信息公开行政复议、行政诉讼情况", head,
                 [GridRow([], paths, [1] * len(paths))])

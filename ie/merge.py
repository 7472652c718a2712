"""Where the running text and the tables say different things, keep both values and report it.

Nothing is overwritten here: the schema stores what the report prints, so `prose.*` keeps the text's value
and the table keeps the cell's; the issue names both paths and where each was read.
"""
from __future__ import annotations

import re

from ie.map import MapResult
from ie.models import Evidence, Issue, TableResult
from ie.numbers import doc_no_year, parse_number
from ie.schema import get_path

# prose field -> the table cells whose sum states the same thing
PROSE_VS_TABLE: dict[str, tuple[str, ...]] = {
    "applications_received": ("applications.new_received.total",),
    "reviews": ("review_litigation.review.total",),
    "lawsuits": ("review_litigation.litigation_direct.total", "review_litigation.litigation_after_review.total"),
}

# some reports state 收到 as new + carried over from last year: that sum agrees with the table too
_ALSO_ACCEPTED = {"applications_received": "applications.carried_over.total"}

# rows of a provincial 统计表 (指标名称 | 计量单位 | 本年度 | 历年累计) in prose-era reports
_STAT_ROWS: dict[str, re.Pattern] = {
    "proactive_total": re.compile(r"主动公开(?:政府)?(?:信息|文件)(?:总?数|条数)"),
    "applications_received": re.compile(r"受理(?:依)?申请公开(?:政府)?信息总数|受理申请(?:总)?数"),
    "reviews": re.compile(r"行政复议(?:案件)?数"),
    "lawsuits": re.compile(r"(?<!接受)行政诉讼(?:案件)?数"),
    "fees_yuan": re.compile(r"(?:收费|收取费用)(?:减免)?(?:金额|总额|数额)"),
}
_STAT_CELLS = re.compile(r"\s*(条|件|元|人次|次|个)?\s*(\d[\d.]*)\s*(\d[\d.]*)?")


def _get(values: dict, path: str):
    """A numeric cell at `path`, else None (blank cells and missing rows alike)."""
    node = get_path(values, path)
    return node if isinstance(node, (int, float)) and not isinstance(node, bool) else None


def _where(ev: Evidence | dict | None) -> str:
    if ev is None:
        return "?"
    s, e = (ev.start, ev.end) if isinstance(ev, Evidence) else (ev.get("start"), ev.get("end"))
    return f"{s}-{e}"


def prose_vs_tables(tables: TableResult | None, mapped: MapResult) -> list[Issue]:
    if tables is None or not tables.values:
        return []
    issues = []
    for fld, paths in PROSE_VS_TABLE.items():
        said = mapped.prose.get(fld)
        cells = [_get(tables.values, p) for p in paths]
        if said is None or any(c is None for c in cells):
            continue
        total = sum(cells)
        alt = _ALSO_ACCEPTED.get(fld)
        if alt and _get(tables.values, alt) is not None and said == total + _get(tables.values, alt):
            continue  # the text counted 新收 + 上年结转 together
        if said != total:
            where = ", ".join(f"{p} at {_where(tables.evidence.get(p))}" for p in paths)
            issues.append(Issue(
                "prose_table_mismatch", "warning",
                f"prose.{fld} says {said} (text at {_where(mapped.evidence.get('prose.' + fld))}) but the table "
                f"says {total} ({where})", [f"prose.{fld}", *paths]))
    return issues


def stat_table_values(text: str) -> dict[str, tuple[float, int, int]]:
    """{prose field: (本年度 value, start, end)} from a provincial 统计表 printed as text (spaced or run
    together: '行政复议数 件 0 0', '行政复议数件00'). The first row of each kind wins."""
    m = re.search(r"统计表\s*指标名称", text)
    if m is None:
        return {}
    start = m.end()
    out = {}
    for fld, pat in _STAT_ROWS.items():
        for m in pat.finditer(text, start):
            cell = _STAT_CELLS.match(text, m.end())
            if not cell or cell.group(1) is None:
                continue
            this_year = cell.group(2)
            if cell.group(3) is None and len(this_year) > 1:
                # run together ('346085376' does not say where 本年度 ends; '00' is 0|0): only equal halves
                half = len(this_year) // 2
                if len(this_year) % 2 or this_year[:half] != this_year[half:]:
                    continue
                this_year = this_year[:half]
            n = parse_number(this_year)
            if n is not None:
                out[fld] = (n.value, cell.start(2), cell.start(2) + len(this_year))
                break
    return out


def prose_vs_stat_table(text: str, mapped: MapResult) -> list[Issue]:
    if mapped.meta.get("template") not in (None, "prose"):
        return []
    issues = []
    for fld, (value, s, e) in stat_table_values(text).items():
        said = mapped.prose.get(fld)
        if said is None or said == value:
            continue
        issues.append(Issue(
            "prose_stat_table_mismatch", "warning",
            f"prose.{fld} says {said} (text at {_where(mapped.evidence.get('prose.' + fld))}) but the "
            f"统计表 says {value} (at {s}-{e})", [f"prose.{fld}"]))
    return issues


def future_documents(mapped: MapResult) -> list[Issue]:
    """A cited 文号 whose 〔year〕 is after the year the report was published cannot have been cited."""
    pub = mapped.meta.get("published_on")
    year = int(pub[:4]) if pub else (mapped.meta.get("year") + 1 if mapped.meta.get("year") else None)
    if year is None:
        return []
    issues = []
    for i, d in enumerate(mapped.documents):
        y = doc_no_year(d["doc_no"])
        if y is not None and y > year:
            issues.append(Issue(
                "doc_no_after_publication", "warning",
                f"documents[{i}] {d['doc_no']} (at {d['start']}-{d['end']}) is dated {y}, after the report's "
                f"publication year {year}", [f"documents.{i}.doc_no"]))
    return issues


def merge(tables: TableResult | None, mapped: MapResult, text: str) -> list[Issue]:
    """Issues where the text and a table disagree, and for document numbers dated after publication."""
    return prose_vs_tables(tables, mapped) + prose_vs_stat_table(text, mapped) + future_documents(mapped)

"""The national tables (2, 3, 4) of gov2019/gov2021 reports: `extract_tables(text, template) -> TableResult`.

Offsets in evidence are offsets into `text` (the normalized text), and every quote is text[start:end].
"""
from __future__ import annotations

from ie.models import Issue, TableResult
from ie.tables.cells import fold
from ie.tables.layout import find_regions
from ie.tables.table2 import extract_table2
from ie.tables.table3 import extract_table3
from ie.tables.table4 import extract_table4

__all__ = ["extract_tables"]


def extract_tables(text: str, template: str) -> TableResult:
    """Values of Tables 2–4 keyed like the schema; empty for prose reports (a provincial 统计表 is not a national table)."""
    result = TableResult(values={}, evidence={}, issues=[])
    if template not in ("gov2019", "gov2021"):
        return result
    folded = fold(text)
    regions = find_regions(folded)
    parts = (
        ("proactive", regions.t2, lambda r: extract_table2(text, folded, r, template), "表二"),
        ("applications", regions.t3, lambda r: extract_table3(text, folded, r, template), "表三"),
        ("review_litigation", regions.t4, lambda r: extract_table4(text, folded, r), "表四"),
    )
    for key, region, fn, name in parts:
        if region is None:
            result.issues.append(Issue("table_missing", "warning", f"{name} not found in a {template} report"))
            result.values[key] = {}
            continue
        values, evidence, issues = fn(region)
        result.values[key] = values
        result.evidence.update(evidence)
        result.issues.extend(issues)
    return result

"""Table 2 (主动公开政府信息情况): rows 规章 … 政府集中采购, columns by template."""
from __future__ import annotations

from ie.tables.layout import tokenize
from ie.tables.place import place_rows, spec
from ie.tables.reading import Reading

SPECS = {
    "gov2019": [
        spec("regulations", r"规章"), spec("normative_documents", r"规范性文件"), spec("licensing", r"行政许可"),
        spec("other_services", r"对外管理服务"), spec("penalty", r"行政处罚"), spec("coercion", r"行政强制"),
        spec("fees", r"事业性收费"), spec("procurement", r"集中采购"),
    ],
    "gov2021": [
        spec("regulations", r"规章"), spec("normative_documents", r"规范性文件"), spec("licensing", r"行政许可"),
        spec("penalty", r"行政处罚"), spec("coercion", r"行政强制"), spec("fees", r"事业性收费"),
    ],
}
COLUMNS = {
    "gov2019": {
        "regulations": ("made", "published", "total_published"),
        "normative_documents": ("made", "published", "total_published"),
        "licensing": ("prior_items", "change", "decisions"),
        "other_services": ("prior_items", "change", "decisions"),
        "penalty": ("prior_items", "change", "decisions"),
        "coercion": ("prior_items", "change", "decisions"),
        "fees": ("prior_items", "change"),
        "procurement": ("items", "amount_wan"),
    },
    "gov2021": {
        "regulations": ("issued", "repealed", "in_force"),
        "normative_documents": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",), "penalty": ("decisions",), "coercion": ("decisions",),
        "fees": ("amount_wan",),
    },
}
ROW_LABELS = {"regulations": "规章", "normative_documents": "规范性文件", "licensing": "行政许可",
              "other_services": "其他对外管理服务事项", "penalty": "行政处罚", "coercion": "行政强制",
              "fees": "行政事业性收费", "procurement": "政府集中采购"}


def read_table2(text: str, folded: str, region: tuple[int, int], template: str) -> Reading:
    """Table 2 rows placed by label. Table 2 has no identity: where a row can be filled several ways, only the
    cells every way agrees on are kept (or the prose settles it, ie.tables.prose_settle)."""
    t = "gov2021" if template == "gov2021" else "gov2019"
    rows = tokenize(folded, *region)
    placed, issues = place_rows(rows, SPECS[t], "表二")
    keys = [s.key for s in SPECS[t]]
    cols = {k: list(COLUMNS[t][k]) for k in keys}
    atoms = {k: placed[k].row.cells_for(len(cols[k])) for k in placed}
    want = {k: tuple(c == "amount_wan" for c in cols[k]) for k in keys}
    return Reading("表二", "proactive", keys, cols, atoms, set(), {k: placed[k].confidence for k in placed},
                   issues, None, ROW_LABELS, {}, integer=False, want_wan=want)

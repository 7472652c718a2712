"""Table 2 (主动公开政府信息情况): rows 规章 … 政府集中采购, columns by template."""
from __future__ import annotations

from ie.models import Evidence, Issue
from ie.tables.cells import cell_value
from ie.tables.layout import tokenize
from ie.tables.place import place_rows, spec
from ie.tables.split import candidate_splits

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


def extract_table2(text: str, folded: str, region: tuple[int, int], template: str):
    t = "gov2021" if template == "gov2021" else "gov2019"
    rows = tokenize(folded, *region)
    placed, issues = place_rows(rows, SPECS[t], "表二")
    values: dict = {}
    evidence: dict[str, Evidence] = {}
    for s in SPECS[t]:
        key, cols = s.key, COLUMNS[t][s.key]
        values[key] = {c: None for c in cols}
        fields = [f"proactive.{key}.{c}" for c in cols]
        p = placed.get(key)
        if p is None:
            issues.append(Issue("table_row_missing", "warning", f"表二: 行「{ROW_LABELS[key]}」 not found", fields))
            continue
        cands = candidate_splits(p.row.cells_for(len(cols)), len(cols))
        if not cands:
            issues.append(Issue("table_cells_count", "warning",
                                f"表二: 行「{ROW_LABELS[key]}」 prints {len(p.row.atoms)} cells for {len(cols)} columns; "
                                f"the missing cell cannot be told from its label, cells not placed", fields))
            continue
        # Table 2 has no identity: a cutting is taken cell by cell only where every cutting agrees.
        amb = []
        for i, c in enumerate(cols):
            opts = {(o[i].text, o[i].start) for o in cands}
            if len(opts) != 1:
                amb.append(c)
                continue
            cell = cands[0][i]
            v, note = cell_value(cell, want_wan=c == "amount_wan")
            values[key][c] = v
            conf = p.confidence * (1.0 if len(cands) == 1 and len(p.row.atoms) == len(cols) else 0.9)
            if cell.end > cell.start:   # a blank cell has nothing to quote
                evidence[f"proactive.{key}.{c}"] = Evidence(cell.start, cell.end, text[cell.start:cell.end], "table",
                                                           round(conf, 3), note=note)
        if amb:
            issues.append(Issue("table_split_ambiguous", "warning",
                                f"表二: 行「{ROW_LABELS[key]}」 digits run together ({''.join(a.text for a in p.row.atoms)}) "
                                f"and {len(cands)} cuttings fit; {'、'.join(amb)} left empty",
                                [f"proactive.{key}.{c}" for c in amb]))
    return values, evidence, issues

"""Table 3 (收到和处理政府信息公开申请情况): rows by label, cells by column, lost boundaries by the identities."""
from __future__ import annotations

import re
from itertools import product

from ie.models import Evidence, Issue
from ie.tables.cells import Cell, cell_value
from ie.tables.layout import tokenize
from ie.tables.place import Placed, RowSpec, place_rows, spec
from ie.tables.split import candidate_splits
from ie.validate import APPLICANT_COLS, COL_LABELS, ROW_LABELS, table3_checks

MAX_JOINT = 20000

_COMMON_HEAD = [
    spec("new_received", r"本年新收"),
    spec("carried_over", r"上年结转"),
    spec("granted", r"予以公开"),
    spec("partially_granted", r"部分公开"),
    spec("denied_total", r"不予公开", subtotal=True),
    spec("denied_state_secret", r"国家秘密"),
    spec("denied_prohibited", r"其他法律|法规禁止|禁止公开"),
    spec("denied_security_stability", r"三安全|一稳定|危及"),
    spec("denied_third_party", r"第三方"),
    spec("denied_internal_affairs", r"内部事务"),
    spec("denied_process_info", r"过程性"),
    spec("denied_enforcement_file", r"执法案卷"),
    spec("denied_query", r"查询事项"),
    spec("unavailable_total", r"无法提供", subtotal=True),
    spec("unavailable_not_held", r"不掌握"),
    spec("unavailable_needs_creation", r"另行制作|没有现成"),
    spec("unavailable_unclear", r"仍不明确|补正后"),
    spec("rejected_total", r"不予处理", subtotal=True),
    spec("rejected_petition", r"信访|举报投诉"),
    spec("rejected_duplicate", r"重复申请"),
    spec("rejected_publication", r"出版物"),
    spec("rejected_excessive", r"大量反复"),
    spec("rejected_reconfirm", r"确认或重新|重新出具|已获取信息"),
]
_TAIL = [
    spec("results_total", r"\(七\)总计|七\)总计"),
    spec("carried_forward", r"结转下年度|下年度继续"),
]
SPECS = {
    "gov2019": _COMMON_HEAD + [spec("other", r"其他处理")] + _TAIL,
    "gov2021": _COMMON_HEAD + [
        spec("other", r"其他处理", subtotal=True),
        spec("other_no_correction", r"逾期不补|不补正"),
        spec("other_unpaid_fee", r"收费通知|缴纳费用|不缴费|逾期未按"),
        spec("other_misc", r"[3３][.、§]*其他(?!法律|处理)"),
    ] + _TAIL,
}
OTHER_ITEMS = ("other_no_correction", "other_unpaid_fee", "other_misc")


def columns(header: str) -> list[str]:
    """Column keys in printed order; the 法人或其他组织 小计 column only where the header prints it."""
    cols = list(APPLICANT_COLS)
    if "小计" in header:
        cols.append("legal_person_total")
    return cols + ["total"]


def _row_ok(vals: list, cols: list[str]) -> bool:
    v = dict(zip(cols, [x or 0 for x in vals]))
    if "legal_person_total" in v:
        return (sum(v[c] for c in APPLICANT_COLS[1:]) == v["legal_person_total"]
                and v["natural_person"] + v["legal_person_total"] == v["total"])
    return sum(v[c] for c in APPLICANT_COLS) == v["total"]


def _values(cells: list[Cell]) -> list:
    return [cell_value(c)[0] for c in cells]


def extract_table3(text: str, folded: str, region: tuple[int, int], template: str):
    rows = tokenize(folded, *region)
    specs: list[RowSpec] = SPECS["gov2021" if template == "gov2021" else "gov2019"]
    first = next((r for r in rows if r.has_cells), None)
    # The header ends where the first number is printed (in scraped text the first row's label holds it).
    header = folded[region[0]:first.atoms[0].start] if first else folded[region[0]:region[1]]
    cols = columns(header)
    placed, issues = place_rows(rows, specs, "表三")

    required = [s.key for s in specs if not s.subtotal]
    if template == "gov2021" and "other" in placed and not any(k in placed for k in OTHER_ITEMS):
        required = [k for k in required if k not in OTHER_ITEMS]
    keys = [s.key for s in specs if s.key in placed or s.key in required]

    # Candidate cuttings per row; a row whose printed cells are already as many as the columns is taken as printed.
    cands: dict[str, list[list[Cell]]] = {}
    for key in keys:
        p = placed.get(key)
        if p is None:
            issues.append(Issue("table_row_missing", "warning", f"表三: 行「{ROW_LABELS[key]}」 not found",
                                [f"applications.{key}.{c}" for c in cols]))
            continue
        atoms = p.row.cells_for(len(cols))
        all_c = candidate_splits(atoms, len(cols))
        if not all_c:
            what = "more" if len(atoms) > len(cols) else "fewer"
            issues.append(Issue("table_cells_count", "warning",
                                f"表三: 行「{ROW_LABELS[key]}」 prints {len(atoms)} cells, {what} than its {len(cols)} columns; "
                                f"cells not placed", [f"applications.{key}.{c}" for c in cols]))
            continue
        if len(atoms) == len(cols):
            cands[key] = all_c
            continue
        ok = [c for c in all_c if _row_ok(_values(c), cols)]
        cands[key] = ok or all_c

    chosen, unresolved = _resolve(cands, cols, keys)
    values: dict = {}
    evidence: dict[str, Evidence] = {}
    for key in keys:
        row_vals = {c: None for c in cols}
        cells = chosen.get(key)
        p = placed.get(key)
        for i, c in enumerate(cols):
            cell = cells[i] if cells else None
            if cell is None:
                continue
            v, note = cell_value(cell)
            row_vals[c] = v
            conf = p.confidence * (1.0 if len(cands[key]) == 1 else 0.9)
            if cell.end > cell.start:   # a blank cell has nothing to quote
                evidence[f"applications.{key}.{c}"] = Evidence(cell.start, cell.end, text[cell.start:cell.end], "table",
                                                              round(conf, 3), note=note)
        values[key] = row_vals
    for key, col_idx in unresolved.items():
        fields = [f"applications.{key}.{cols[i]}" for i in col_idx]
        issues.append(Issue("table_split_ambiguous", "warning",
                            f"表三: 行「{ROW_LABELS[key]}」 digits run together and more than one cutting satisfies the "
                            f"table identities; columns {'、'.join(COL_LABELS[cols[i]] for i in col_idx)} left empty",
                            fields))
    return values, evidence, issues


def _resolve(cands: dict[str, list[list[Cell]]], cols: list[str], keys: list[str]):
    """Fix every cell that is the same in all cuttings consistent with the column identities."""
    fixed = {k: v[0] for k, v in cands.items() if len(v) == 1}
    amb = [k for k, v in cands.items() if len(v) > 1]
    if not amb:
        return fixed, {}
    solutions: list[dict[str, list[Cell]]] = []
    total = 1
    for k in amb:
        total *= len(cands[k])
    if total <= MAX_JOINT:
        base = {k: dict(zip(cols, _values(c))) for k, c in fixed.items()}
        amb_fields = {f"applications.{k}." for k in amb}
        for combo in product(*(cands[k] for k in amb)):
            apps = dict(base)
            for k, c in zip(amb, combo):
                apps[k] = dict(zip(cols, _values(c)))
            bad = any(not ch.ok and any(f.startswith(tuple(amb_fields)) for f in ch.fields)
                      for ch in table3_checks(apps))
            if not bad:
                solutions.append(dict(zip(amb, combo)))
    chosen = dict(fixed)
    unresolved: dict[str, list[int]] = {}
    for k in amb:
        options = [s[k] for s in solutions] if solutions else cands[k]
        row: list[Cell | None] = []
        for i in range(len(cols)):
            texts = {(o[i].text, o[i].start) for o in options}
            row.append(options[0][i] if len(texts) == 1 else None)
        if any(c is None for c in row):
            unresolved[k] = [i for i, c in enumerate(row) if c is None]
        chosen[k] = row
    return chosen, unresolved

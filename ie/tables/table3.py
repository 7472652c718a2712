"""Table 3 (收到和处理政府信息公开申请情况): rows by label, cells by column, lost boundaries by the identities."""
from __future__ import annotations

import re
from ie.tables.layout import tokenize
from ie.tables.place import RowSpec, mentioned, place_rows, spec
from ie.tables.reading import Reading
from ie.tables.solve import Identity
from ie.validate import APPLICANT_COLS, COL_LABELS, GROUPS, LEGAL_COLS, ROW_LABELS, result_rows

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
    if "小计" in re.sub(r"[\s|]", "", header):      # headers split per character (`小`/`计`) still count
        cols.append("legal_person_total")
    return cols + ["total"]


def identities(keys: list[str], cols: list[str]) -> list[Identity]:
    """Every identity of Table 3 over the printed rows `keys` (ie.validate checks the same ones)."""
    col = {c: i for i, c in enumerate(cols)}
    out: list[Identity] = []
    for r in keys:
        if "legal_person_total" in col:
            out.append(Identity(tuple((r, col[c]) for c in LEGAL_COLS), (r, col["legal_person_total"]), "row subtotal"))
            out.append(Identity(((r, col["natural_person"]), (r, col["legal_person_total"])), (r, col["total"]), "row"))
        else:
            out.append(Identity(tuple((r, col[c]) for c in APPLICANT_COLS), (r, col["total"]), "row"))
    present = {k: {} for k in keys}
    if "results_total" in present:
        rows = [r for r in result_rows(present) if r in present]
        for c in cols:
            out.append(Identity(tuple((r, col[c]) for r in rows), ("results_total", col[c]), "column"))
    if all(k in present for k in ("new_received", "carried_over", "results_total", "carried_forward")):
        for c in cols:
            out.append(Identity((("new_received", col[c]), ("carried_over", col[c])), ("results_total", col[c]),
                                "balance", more=(("carried_forward", col[c]),)))
    for sub, items in GROUPS:
        present_items = [r for r in items if r in present]
        if sub in present and present_items:
            for c in cols:
                out.append(Identity(tuple((r, col[c]) for r in present_items), (sub, col[c]), "subtotal"))
    return out


def read_table3(text: str, folded: str, region: tuple[int, int], template: str) -> "Reading":
    """What the text prints for Table 3: rows placed by label, their atoms, the columns."""
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
    # A row whose label is printed with no number at all (blank cells dropped): only where no number row
    # is left without a label, or that row could be the one it lost.
    orphans = any(i.code == "table_row_unplaced" for i in issues)
    empty = set() if orphans else (mentioned(rows, specs) - set(placed))
    return Reading("表三", "applications", keys, {k: cols for k in keys},
                   {k: placed[k].row.cells_for(len(cols)) for k in placed}, empty,
                   {k: placed[k].confidence for k in placed}, issues, identities, ROW_LABELS, COL_LABELS)

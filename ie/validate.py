"""Arithmetic checks of the national tables (SCHEMA.md "Checks that issues reports").

Every finding names the table, the row and the column (Chinese labels) and lists the field paths involved.
A check is skipped when one of its cells is missing or null: an unknown cell is not a contradiction.
"""
from __future__ import annotations

from dataclasses import dataclass

from ie.models import Issue

APPLICANT_COLS = ("natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org")
LEGAL_COLS = ("enterprise", "research", "nonprofit", "legal_service", "other_org")
ALL_COLS = APPLICANT_COLS + ("legal_person_total", "total")

COL_LABELS = {
    "natural_person": "自然人", "enterprise": "商业企业", "research": "科研机构", "nonprofit": "社会公益组织",
    "legal_service": "法律服务机构", "other_org": "其他", "legal_person_total": "法人或其他组织小计", "total": "总计",
}
ROW_LABELS = {
    "new_received": "一、本年新收政府信息公开申请数量", "carried_over": "二、上年结转政府信息公开申请数量",
    "granted": "（一）予以公开", "partially_granted": "（二）部分公开",
    "denied_total": "（三）不予公开 小计", "denied_state_secret": "（三）1.属于国家秘密",
    "denied_prohibited": "（三）2.其他法律行政法规禁止公开", "denied_security_stability": "（三）3.危及“三安全一稳定”",
    "denied_third_party": "（三）4.保护第三方合法权益", "denied_internal_affairs": "（三）5.属于三类内部事务信息",
    "denied_process_info": "（三）6.属于四类过程性信息", "denied_enforcement_file": "（三）7.属于行政执法案卷",
    "denied_query": "（三）8.属于行政查询事项", "unavailable_total": "（四）无法提供 小计",
    "unavailable_not_held": "（四）1.本机关不掌握相关政府信息", "unavailable_needs_creation": "（四）2.没有现成信息需要另行制作",
    "unavailable_unclear": "（四）3.补正后申请内容仍不明确", "rejected_total": "（五）不予处理 小计",
    "rejected_petition": "（五）1.信访举报投诉类申请", "rejected_duplicate": "（五）2.重复申请",
    "rejected_publication": "（五）3.要求提供公开出版物", "rejected_excessive": "（五）4.无正当理由大量反复申请",
    "rejected_reconfirm": "（五）5.要求行政机关确认或重新出具已获取信息", "other": "（六）其他处理",
    "other_no_correction": "（六）1.逾期不补正", "other_unpaid_fee": "（六）2.逾期未缴费", "other_misc": "（六）3.其他",
    "results_total": "（七）总计", "carried_forward": "四、结转下年度继续办理",
}
DENIED = ("denied_state_secret", "denied_prohibited", "denied_security_stability", "denied_third_party",
          "denied_internal_affairs", "denied_process_info", "denied_enforcement_file", "denied_query")
UNAVAILABLE = ("unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear")
REJECTED = ("rejected_petition", "rejected_duplicate", "rejected_publication", "rejected_excessive",
            "rejected_reconfirm")
OTHER_2021 = ("other_no_correction", "other_unpaid_fee", "other_misc")
GROUPS = (("denied_total", DENIED), ("unavailable_total", UNAVAILABLE), ("rejected_total", REJECTED),
          ("other", OTHER_2021))

T4_BLOCKS = {"review": "行政复议", "litigation_direct": "行政诉讼·未经复议直接起诉",
             "litigation_after_review": "行政诉讼·复议后起诉"}
T4_COLS = ("upheld", "corrected", "other", "pending", "total")
T4_COL_LABELS = {"upheld": "结果维持", "corrected": "结果纠正", "other": "其他结果", "pending": "尚未审结",
                 "total": "总计"}


@dataclass
class Check:
    code: str
    message: str
    fields: list[str]
    ok: bool


def _num(v):
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _fmt(x):
    return f"{x:g}" if isinstance(x, float) else str(x)


def _sum_check(code, message, parts: list[tuple[str, object]], whole: tuple[str, object]) -> Check | None:
    vals = [_num(v) for _, v in parts]
    w = _num(whole[1])
    if w is None or any(v is None for v in vals) or not parts:
        return None
    s = sum(vals)
    ok = abs(s - w) < 1e-6
    msg = f"{message}: 各项之和 {_fmt(s)} ≠ {_fmt(w)}" if not ok else message
    return Check(code, msg, [p for p, _ in parts] + [whole[0]], ok)


def result_rows(apps: dict) -> list[str]:
    """The rows whose sum is （七）总计: items where printed, else the printed subtotal."""
    rows = ["granted", "partially_granted"]
    for sub, items in GROUPS:
        present = [r for r in items if r in apps]
        if present:
            rows += present
        elif sub in apps:
            rows.append(sub)
    return rows


def table3_checks(apps: dict) -> list[Check]:
    out: list[Check] = []
    if not apps:
        return out
    cols = [c for c in ALL_COLS if any(c in (apps.get(r) or {}) for r in apps)]

    def cell(r, c):
        return f"applications.{r}.{c}", (apps.get(r) or {}).get(c)

    # Per column: results = （七）总计.
    if "results_total" in apps:
        rows = result_rows(apps)
        for c in cols:
            ch = _sum_check("table3_column_sum", f"表三 列「{COL_LABELS[c]}」: 办理结果各行之和应等于（七）总计",
                            [cell(r, c) for r in rows if r in apps], cell("results_total", c))
            if ch:
                out.append(ch)
    # Per row: applicant columns = 总计, 法人 columns = 小计.
    for r in apps:
        label = ROW_LABELS.get(r, r)
        row = apps[r] or {}
        if "legal_person_total" in row:
            ch = _sum_check("table3_legal_person_subtotal", f"表三 行「{label}」: 法人或其他组织五列之和应等于小计",
                            [cell(r, c) for c in LEGAL_COLS], cell(r, "legal_person_total"))
            if ch:
                out.append(ch)
            ch = _sum_check("table3_row_sum", f"表三 行「{label}」: 自然人 + 法人或其他组织小计应等于总计",
                            [cell(r, "natural_person"), cell(r, "legal_person_total")], cell(r, "total"))
        else:
            ch = _sum_check("table3_row_sum", f"表三 行「{label}」: 六类申请人之和应等于总计",
                            [cell(r, c) for c in APPLICANT_COLS], cell(r, "total"))
        if ch:
            out.append(ch)
    # 新收 + 结转 = 总计 + 结转下年度.
    if all(k in apps for k in ("new_received", "carried_over", "results_total", "carried_forward")):
        for c in cols:
            a, b = cell("new_received", c), cell("carried_over", c)
            t, f = cell("results_total", c), cell("carried_forward", c)
            vs = [_num(x[1]) for x in (a, b, t, f)]
            if any(v is None for v in vs):
                continue
            ok = abs(vs[0] + vs[1] - vs[2] - vs[3]) < 1e-6
            msg = f"表三 列「{COL_LABELS[c]}」: 本年新收 + 上年结转 应等于 （七）总计 + 结转下年度"
            if not ok:
                msg += f": {_fmt(vs[0])} + {_fmt(vs[1])} ≠ {_fmt(vs[2])} + {_fmt(vs[3])}"
            out.append(Check("table3_balance", msg, [a[0], b[0], t[0], f[0]], ok))
    # Printed subtotals = sum of their items.
    for sub, items in GROUPS:
        present = [r for r in items if r in apps]
        if sub in apps and present:
            for c in cols:
                ch = _sum_check("table3_subtotal", f"表三 行「{ROW_LABELS[sub]}」 列「{COL_LABELS[c]}」: 小计应等于所列各项之和",
                                [cell(r, c) for r in present], cell(sub, c))
                if ch:
                    out.append(ch)
    return out


def table4_checks(rl: dict) -> list[Check]:
    out = []
    for b, label in T4_BLOCKS.items():
        blk = rl.get(b) or {}
        if not blk:
            continue
        ch = _sum_check("table4_block_sum", f"表四 「{label}」: 维持 + 纠正 + 其他 + 尚未审结 应等于 总计",
                        [(f"review_litigation.{b}.{c}", blk.get(c)) for c in T4_COLS[:4]],
                        (f"review_litigation.{b}.total", blk.get("total")))
        if ch:
            out.append(ch)
    return out


def check_tables(values: dict, template: str | None = None) -> list[Issue]:
    """Issues for every failed table identity in `values` ({"applications": …, "review_litigation": …})."""
    if template == "prose" or not values:
        return []
    checks = table3_checks(values.get("applications") or {}) + table4_checks(values.get("review_litigation") or {})
    return [Issue(c.code, "warning", c.message, c.fields) for c in checks if not c.ok]

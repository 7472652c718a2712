import copy

from ie.validate import check_tables

COLS = ("natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org", "total")


def row(n=0, e=0, **extra):
    r = dict(zip(COLS, [n, e, 0, 0, 0, 0, n + e]))
    r.update(extra)
    return r


def consistent():
    apps = {k: row() for k in (
        "new_received", "carried_over", "granted", "partially_granted", "denied_state_secret", "denied_prohibited",
        "denied_security_stability", "denied_third_party", "denied_internal_affairs", "denied_process_info",
        "denied_enforcement_file", "denied_query", "unavailable_not_held", "unavailable_needs_creation",
        "unavailable_unclear", "rejected_petition", "rejected_duplicate", "rejected_publication",
        "rejected_excessive", "rejected_reconfirm", "other_no_correction", "other_unpaid_fee", "other_misc",
        "results_total", "carried_forward")}
    apps["new_received"] = row(10, 2)
    apps["carried_over"] = row(1)
    apps["granted"] = row(6, 2)
    apps["unavailable_not_held"] = row(3)
    apps["results_total"] = row(9, 2)
    apps["carried_forward"] = row(2)
    block = {"upheld": 1, "corrected": 0, "other": 1, "pending": 0, "total": 2}
    rl = {"review": dict(block), "litigation_direct": dict(block), "litigation_after_review": dict(block)}
    return {"proactive": {}, "applications": apps, "review_litigation": rl}


def codes(values):
    return [i.code for i in check_tables(values, "gov2021")]


def test_validate_consistent_tables_have_no_issue():
    assert check_tables(consistent(), "gov2021") == []


def test_validate_column_sum_names_row_column_and_fields():
    v = consistent()
    v["applications"]["granted"]["research"] = 1
    v["applications"]["granted"]["total"] = 9                   # row stays consistent, the column does not
    issues = check_tables(v, "gov2021")
    col = [i for i in issues if i.code == "table3_column_sum"]
    assert {"科研机构" in i.message or "总计" in i.message for i in col} == {True}
    research = next(i for i in col if "科研机构" in i.message)
    assert "表三" in research.message and "（七）总计" in research.message
    assert "applications.granted.research" in research.fields and "applications.results_total.research" in research.fields
    assert "table3_row_sum" not in codes(v)


def test_validate_row_sum():
    v = consistent()
    v["applications"]["carried_forward"]["total"] = 3
    issues = [i for i in check_tables(v, "gov2021") if i.code == "table3_row_sum"]
    assert len(issues) == 1 and "结转下年度" in issues[0].message
    assert "applications.carried_forward.total" in issues[0].fields


def test_validate_balance_new_plus_carried():
    v = consistent()
    v["applications"]["carried_over"] = row(2)                  # 10 + 2 ≠ 9 + 2 for 自然人 and 总计
    bal = [i for i in check_tables(v, "gov2021") if i.code == "table3_balance"]
    assert {("自然人" in i.message) or ("总计" in i.message) for i in bal} == {True} and len(bal) == 2


def test_validate_printed_subtotal_and_legal_person_column():
    v = consistent()
    v["applications"]["unavailable_total"] = row(4)             # items sum to 3
    v["applications"]["new_received"].update(legal_person_total=3)   # 法人 columns sum to 2
    found = codes(v)
    assert "table3_subtotal" in found and "table3_legal_person_subtotal" in found


def test_validate_table4_block_sum():
    v = consistent()
    v["review_litigation"]["litigation_direct"]["total"] = 5
    issues = check_tables(v, "gov2021")
    assert [i.code for i in issues] == ["table4_block_sum"]
    assert "未经复议直接起诉" in issues[0].message
    assert "review_litigation.litigation_direct.total" in issues[0].fields


def test_validate_null_cells_are_not_contradictions():
    v = consistent()
    v["applications"]["granted"]["natural_person"] = None
    v["review_litigation"]["review"]["upheld"] = None
    assert check_tables(v, "gov2021") == []


def test_validate_gov2019_other_row_and_prose():
    v = consistent()
    apps = v["applications"]
    for k in ("other_no_correction", "other_unpaid_fee", "other_misc"):
        apps.pop(k)
    apps["other"] = row(1)
    apps["results_total"] = row(10, 2)
    apps["carried_forward"] = row(1)
    assert check_tables(v, "gov2019") == []
    assert check_tables(copy.deepcopy(v), "prose") == []

"""merge: text vs table disagreements keep both values and name both places."""
from ie.map import MapResult
from ie.merge import merge, stat_table_values
from ie.models import Evidence, TableResult


def mapped(prose=None, documents=None, meta=None):
    ev = {f"prose.{k}": Evidence(10, 12, "8件", "rule") for k in (prose or {})}
    return MapResult(meta=meta or {"template": "gov2021", "year": 2023, "published_on": "2024-01-20"},
                     prose=prose or {}, documents=documents or [], evidence=ev)


def tables(apps_total=8, review_total=7, direct=1, after=2):
    values = {"applications": {"new_received": {"total": apps_total}},
              "review_litigation": {"review": {"total": review_total},
                                    "litigation_direct": {"total": direct},
                                    "litigation_after_review": {"total": after}}}
    evidence = {"applications.new_received.total": Evidence(500, 501, "9", "table")}
    return TableResult(values=values, evidence=evidence)


def test_merge_agreeing_text_and_table_give_no_issue():
    assert merge(tables(), mapped({"applications_received": 8, "reviews": 7, "lawsuits": 3}), "") == []


def test_merge_application_mismatch_names_both_places():
    issues = merge(tables(apps_total=9), mapped({"applications_received": 8}), "")
    assert [i.code for i in issues] == ["prose_table_mismatch"]
    i = issues[0]
    assert i.fields == ["prose.applications_received", "applications.new_received.total"]
    assert "10-12" in i.message and "500-501" in i.message and "8" in i.message and "9" in i.message


def test_merge_lawsuits_compare_with_both_litigation_blocks():
    issues = merge(tables(direct=1, after=2), mapped({"lawsuits": 4}), "")
    assert issues and issues[0].fields == ["prose.lawsuits", "review_litigation.litigation_direct.total",
                                           "review_litigation.litigation_after_review.total"]


def test_merge_missing_cell_is_not_a_mismatch():
    t = tables()
    t.values["review_litigation"]["review"]["total"] = None
    assert merge(t, mapped({"reviews": 3}), "") == []


def test_merge_document_dated_after_publication():
    docs = [{"doc_no": "国办发〔2023〕1号", "title": None, "start": 0, "end": 9},
            {"doc_no": "国办发〔2025〕2号", "title": None, "start": 20, "end": 29}]
    issues = merge(None, mapped(documents=docs), "")
    assert [i.code for i in issues] == ["doc_no_after_publication"]
    assert issues[0].fields == ["documents.1.doc_no"] and "20-29" in issues[0].message


def test_merge_document_check_without_publication_date_allows_next_year():
    docs = [{"doc_no": "国办发〔2024〕1号", "title": None, "start": 0, "end": 9}]
    m = mapped(documents=docs, meta={"template": "prose", "year": 2023, "published_on": None})
    assert merge(None, m, "") == []


STAT = ("正文……主动公开政府信息1913条。二○一三年一月二十日 某区政府信息公开情况统计表 指标名称 计量单位 2012年度 历年累计 "
        "主动公开信息数 条 739 4359 受理依申请公开信息总数 条 0 0 行政复议数 件 0 0")


def test_merge_stat_table_spaced_cells():
    vals = stat_table_values(STAT)
    assert {k: v[0] for k, v in vals.items()} == {"proactive_total": 739, "applications_received": 0, "reviews": 0}
    s, e = vals["proactive_total"][1:]
    assert STAT[s:e] == "739"


def test_merge_stat_table_run_together_only_when_unambiguous():
    text = "统计表 指标名称计量单位2016年度历年累计主动公开文件数条346085376行政复议数件00"
    assert {k: v[0] for k, v in stat_table_values(text).items()} == {"reviews": 0}


def test_merge_prose_vs_stat_table_issue():
    m = mapped({"proactive_total": 1913, "reviews": 0}, meta={"template": "prose", "year": 2012,
                                                              "published_on": "2013-01-20"})
    issues = merge(None, m, STAT)
    assert [i.code for i in issues] == ["prose_stat_table_mismatch"]
    assert "1913" in issues[0].message and "739" in issues[0].message


def test_merge_applications_may_include_carried_over():
    t = tables(apps_total=8)
    t.values["applications"]["carried_over"] = {"total": 2}
    assert merge(t, mapped({"applications_received": 10}), "") == []
    assert [i.code for i in merge(t, mapped({"applications_received": 11}), "")] == ["prose_table_mismatch"]

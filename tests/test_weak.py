"""ie.weak on small hand-built texts: an equal number in a clause about the quantity is labeled; a cumulative
figure, a part, another business, a table line, an outcome or a joint statement is not."""
import pytest

from ie.models import Entity
from ie.rules import find_entities
from ie.weak import TableValue, label, stat_table, table_values, weak_labels


def _labels(text, values, regions=()):
    return [(w.span.text, w.span.role) for w in label(text, find_entities(text), values, list(regions))]


APPS = [TableValue("applications_received", 21, "Table 3 本年新收 总计")]


def test_weak_equal_number_in_a_matching_clause_is_labeled():
    assert _labels("2019年，本机关共收到政府信息公开申请21件，均已答复。", APPS) == [("21件", "applications_received")]


def test_weak_number_first_wording_is_labeled():
    assert _labels("2023年，我局共收到21份依申请公开，未收取任何费用。", APPS) == [("21份", "applications_received")]


def test_weak_wrapped_line_inside_the_clause_still_matches():
    text = "2023年共收到依申请公开\n21\n件，均按时办结。"
    assert _labels(text, APPS) == [("21\n件", "applications_received")]


@pytest.mark.parametrize("text", [
    "2019年，本机关收到政府信息公开申请30件。",                       # another value
    "截至2019年底，累计收到政府信息公开申请21件。",                    # cumulative
    "《条例》实施以来，共受理政府信息公开申请21件。",                   # a sentence scoped by 以来
    "网上服务平台共受理公安业务21件，办结率100%。",                    # another business, no topic word
    "12345平台受理有效诉求件21件，其中申请类3件。",                     # another business
    "网上服务平台共受理公安业务申请21件。",                             # another business with the topic word
    "全年共收到申请30件，其中网上申请21件。",                           # a part of a stated whole
    "全年共收到申请30件。其中，区直单位收到申请21件。",                  # 其中 opening the sentence
    "已答复政府信息公开申请21件。",                                    # an outcome
    "结转上年度政府信息公开申请21件。",                                # carried over
    "上半年共收到政府信息公开申请21件。",                              # a part of the year
    "制作政府信息100条，主动公开79条，依申请公开信息数21条，不予公开0条。",  # attribute of information made
    "从申请方式看，信函申请21件，占100%。",                             # one channel, no receiving verb
])
def test_weak_other_wordings_are_not_labeled(text):
    assert _labels(text, APPS) == []


def test_weak_this_year_so_far_is_not_cumulative():
    assert _labels("今年以来，我局收到政府信息公开申请21件。", APPS) == [("21件", "applications_received")]
    assert _labels("2025年，累计收到政府信息公开申请21件。", APPS) == [("21件", "applications_received")]


def test_weak_table_line_is_not_labeled():
    text = "一、总体情况\n全年收到政府信息公开申请21件。\n| 本年新收政府信息公开申请数量 | 21件 |\n"
    table_start = text.index("| 本年")
    assert _labels(text, APPS, [(table_start, len(text))]) == [("21件", "applications_received")]
    assert _labels("| 收到申请 | 21件 |", APPS) == []          # a flattened table row, wherever it is


def test_weak_year_figure_after_a_cumulative_one_is_labeled():
    text = "我局累计主动公开政府信息1770条，全文电子化达100%，其中2019年度我局共主动公开政府信息202条。"
    values = [TableValue("proactive_total", 202, "统计表 主动公开信息数"),
              TableValue("proactive_total", 1770, "wrongly read")]
    assert _labels(text, values) == [("202条", "proactive_total")]


def test_weak_share_of_information_made_is_no_part():
    text = "2011年制作、获取政府信息总数1873条，其中主动公开政府信息425条，作为依申请公开信息数46条。"
    values = [TableValue("proactive_total", 425, "统计表"), TableValue("applications_received", 46, "统计表")]
    assert _labels(text, values) == [("425条", "proactive_total")]


def test_weak_two_roles_are_told_apart_by_the_nearest_topic_word():
    text = "因依申请公开引发行政复议1起、行政诉讼1起。"
    values = [TableValue("reviews", 1, "Table 4"), TableValue("lawsuits", 1, "Table 4")]
    assert _labels(text, values) == [("1起", "reviews"), ("1起", "lawsuits")]


def test_weak_joint_statement_of_two_roles_is_left_alone():
    text = "因政府信息公开引起行政复议、行政诉讼0件。"
    values = [TableValue("reviews", 0, "Table 4"), TableValue("lawsuits", 0, "Table 4")]
    assert _labels(text, values) == []


def test_weak_social_media_channel_is_no_proactive_total():
    values = [TableValue("proactive_total", 81, "统计表")]
    assert _labels("2022年，微信公众号共主动发布信息81条。", values) == []
    assert _labels("2022年，我局共主动公开政府信息81条。", values) == [("81条", "proactive_total")]


def test_weak_fees_need_money():
    values = [TableValue("fees_yuan", 0, "统计表 收费减免金额")]
    assert _labels("全年收取政府信息公开信息处理费0元。", values) == [("0元", "fees_yuan")]
    assert _labels("全年收取政府信息公开信息处理费0次。", values) == []


STAT = ("二、主动公开情况 2018年我局共主动公开政府信息94条，历年累计主动公开765条。\n"
        "附表 指标名称 单位 2018年 历年累计 主动公开文件数 条 94 765 其中：1.政府网站公开数 条 94 765 "
        "受理政府信息公开申请总数 条 0 2 接受行政申诉、举报数 件 0 0 行政复议数 件 0 0 行政诉讼数 件 0 0\n")


def test_weak_stat_table_rows_give_this_years_values():
    values, extent = stat_table(STAT)
    got = {v.role: v.value for v in values}
    assert got == {"proactive_total": 94, "applications_received": 0, "reviews": 0, "lawsuits": 0,
                   "complaints": 0}
    assert extent[0] == STAT.index("指标名称")
    assert STAT[values[0].start:values[0].end] == "94"


@pytest.mark.parametrize("row, value", [
    ("主动公开信息数条4251516其中：1.网站公开条41815092.政府公报公开条77", 425),    # run together: 425 | 1516
    ("主动公开信息数\n条\n24\n237\n其中：", 24),                                   # one cell per line
    ("主动公开信息数 条 426 1986 其中", 426),
])
def test_weak_stat_table_cells_in_their_printed_forms(row, value):
    values, _ = stat_table("统计表 指标名称 计量单位 2011年度 历年累计 " + row)
    assert [v.value for v in values if v.role == "proactive_total"] == [value]


def test_weak_single_column_stat_table_reads_the_number_itself():
    values, _ = stat_table("附表： 指标名称 计量单位 年末统计 主动公开信息数 条15其中：1.网站公开 条 15 行政复议数 件0")
    assert {v.role: v.value for v in values} == {"proactive_total": 15, "reviews": 0}


def test_weak_prose_stat_table_labels_the_prose_not_the_table():
    labels = weak_labels(STAT, "prose")
    assert [(w.span.text, w.span.role, w.table.source) for w in labels] == \
        [("94条", "proactive_total", "统计表 主动公开文件数")]


def test_weak_report_without_tables_gets_nothing():
    assert table_values("2012年主动公开政府信息1913条。", "prose") == ([], [])
    assert weak_labels("2012年主动公开政府信息1913条。", "prose") == []


def test_weak_label_keeps_the_span_and_sets_the_role():
    text = "全年收到政府信息公开申请21件。"
    e = Entity("COUNT", text.index("21件"), text.index("21件") + 3, "21件", 0.5, "model")
    [w] = label(text, [e], APPS, [])
    assert (w.span.start, w.span.end, w.span.score, w.span.source, w.span.role) == \
        (e.start, e.end, 0.5, "model", "applications_received")
    assert w.cue == "申请" and w.table is APPS[0]


def test_weak_labels_file_is_a_label_studio_task_with_role_choices():
    import sys

    from ie.convert import check_roles, task_spans
    from ie.paths import REPO_DIR

    sys.path.insert(0, str(REPO_DIR / "scripts"))
    import weak_labels as script

    text = "2019年全年收到政府信息公开申请21件，办结19件。"
    spans = find_entities(text)
    weak = label(text, spans, APPS, [])
    [task] = script.task_json(3, "some_report", text, spans, weak, {"applications_received"}, "gov2019")
    check_roles(task["annotations"][0]["result"])
    got = [(s.text, s.role) for s in task_spans(task)]
    assert ("21件", "applications_received") in got and ("19件", None) in got
    assert task["data"]["doc_id"] == "some_report" and task["data"]["roles_from_tables"] == ["applications_received"]
    assert task["data"]["weak"][0]["table"] == "Table 3 本年新收 总计"


# --- the committed pool files -----------------------------------------------------------------------

def _weak_files():
    from ie.paths import ANNOTATIONS_DIR

    return sorted((ANNOTATIONS_DIR / "weak").glob("*.json"))


@pytest.mark.parametrize("path", _weak_files(), ids=lambda p: p.stem)
def test_weak_pool_file_is_what_the_labeller_gives_today(path):
    """Roles sit on spans, match the provenance, and equal a fresh run on the stored text (rerun
    scripts/weak_labels.py after changing ie.weak or ie.rules)."""
    from ie.convert import check_roles, load_tasks, task_spans

    [task] = load_tasks(path)
    check_roles(task["annotations"][0]["result"])
    text = task["data"]["text"]
    stored = [(s.start, s.end, s.role) for s in task_spans(task) if s.role]
    assert stored == [(w["start"], w["end"], w["role"]) for w in task["data"]["weak"]]
    fresh = [(w.span.start, w.span.end, w.span.role) for w in weak_labels(text, task["data"]["template"])]
    assert stored == fresh, f"{path.stem}: stale weak labels; run scripts/weak_labels.py"


def test_weak_review_verdicts_name_labels_that_exist():
    import yaml

    from ie.convert import load_tasks, task_spans
    from ie.paths import ANNOTATIONS_DIR

    review = ANNOTATIONS_DIR / "weak_review.yaml"
    if not review.exists() or not _weak_files():
        pytest.skip("no weak labels or no review yet")
    given = {(t["data"]["doc_id"], s.start, s.end, s.role, s.text)
             for t in load_tasks(ANNOTATIONS_DIR / "weak") for s in task_spans(t) if s.role}
    items = yaml.safe_load(review.read_text(encoding="utf-8"))["labels"]
    assert all(i["verdict"] in ("ok", "wrong") for i in items)
    assert all(i.get("reason") for i in items if i["verdict"] == "wrong")
    named = {(i["doc"], i["start"], i["end"], i["role"], i["text"]) for i in items}
    assert named <= given, f"verdicts on labels no longer given: {sorted(named - given)[:3]}"

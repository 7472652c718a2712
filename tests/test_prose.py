"""ie.prose on small hand-built sentences, one test per class of wording (rule spans only: no spans are passed,
so map_report runs the rules). Texts are normalized first, as the pipeline does (`信息 5 条` → `信息5条`)."""
import pytest

from ie.map import map_report
from ie.normalize import normalize


def prose(text: str) -> dict:
    return map_report(normalize(text).text, [], "prose").prose


# ---------------------------------------------------------------- the year's proactive total

def test_prose_year_figure_after_a_cumulative_one():
    text = "我局在门户网站累计主动公开政府信息1770条，全文电子化达100%，其中2019年度我局共主动公开政府信息202条。"
    assert prose(text) == {"proactive_total": 202}


def test_prose_cumulative_figure_alone_is_not_the_total():
    assert prose("截至目前，我局在政府网站累计主动公开政府信息1568条。") == {}
    assert prose("2018年我局共主动公开政府信息56条，历年累计主动公开政府信息862条。") == {"proactive_total": 56}
    assert prose("近3年共受理信息公开申请2件。") == {}


def test_prose_year_accumulated_is_the_year():
    assert prose("2025年，累计主动公开政府信息251条。") == {"proactive_total": 251}
    assert prose("全年累计主动公开涵盖办事程序、便民政策、人事任免等政府信息135条。") == {"proactive_total": 135}


def test_prose_proactive_to_the_public_with_enumerated_adverbs():
    assert prose("2023年及时、主动向社会公开政府信息 5 条。") == {"proactive_total": 5}


def test_prose_proactive_share_of_all_information_made():
    text = "2011年制作、获取政府信息总数1873条，其中主动公开政府信息425条，依申请公开46条。"
    assert prose(text)["proactive_total"] == 425
    assert "applications_received" not in prose(text)        # 依申请公开46条: an attribute, not applications


def test_prose_part_of_a_proactive_total_is_not_the_total():
    assert prose("各单位共主动公开信息3000条，其中县直各单位主动公开信息500条。") == {}


def test_prose_number_first_wording():
    assert prose("今年我局公开356条政务信息。") == {"proactive_total": 356}
    assert prose("2023年，我局共收到20份依申请公开，均按时答复。") == {"applications_received": 20}


def test_prose_channel_counts_are_not_the_total():
    assert prose("微信公众号发布信息203条。") == {}
    assert prose("通过微信公众号公开25条政务信息。") == {}
    assert prose("全年在网站主动公开信息300条，在微信公开信息200条。") == {}


# ---------------------------------------------------------------- applications

def test_prose_applications_received_with_a_list_of_applicants():
    assert prose("2025年，共收到公民、法人和其他组织政府信息公开申请6件。") == {"applications_received": 6}


def test_prose_applications_received_wordings():
    assert prose("我局共受理依申请公开 3 件，均按时办结。") == {"applications_received": 3}
    assert prose("收到群众通过邮寄、网络提交的各类政府信息公开申请共计8件。") == {"applications_received": 8}
    assert prose("收到申请公开政府信息的要求1件，完成答复。") == {"applications_received": 1}
    assert prose("2025年我局共收到政府网站上政府信息公开申请件2件。") == {"applications_received": 2}


def test_prose_applications_none_received():
    assert prose("2021年我局未收到政府信息公开申请。") == {"applications_received": 0}
    assert prose("至2015年底，我局尚未收到任何政府信息公开的申请。") == {"applications_received": 0}


def test_prose_no_review_after_an_application_is_not_no_application():
    assert prose("本年度，未发生因依申请公开引发的行政复议和行政诉讼。") == {"reviews": 0, "lawsuits": 0}


def test_prose_attribute_count_is_not_applications():
    text = "全年共制发政府信息437条，其中，主动公开政府信息55条、依申请公开341条、不予公开41条。"
    assert prose(text) == {"proactive_total": 55}
    assert prose("依申请公开信息数246条，不予公开信息数168条。") == {}


def test_prose_part_by_applicant_type_is_not_the_total():
    assert prose("法人或其他组织申请3件。") == {}


@pytest.mark.parametrize("text", [
    "网上服务平台共受理公安业务6945件。",                       # police services
    "12345 政务服务平台累计受理有效诉求件 1809 件。",            # a hotline
    "自助服务机共办件2598件，办结率达100%。",
])
def test_prose_other_business_is_not_taken(text):
    assert prose(text) == {}


# ---------------------------------------------------------------- reviews, lawsuits, complaints, fees

def test_prose_none_of_reviews_lawsuits_complaints():
    text = "2013年度没有发生因政府信息公开申请的行政复议、行政诉讼和行政申诉。"
    assert prose(text) == {"reviews": 0, "lawsuits": 0, "complaints": 0}
    assert prose("近3年，我局没有因政府信息公开而被申请行政复议或提起行政诉讼的情况。") == {"reviews": 0, "lawsuits": 0}
    assert prose("不存在因政府信息公开申请而引发行政复议、行政诉讼的情况发生。") == {"reviews": 0, "lawsuits": 0}


def test_prose_heading_then_none_of_the_above():
    text = "五、有关政府信息公开行政复议、行政诉讼、行政申诉的情况\n无发生上述情况。"
    assert prose(text) == {"reviews": 0, "lawsuits": 0, "complaints": 0}


@pytest.mark.parametrize("text", [
    "无收费及减免情况。",
    "2013年度未向公民、法人或其他组织收取任何费用。",
    "本年度没有产生信息公开处理费。",
    "2024年，无收取信息处理费情况。",
    "我局2024度未产生信息公开处理费用。",
    "本年度无政府信息公开收费。",
])
def test_prose_fees_none(text):
    assert prose(text) == {"fees_yuan": 0}


def test_prose_span_cut_before_its_unit_is_judged_by_the_unit():
    """A model span may stop before its unit: `2` of `行政诉讼2类案件` counts categories, not lawsuits."""
    from ie.models import Entity

    text = normalize("对涉及政府信息公开的行政复议、行政诉讼2类案件，按月完成备案管理。").text
    i = text.index("2类")
    got = map_report(text, [Entity("COUNT", i, i + 1, "2", 0.9, "model")], "prose").prose
    assert "lawsuits" not in got and "reviews" not in got
    text = normalize("因政府信息公开被提起行政诉讼3件。").text
    i = text.index("3件")
    assert map_report(text, [Entity("COUNT", i, i + 1, "3", 0.9, "model")], "prose").prose == {"lawsuits": 3}


def test_prose_clause_start_is_the_last_stop_before_the_span():
    import random

    from ie.prose import _CLAUSE_END, _SENT_END, _clause_start

    rnd = random.Random(5)
    for _ in range(20000):
        t = "".join(rnd.choice("ab。；，:x\n，") for _ in range(rnd.randint(0, 120)))
        pos, stops, limit = rnd.randint(0, len(t)), rnd.choice([_CLAUSE_END, _SENT_END]), rnd.choice([80, 200, 5, 0])
        i, lo = pos, max(0, pos - limit)
        while i > lo and t[i - 1] not in stops:      # the definition: walk back to a stop or the limit
            i -= 1
        assert _clause_start(t, pos, stops, limit) == i

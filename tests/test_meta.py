"""ie.meta on hand-built texts, one per class of layout or noise: crawler headers, scraped chrome, Word-HTML
splits, site menus, titles without 年度 or with 政务公开, signatures in Chinese numerals."""
from ie.map import map_meta
from ie.meta import (find_issuer, find_period, find_published, find_signature, find_title, is_report_title,
                     parse_page_header, report_year)

HEADER = ("标题: 某某县交通运输局2019年政府信息公开工作年度报告\n发布时间: 2020-01-06 20:04\n文号: \n"
          "发布机构: {org}\n栏目: 政府信息公开年报\n原文链接: https://example.gov.cn/a.htm\n"
          "==================== 正文 ====================\n")
BODY = ("某某县交通运输局2019年政府信息公开工作年度报告 根据《中华人民共和国政府信息公开条例》要求编制本报告。"
        "一、总体情况 2019年，我局主动公开政府信息20条。六、其他需要报告的事项 无。 某某县交通运输局 2020年1月2日")


def test_meta_page_header_fields_and_body_start():
    text = HEADER.format(org="1") + BODY
    h = parse_page_header(text)
    assert h.get("标题").value.endswith("年度报告") and h.get("发布机构").value == "1"
    assert text[h.body_start:].startswith("某某县交通运输局2019年")


def test_meta_no_header_in_a_plain_report():
    assert parse_page_header("附表：\n市府办：\n本年报…").body_start == 0
    assert parse_page_header(BODY).fields == {}


def test_meta_issuer_never_from_crawler_header_fields():
    for org in ("1", "", "区交通局"):
        text = HEADER.format(org=org) + BODY
        assert map_meta(text, "gov2019")[0]["issuer"] == "某某县交通运输局"
    bare = HEADER.format(org="1") + "正文略，无标题无落款。"          # the page's 标题 is the only title
    assert map_meta(bare, "gov2019")[0]["issuer"] == "某某县交通运输局"
    assert find_issuer(bare, None)[0] is None


def test_meta_body_title_wins_over_header_and_chrome_title():
    text = ("标题: 某某县渔业局2011年工作公开年度报告\n发布时间: 2011-12-21 00:00\n==== 正文 ====\n"
            "当前位置： 首页政务公开 某某县渔业局2011年工作公开年度报告 来源：某某县渔业局 时间：2011-12-21 00:00 "
            "微信 微博 相关链接： 某某县渔业局2011年政府信息公开工作年度报告 根据《条例》，本报告由五个部分组成。")
    assert find_title(text)[0] == "某某县渔业局2011年政府信息公开工作年度报告"


def test_meta_header_title_used_when_body_has_none():
    text = ("标题: 某某市应急管理局2023年度政府信息公开工作年度报告\n发布时间: 2024-01-18 23:45\n正文:\n"
            "本年度报告是根据《中华人民共和国政府信息公开条例》的要求，由某某市应急管理局编制完成。\n"
            "本报告中所列数据的统计时限自\n20\n23\n年\n1月1日起至2023年12月31日止。\n")
    meta = map_meta(text, "gov2021")[0]
    assert meta["title"] == "某某市应急管理局2023年度政府信息公开工作年度报告"
    assert meta["issuer"] == "某某市应急管理局"
    assert (meta["period_start"], meta["period_end"]) == ("2023-01-01", "2023-12-31")
    assert meta["published_on"] == "2024-01-18"        # no signature: the page's 发布时间


def test_meta_title_variants_zhengwu_gongzuo_baogao_without_niandu():
    assert is_report_title("某某局2018年政府信息公开工作报告")
    assert is_report_title("某某局2018年政务公开工作年度报告")
    assert is_report_title("2025年某某市人民政府办公厅政府信息公开工作年度报告")
    assert not is_report_title("关于做好2019年政府信息公开工作年度报告编制公布工作的通知")
    assert not is_report_title("政府信息公开工作年度报告")       # no year: a phrase


def test_meta_site_menu_before_the_title_line():
    menu = "\n".join(["|", "某某市统计局", "返回首页", "政府信息", "公开指南", "政府信息", "公开申请", "全部"] * 3)
    text = f"标题: 某某市统计局2011年度政府信息公开工作年度报告\n正文:\n{menu}\n某某市统计局2011年度政府信息公开工作年度报告\n根据…"
    title, s, e = find_title(text)
    assert title == "某某市统计局2011年度政府信息公开工作年度报告" and text[s:e] == title


def test_meta_title_split_over_lines_by_word_html():
    text = "正文:\n莆统〔\n2021〕2号\n某某市统计局\n2020年政府信息公开工作年度报告\n政府信息公开工作年度报告，是…"
    assert find_title(text)[0] == "某某市统计局2020年政府信息公开工作年度报告"


def test_meta_title_fragment_inside_a_sentence_is_not_the_title():
    text = ("标题: 某某市城管局2017年度政府信息公开工作年度报告\n正文:\n根据《某某市人民政府办公室关于\n"
            "2017年政府信息公开工作年度报告编制发布有关事项的通知\n》要求，特向社会公布某某市城管局\n"
            "2017年度信息公开年度报告。本报告由概述组成。")
    assert find_title(text)[0] == "某某市城管局2017年度政府信息公开工作年度报告"


def test_meta_department_title_completed_by_the_signature():
    text = ("==== 正文 ====\n相关链接： 2009年度政府信息公开年度报告 2009年，我局主动公开政府信息15条。"
            "二、主动公开 … 平潭县公安局 二○一○年四月十日 附表： 指标名称 计量单位")
    assert find_issuer(text, "公安局2009年度政府信息公开工作年度报告")[0] == "平潭县公安局"
    assert find_issuer(text, "2009年度政府信息公开年度报告")[0] == "平潭县公安局"


def test_meta_signature_date_split_over_lines_and_chinese_numerals():
    split = "正文:\n" + "报告正文。\n" * 20 + "六、\n其他\n需要报告的事项\n无\n某某市民族与宗教事务局\n20\n21\n年\n1月\n7\n日\n"
    sig = find_signature(split)
    assert sig.date.value == "2021-01-07" and sig.organ.value == "某某市民族与宗教事务局"
    yuan = "报告正文。" * 20 + " 平潭县农业局 二○一二年元月二十日 附件下载"
    assert find_published(yuan)[0] == "2012-01-20"


def test_meta_date_inside_a_sentence_is_no_signature():
    text = "报告正文。" * 20 + "于2019年12月31日前完成整改。"
    assert find_signature(text) is None
    assert find_published(text)[0] is None                  # nothing printed: null


def test_meta_period_with_truncated_year_needs_the_title_year():
    text = "本年度报告中所列数据的统计期限自\n20\n年\n1月1日起至12月31日止。"
    assert find_period(text, 2020)[:2] == ("2020-01-01", "2020-12-31")
    assert find_period(text, 2019)[:2] == (None, None)
    assert find_period("统计期限自20年1月1日起至2020年12月31日止。")[:2] == ("2020-01-01", "2020-12-31")


def test_meta_report_year_from_title_else_period():
    assert report_year(HEADER.format(org="1") + BODY) == 2019
    assert report_year("统计期限自2016年1月1日起至2016年12月31日止。") == 2016
    assert report_year("没有年份的文字。") is None


def test_meta_compact_maps_spans_back_to_the_text():
    import random

    from ie.meta import Compact

    rnd = random.Random(7)
    for _ in range(2000):
        t = "".join(rnd.choice("ab \n\t中") for _ in range(rnd.randint(1, 60)))
        s = rnd.randint(0, len(t))
        e = rnd.randint(s, len(t))
        c = Compact.of(t, s, e)
        pos = [i for i in range(s, e) if not t[i].isspace()]
        assert c.text == "".join(t[i] for i in pos) and c.pos == pos
        for a in range(len(pos)):
            for b in range(a + 1, min(len(pos), a + 4) + 1):
                assert c.span(a, b) == (pos[a], pos[b - 1] + 1)


def test_meta_fuller_form_found_as_the_pattern_finds_it():
    import random
    import re

    from ie.meta import _fuller_form

    def by_regex(text, name, lo):
        for n in (2, 3):
            m = re.compile(rf"[\u4e00-\u9fff]{{{n}}}[省市]" + re.escape(name)).search(text, lo)
            if m and not name.startswith(m.group(0)[:2]):
                return (m.group(0), m.start(), m.end())
        return None

    rnd = random.Random(3)
    for _ in range(5000):
        t = "".join(rnd.choice(["淮安", "市", "省", "洪泽区", "人民政府", "a", " ", "江苏", "区"]) for _ in range(rnd.randint(0, 12)))
        name = rnd.choice(["洪泽区", "洪泽区人民政府", "区", "淮安市洪泽区"])
        lo = rnd.randint(0, len(t))
        got = _fuller_form(t, name, lo)
        assert (None if got is None else (got.value, got.start, got.end)) == by_regex(t, name, lo), (t, name, lo)

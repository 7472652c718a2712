from ie.segment import detect_template, split_sections


def test_segment_detect_template_gov2021_by_table2_headers():
    text = "二、主动公开政府信息情况\n信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 0 0 0\n"
    assert detect_template(text) == "gov2021"


def test_segment_detect_template_gov2021_with_kangxi_radicals():
    # suqian-style raw text: 废⽌ and 现⾏ use Kangxi radical code points.
    assert detect_template("信息内容 本年制发件数 本年废⽌件数 现⾏有效件数") == "gov2021"


def test_segment_detect_template_gov2019_by_headers_and_procurement():
    assert detect_template("信息内容 本年新制作数量 本年新公开数量 对外公开总数量") == "gov2019"
    assert detect_template("第二十条第(九)项 信息内容 采购项目数量 采购总金额 政府集中采购 132 13724.02万元") == "gov2019"


def test_segment_detect_template_gov2021_by_table3_fee_row():
    text = "（六）其他处理 2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0"
    assert detect_template(text) == "gov2021"


def test_segment_detect_template_prose_without_national_tables():
    text = "一、概述\n二、主动公开政府信息情况\n全年主动公开政府信息1200条。\n三、依申请公开政府信息情况\n"
    assert detect_template(text) == "prose"


def test_segment_split_sections_standard_headings():
    text = ("某某区人民政府2023年政府信息公开工作年度报告\n一、总体情况\n文字。\n二、主动公开政府信息情况\n表\n"
            "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1\n"
            "四、结转下年度继续办理 0 0 0 0 0 0 0\n四、政府信息公开行政复议、行政诉讼情况\n0\n"
            "五、存在的主要问题及改进情况\n问题。\n六、其他需要报告的事项\n无。\n")
    secs = split_sections(text)
    assert [s.key for s in secs] == ["preamble", "overview", "proactive", "applications", "review_litigation",
                                      "problems", "other"]
    apps = secs[3]
    assert text[apps.start:].startswith("三、收到和处理")
    assert "本年新收" in text[apps.start:apps.end]      # a Table 3 row label is not a section
    assert apps.heading == "三、收到和处理政府信息公开申请情况"
    assert secs[-1].end == len(text)


def test_segment_split_sections_scraped_single_line():
    text = "报告。一、总体情况 2020年工作。二、主动公开政府信息情况 第二十条第（一）项 三、收到和处理政府信息公开申请情况（本列）"
    keys = [s.key for s in split_sections(text)]
    assert keys == ["preamble", "overview", "proactive", "applications"]


def test_segment_split_sections_prose_era_headings():
    text = ("一、概述\n甲\n二、主动公开政府信息情况\n乙\n三、依申请公开政府信息情况\n丙\n四、政府信息公开的收费及减免情况\n丁\n"
            "五、因政府信息公开申请行政复议、提起行政诉讼的情况\n戊\n六、政府信息公开工作存在的主要问题及改进措施\n己\n")
    keys = [s.key for s in split_sections(text)]
    assert keys == ["overview", "proactive", "applications", "fees", "review_litigation", "problems"]


def test_segment_template_by_year_without_table_headers():
    from ie.segment import template_by_headers
    text = "一、概述\n二、主动公开政府信息情况\n全年主动公开政府信息1200条。\n"
    assert template_by_headers(text) is None
    assert [detect_template(text, y) for y in (2012, 2018, 2019, 2020, 2021, 2025, None)] == \
        ["prose", "prose", "gov2019", "gov2019", "gov2021", "gov2021", "prose"]


def test_segment_prose_report_mentioning_procurement_is_still_prose():
    text = "一、概述\n二、主动公开政府信息情况\n重点公开了政府集中采购、财政预算等信息。\n"
    assert detect_template(text, 2016) == "prose"
    assert detect_template("信息内容 本年新制作数量 本年新公开数量 对外公开总数量", 2016) == "gov2019"  # headers decide


def test_segment_report_evidence_of_a_report_and_of_a_notice():
    from ie.segment import report_evidence
    report = ("一、概述\n甲\n二、主动公开政府信息情况\n乙\n三、依申请公开政府信息情况\n丙\n"
              "四、因政府信息公开申请行政复议、提起行政诉讼的情况\n丁\n")
    assert report_evidence(report, None).is_report                      # sections alone
    assert report_evidence("正文", "某局2019年政府信息公开工作年度报告").is_report   # a title alone
    assert report_evidence("主动公开信息数 条 15 1516", None).is_report            # a 统计表 alone
    notice = ("关于召开政府信息公开工作会议的通知\n一、会议时间\n3月5日\n二、会议内容\n总结主动公开工作情况。\n"
              "三、参会人员\n各单位负责同志。\n")
    ev = report_evidence(notice, None)
    assert not ev.is_report and "no report title" in ev.why_not()


def test_segment_every_pool_report_reads_as_a_report():
    """The 155 unlabeled reports (other bodies, all three eras) must all pass the not-a-report check."""
    import pytest

    from ie.meta import find_title
    from ie.normalize import normalize_document
    from ie.paths import corpus_dir
    from ie.read import read_document
    from ie.segment import report_evidence
    pool = sorted((corpus_dir() / "unlabeled").glob("*.txt"))
    if not pool:
        pytest.skip("unlabeled pool not available")
    failing = []
    for path in pool:
        text = normalize_document(read_document(path)).text
        if not report_evidence(text, find_title(text)[0]).is_report:
            failing.append(path.name)
    assert failing == []


def test_segment_readme_quoting_report_words_is_not_a_report():
    # A README about reports quotes their statistics words and section names; it is mostly not Chinese.
    text = ("# Corpus: real annual reports\n\nEvery file here was written by a government body. Use them to develop,\n"
            "annotate and test.\n\n| file | year | issuer | template | form and noise |\n|---|---|---|---|---|\n"
            "| a_2011.txt | 2011 | 平潭县人民政府 | prose | crawler header block; statistics table digits run together "
            "(主动公开信息数条4251516 = 425/1516); 依申请公开信息数 in the table |\n"
            "| b_2013.txt | 2013 | 平潭县公安局 | prose | space-separated table (指标名称 计量单位 本年度 历年累计) |\n")
    from ie.segment import report_evidence
    ev = report_evidence(text, None)
    assert not ev.is_report and "not Chinese" in ev.why_not()

"""Unit tests of ie.rules on small hand-built strings: one per pattern, plus the false positives."""
from ie.labels import LABELS
from ie.rules import find_entities


def spans(text: str) -> list[tuple[str, str]]:
    return [(e.label, e.text) for e in find_entities(text)]


def test_rules_count_arabic_with_units_and_approximators():
    got = spans("召开培训会4次,共计培训1600多人次,发布3千余条、5500余条,65万人次,1.3万余条,60余次")
    assert got == [("COUNT", "4次"), ("COUNT", "1600多人次"), ("COUNT", "3千余条"), ("COUNT", "5500余条"),
                   ("COUNT", "65万人次"), ("COUNT", "1.3万余条"), ("COUNT", "60余次")]


def test_rules_count_excludes_leading_gong_and_quannian():
    assert spans("全年共公开预决算等信息265条") == [("COUNT", "265条")]


def test_rules_count_alternative_unit_in_brackets():
    assert spans("刊发相关信息60篇(条);") == [("COUNT", "60篇(条)")]


def test_rules_count_chinese_numerals():
    assert spans("受理申请二十件,召开会议三次") == [("COUNT", "二十件"), ("COUNT", "三次")]


def test_rules_count_skips_ordinals_sessions_and_idioms():
    assert spans("第二十条第(九)项") == []
    assert spans("市人大四届三次会议") == []
    assert spans("一次性告知,一批") == []
    assert spans("5个工作日内答复") == []
    assert spans("124个项目") == [("COUNT", "124个")]


def test_rules_money():
    assert spans("采购总金额13724.02万元,总投资2102537万元,收费380元") == [
        ("MONEY", "13724.02万元"), ("MONEY", "2102537万元"), ("MONEY", "380元")]


def test_rules_percent():
    assert spans("办结率为100%,回复率超过90.5%,百分之十") == [
        ("PERCENT", "100%"), ("PERCENT", "90.5%"), ("PERCENT", "百分之十")]


def test_rules_dates_all_formats():
    text = "2018年1月1日起至2018年12月31日;2019-03-22 17:29;2018年;2018年12月;二○一三年一月二十日;二〇一三年一月;2012年度"
    assert [t for lab, t in spans(text) if lab == "DATE"] == [
        "2018年1月1日", "2018年12月31日", "2019-03-22 17:29", "2018年", "2018年12月", "二○一三年一月二十日",
        "二〇一三年一月", "2012年度"]


def test_rules_doc_numbers_bracket_variants():
    text = ("(渝府办发〔2018〕76号)(丰都府办发﹝2018﹞47号)(闽政办[2012]5号)(某办发【2019】3号)"
            "(某发(2019)4号)（国令第 711 号）、国令第711号")
    assert [t for lab, t in spans(text) if lab == "DOC_NO"] == [
        "渝府办发〔2018〕76号", "丰都府办发﹝2018﹞47号", "闽政办[2012]5号", "某办发【2019】3号", "某发(2019)4号",
        "国令第 711 号", "国令第711号"]


def test_rules_doc_number_trims_leading_verb():
    assert spans("按照国办公开办函〔2019〕60号文件") == [("DOC_NO", "国办公开办函〔2019〕60号")]


def test_rules_title_wins_over_nested_date_and_count():
    got = spans("发布《丰都县加强供给侧结构性改革促进2018年经济稳定增长的23条措施》")
    assert got == [("DOC_TITLE", "《丰都县加强供给侧结构性改革促进2018年经济稳定增长的23条措施》")]


def test_rules_false_positives_phone_postcode_url_index():
    text = ("(电话:023—85276112,邮编:412007,电话:0731-28680652)索引号:430S00/2019-16845 "
            "t20130228_80734.htm 1.深入推进 地址:天台路58号")
    assert spans(text) == []


def test_rules_spans_sorted_non_overlapping_known_labels():
    ents = find_entities("2018年共受理申请8件,办结率100%,收费0元,依据《条例》(国令第711号)")
    assert all(e.label in LABELS and e.source == "rule" for e in ents)
    assert all(a.end <= b.start for a, b in zip(ents, ents[1:]))


def test_rules_count_periods_category_names_and_wraps():
    assert spans("2024年四个季度,共发布4期季度性简报") == [("DATE", "2024年"), ("COUNT", "4期")]
    assert spans("5.属于三类内部事务信息 6.属于四类过程性信息") == []
    assert spans("共113家单位,推进3轮整改,公开政府常务会议 7\n期") == [
        ("COUNT", "113家"), ("COUNT", "3轮"), ("COUNT", "7\n期")]
    assert spans("本年收费金额（单位：万元）") == []


def test_rules_vertical_row_header_is_not_a_wrapped_count():
    # huaian/hongze PDFs print 本年度办理结果 one character per line beside the Table 3 rows
    text = "（三）不予公开 0 0 0 0 0 0 0\n本\n1 0 0 0 0 0 0\n年"
    assert [e for e in find_entities(text) if e.label == "COUNT"] == []
    assert [e.text for e in find_entities("公开政府常务会议 7\n期，解读信息7条")] == ["7\n期", "7条"]


def test_rules_fast_search_finds_what_the_patterns_find():
    """The rules search their patterns from the first characters (ie.fastre) and 文号 from their anchors: the
    spans must be each pattern's finditer spans, on text dense in numbers, dates, brackets and 令."""
    import random
    import re

    from ie import rules as R

    rnd = random.Random(3)
    pieces = list("0123456789一二三四五六七八九十两〇○O零百千万亿余多元件次人年月日号第届-/.:% \n,〔〕()（）【】令") + \
        ["2019", "2020-01-02", "2019/3/", "百分之", "人次", "万元", "个人", "条例", "年度", "12月", "二〇一九年",
         "国办发", "按照", "令第", "第12号", "人民政府", "〔2020〕"]
    texts = ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 30))) for _ in range(4000)]
    pairs = {"DATE": R._DATE_RE, "MONEY": R._MONEY_RE, "PERCENT": R._PERCENT_RE, "COUNT": R._COUNT_RE,
             "CN_COUNT": R._CN_COUNT_RE}
    for t in texts:
        for label, rx in pairs.items():
            assert R._FAST[label].spans(t) == [m.span() for m in rx.finditer(t)], (label, t)
        assert R._doc_no_spans(t) == [m.span() for m in R._DOC_NO_RE.finditer(t)], t
    assert all(f.fast is not None for f in R._FAST.values())
    assert re.compile(R._DATE_NO_BACKREF).groups == 0

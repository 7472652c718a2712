"""Value normalizers, on strings as they are printed in the corpus reports."""
import pytest

from ie.numbers import (Number, chinese_to_int, doc_no_year, normalize_doc_no, parse_date, parse_money,
                        parse_number)


@pytest.mark.parametrize("text,value,approx", [
    ("4022条", 4022, False),                 # fengdu: 主动发布政府信息4022条
    ("1600多人次", 1600, True),              # fengdu: 培训1600多人次
    ("3千余条", 3000, True),
    ("1.3万余条", 13000, True),              # fengdu: 行政许可类1.3万余条
    ("37.1万条", 371000, False),
    ("60余次", 60, True),
    ("一千二百", 1200, False),
    ("二十三", 23, False),
    ("十五", 15, False),
    ("两", 2, False),
    ("零", 0, False),
    ("〇", 0, False),
    ("○", 0, False),
    ("三百零五件", 305, False),
    ("一万二千", 12000, False),
    ("约300件", 300, True),
    ("近百分之九十", 90, True),
    ("超过90%", 90, True),
    ("逾千件", 1000, True),
    ("100件左右", 100, True),
    ("１２件", 12, False),                   # full-width digits
    ("4,022条", 4022, False),
    ("1136 条", 1136, False),                # pdfplumber spacing (hongze)
    ("-11", -11, False),                     # 本年增/减 keeps its sign
])
def test_numbers_parse_number(text, value, approx):
    assert parse_number(text) == Number(value, approx)


def test_numbers_parse_number_none_without_digits():
    assert parse_number("万元") is None
    assert parse_number("无") is None


def test_numbers_chinese_digit_runs_read_digit_by_digit():
    assert chinese_to_int("二〇一三") == 2013
    assert chinese_to_int("二○一三") == 2013
    assert chinese_to_int("abc") is None


@pytest.mark.parametrize("text,unit,value", [
    ("13724.02万元", "元", 137240200),
    ("13724.02万元", "万元", 13724.02),
    ("380元", "万元", 0.038),
    ("3940 元", "元", 3940),                 # huaian: 信息处理费 3940 元
    ("2950元", "元", 2950),
    ("1.5亿元", "万元", 15000),
    ("0元", "元", 0),
])
def test_numbers_parse_money(text, unit, value):
    n = parse_money(text, unit)
    assert n is not None and n.value == pytest.approx(value) and not n.approximate


def test_numbers_parse_money_rejects_unknown_unit():
    with pytest.raises(ValueError, match="unknown money unit"):
        parse_money("3元", "美元")


@pytest.mark.parametrize("text,iso", [
    ("2018年1月1日", "2018-01-01"),
    ("2018年12月31日", "2018-12-31"),
    ("2019-03-22", "2019-03-22"),
    ("2019-03-22 17:29", "2019-03-22"),      # zhuzhou: 發文日期
    ("2013-02-25 00:00", "2013-02-25"),      # pingtan: 发布时间
    ("2019.3.22", "2019-03-22"),
    ("二○一三年一月二十日", "2013-01-20"),   # pingtan_2012 signature
    ("二〇一九年十二月", "2019-12"),
    ("2018年12月", "2018-12"),
    ("2023 年 1 月 1 日", "2023-01-01"),     # hongze, pdfplumber spacing
    ("2018年", "2018"),
])
def test_numbers_parse_date(text, iso):
    assert parse_date(text) == iso


@pytest.mark.parametrize("text", ["2019年13月", "2019年2月32日", "无日期"])
def test_numbers_parse_date_rejects_impossible(text):
    assert parse_date(text) is None


@pytest.mark.parametrize("text,norm", [
    ("渝府办发〔2018〕76号", "渝府办发〔2018〕76号"),
    ("丰都府办发﹝2018﹞47号", "丰都府办发〔2018〕47号"),   # fengdu's ﹝﹞ variant
    ("渝府办发[2018]076号", "渝府办发〔2018〕76号"),
    ("国办发【2018】23号", "国办发〔2018〕23号"),
    ("国办发(2017)47号", "国办发〔2017〕47号"),
    ("国办发（2017）47号", "国办发〔2017〕47号"),
    ("国办公开办函〔2021〕30 号", "国办公开办函〔2021〕30号"),
    ("国令第 711 号", "国令第711号"),
    ("国令第０７１１号", "国令第711号"),
])
def test_numbers_normalize_doc_no(text, norm):
    assert normalize_doc_no(text) == norm


def test_numbers_doc_no_year():
    assert doc_no_year("丰都府办发﹝2018﹞47号") == 2018
    assert doc_no_year("国令第711号") is None

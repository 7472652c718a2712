from ie.tables.cells import fold
from ie.tables.layout import find_regions, is_flow, tokenize


def rows_of(text):
    f = fold(text)
    return [(r.label, [a.text for a in r.atoms]) for r in tokenize(f, 0, len(f))]


def test_tables_layout_one_cell_per_line_joins_a_row():
    text = "|\n行政许可 |\n568 |\n+26 |\n3184 |\n|\n其他对外管理服务事项 |\n321 |\n-11 |\n1576 |\n"
    assert is_flow(fold(text), 0, len(text))
    assert rows_of(text) == [("行政许可", ["568", "+26", "3184"]), ("其他对外管理服务事项", ["321", "-11", "1576"])]


def test_tables_layout_scraped_ordinal_is_label_not_digit():
    text = "（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开0000000"
    assert rows_of(text) == [("(三)不予公开1.属于国家秘密", ["0000000"]), ("2.其他法律行政法规禁止公开", ["0000000"])]


def test_tables_layout_note_in_cell_and_page_footer_dropped():
    text = "规章 22（其中修订16件） 3 235\n- 3 -\n— 4 —\n(重复率: 93%)\n行政许可 0"
    assert rows_of(text) == [("规章", ["22", "3", "235"]), ("行政许可", ["0"])]


def test_tables_layout_pdf_rows_keep_line_boundaries():
    text = "（二）部分公开（区分处理的\n4 0 0 0 0 0 4\n计其他情形）\n1.属于国家秘密 1 0 0 0 0 0 1"
    got = rows_of(text)
    assert got[1] == ("", ["4", "0", "0", "0", "0", "0", "4"])
    assert got[3] == ("1.属于国家秘密", ["1", "0", "0", "0", "0", "0", "1"])


def test_tables_layout_regions_in_order():
    text = ("二、主动公开政府信息情况\n第二十条第（一）项\n规章 0 0 0\n三、收到和处理政府信息公开申请情况\n"
            "一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1\n四、结转下年度继续办理 0 0 0 0 0 0 0\n"
            "四、政府信息公开行政复议、行政诉讼情况\n0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n五、存在的主要问题及改进情况\n")
    r = find_regions(fold(text))
    assert text[r.t2[0]:].startswith("第二十条") and text[r.t3[0]:].startswith("收到和处理")
    assert "结转下年度" in text[r.t3[0]:r.t3[1]] and "0 0 0 0 0 0 0 0" in text[r.t4[0]:r.t4[1]]
    assert "五、" not in text[r.t4[0]:r.t4[1]]


def test_tables_layout_thousands_separator_is_one_cell():
    assert rows_of("行政处罚 3,985,758\n行政强制 88,283") == [("行政处罚", ["3,985,758"]), ("行政强制", ["88,283"])]


def test_tables_layout_pipe_row_blank_first_or_last_cell_counts():
    f = fold("| 规章 |  | 无 | 12 |\n| 行政规范性文件 | 0 | 1 |  |\n| 三、本年度办理结果 |  | （一）予以公开 |  | 5 |  |\n")
    a, b, c = tokenize(f, 0, len(f))
    assert [x.text for x in a.cells_for(3)] == ["", "无", "12"]
    assert [x.text for x in b.cells_for(3)] == ["0", "1", ""]
    assert [x.text for x in c.cells_for(3)] == ["5"]        # blanks on both sides: nothing guessed
    assert [x.text for x in a.cells_for(2)] == ["无", "12"]  # as many numbers as columns: blanks unused

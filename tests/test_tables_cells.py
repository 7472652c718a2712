import pytest

from ie.tables.cells import Cell, cell_value, fold, parse_number, valid_part


@pytest.mark.parametrize("printed,value", [
    ("0", 0), ("无", 0), ("", None), ("/", None), ("-", None), ("—", None), ("--", None),
    ("+26", 26), ("-11", -11), ("2375.064万元", 2375.064), ("3184", 3184), ("7730.28", 7730.28),
])
def test_tables_cells_parse_number(printed, value):
    assert parse_number(printed) == value


def test_tables_cells_yuan_converted_to_wan_with_note():
    v, note = cell_value(Cell("75394432.52元", 0, 12, "元"), want_wan=True)
    assert v == pytest.approx(7539.443252) and "万元" in note
    v, note = cell_value(Cell("13724.02万元", 0, 10, "万元"), want_wan=True)
    assert v == 13724.02 and note is None


def test_tables_cells_fold_is_one_to_one():
    raw = "⼀、本年新收（⾏政）１２"
    f = fold(raw)
    assert len(f) == len(raw)
    assert f == "一、本年新收(行政)12"


@pytest.mark.parametrize("piece,ok", [("0", True), ("07", False), ("70", True), ("-18", True), ("-0", True),
                                      ("00", False), ("0.5", True), ("", False)])
def test_tables_cells_valid_part(piece, ok):
    assert valid_part(piece) is ok


def test_tables_cells_thousands_separator():
    assert parse_number("3,985,758") == 3985758 and parse_number("1,234.5万元") == 1234.5


def test_cells_fold_is_the_fold_table_for_every_character():
    """fold replaces the characters of one compiled class; it must equal translating by _fold_char everywhere."""
    from ie.tables.cells import _FOLD_TABLE, fold

    chars = "".join(chr(o) for o in range(0x10000) if not 0xD800 <= o < 0xE000)
    for i in range(0, len(chars), 4096):
        chunk = chars[i:i + 4096]
        assert fold.__wrapped__(chunk) == chunk.translate(_FOLD_TABLE)
    astral = "数据𝐀𝟏（１）"             # beyond the BMP the table itself is used
    assert fold(astral) == astral.translate(_FOLD_TABLE)
    assert fold("（一）２０２３年　１２件") == "(一)2023年 12件"

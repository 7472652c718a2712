from ie.tables.cells import Atom
from ie.tables.split import candidate_splits


def texts(cands):
    return [[c.text for c in cand] for cand in cands]


def atom(s, start=0, explicit=False):
    return Atom(s, start, start + len(s), explicit=explicit)


def test_tables_split_as_many_cells_as_printed_is_taken_as_is():
    assert texts(candidate_splits([atom("1"), atom("+26", 2), atom("3184", 6)], 3)) == [["1", "+26", "3184"]]


def test_tables_split_leading_zeros_force_single_digits():
    assert texts(candidate_splits([atom("007")], 3)) == [["0", "0", "7"]]
    assert texts(candidate_splits([atom("0000000")], 7)) == [["0"] * 7]


def test_tables_split_sign_starts_a_cell_and_offsets_follow():
    cands = candidate_splits([atom("35"), atom("-15", 2)], 2)
    assert texts(cands) == [["35", "-15"]]
    assert (cands[0][1].start, cands[0][1].end) == (2, 5)


def test_tables_split_row_with_several_cuttings():
    cands = texts(candidate_splits([atom("15130000154")], 7))
    assert ["151", "3", "0", "0", "0", "0", "154"] in cands
    sums = [c for c in cands if sum(int(x) for x in c[:6]) == int(c[6])]
    assert sums == [["151", "3", "0", "0", "0", "0", "154"]]      # unique once the row sum is required


def test_tables_split_decimals_and_unit_stay_on_the_last_piece():
    cands = candidate_splits([atom("13575394432.52元")], 2)
    got = texts(cands)
    assert ["135", "75394432.52元"] in got and len(got) > 1          # ambiguous without an identity
    last = cands[got.index(["135", "75394432.52元"])][1]
    assert last.unit == "元" and (last.start, last.end) == (3, 15)


def test_tables_split_explicit_cells_are_never_cut():
    assert candidate_splits([atom("22", explicit=True), atom("235", 3, explicit=True)], 3) == []


def test_tables_split_too_many_cells_gives_nothing():
    assert candidate_splits([atom("1"), atom("2", 2), atom("3", 4)], 2) == []

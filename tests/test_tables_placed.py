"""Which table cells the solver placed (ie.tables.reading.placements, Evidence.placed, ie.models.placed_by)."""
from ie.models import Evidence, placed_by
from ie.schema import schema_errors
from ie.tables import extract_tables
from ie.tables.cells import Atom, Cell
from ie.tables.reading import placements
from ie.tables.render import T3_COLS, render
from ie.tables.table2 import COLUMNS as T2_COLUMNS
from ie.tables.table3 import SPECS as T3_SPECS
from ie.validate import T4_BLOCKS, T4_COLS


def _atoms(*spans):
    return [Atom(t, s, e) for t, s, e in spans]


def test_reading_placements_row_printed_in_full_is_read():
    atoms = _atoms(("1", 0, 1), ("2", 2, 3), ("3", 4, 5))
    cells = [Cell("1", 0, 1), Cell("2", 2, 3), Cell("3", 4, 5)]
    assert placements(atoms, cells) == [None, None, None]


def test_reading_placements_names_how_each_cell_was_placed():
    # digits run together: "123" cut into 1|2|3
    cut = placements(_atoms(("123", 0, 3)), [Cell("1", 0, 1), Cell("2", 1, 2), Cell("3", 2, 3)])
    assert cut == ["digits run together, cut"] * 3
    # a run printed once: one atom fills two columns; the other atom has its own column
    runs = placements(_atoms(("0", 0, 1), ("5", 2, 3)), [Cell("0", 0, 1), Cell("0", 0, 1), Cell("5", 2, 3)])
    assert runs == ["one printed number fills a run of equal cells"] * 2 + \
        ["column chosen: the row prints fewer numbers than columns"]
    # blanks dropped: the middle column is blank (no cell), the others were chosen
    dropped = placements(_atoms(("4", 0, 1), ("6", 2, 3)), [Cell("4", 0, 1), None, Cell("6", 2, 3)])
    assert dropped == ["column chosen: the row prints fewer numbers than columns", None,
                       "column chosen: the row prints fewer numbers than columns"]
    ocr = placements(_atoms(("1O", 0, 2)), [Cell("1O", 0, 2, ocr="1O")])
    assert ocr == ["letters read as digits"]


def test_models_placed_travels_in_note_and_reads_back():
    ev = Evidence(3, 5, "12", "table", 1.0, note="printed 12元: converted 元 to 万元", placed="digits run together, cut")
    d = ev.to_json()
    assert set(d) <= {"start", "end", "quote", "method", "confidence", "approximate", "note"}
    assert d["note"].startswith("printed 12元") and placed_by(d) == "digits run together, cut"
    assert placed_by(Evidence(0, 1, "1", "table").to_json()) is None
    assert placed_by({"note": "cue: 共收到"}) is None


def test_models_evidence_json_has_every_field_in_order():
    # Evidence.to_json names its keys by hand (speed): a field added to Evidence must show up in it too
    from dataclasses import fields
    ev = Evidence(3, 5, "12", "table", 0.5, approximate=True, note="n")
    names = [f.name for f in fields(Evidence) if f.name != "placed"]
    assert list(ev.to_json()) == names
    assert ev.to_json() == {"start": 3, "end": 5, "quote": "12", "method": "table", "confidence": 0.5,
                            "approximate": True, "note": "n"}
    assert list(Evidence(0, 1, "1", "rule").to_json()) == ["start", "end", "quote", "method"]


def _values() -> dict:
    """A gov2021 report's tables, all zeros but one granted application and one upheld review."""
    v = {"proactive": {r: {c: 0 for c in cs} for r, cs in T2_COLUMNS["gov2021"].items()},
         "applications": {s.key: {c: 0 for c in T3_COLS} for s in T3_SPECS["gov2021"] if not s.subtotal},
         "review_litigation": {b: {c: 0 for c in T4_COLS} for b in T4_BLOCKS}}
    for r in ("new_received", "granted", "results_total"):
        v["applications"][r].update(natural_person=1, total=1)
    v["review_litigation"]["review"].update(upheld=2, total=2)
    return v


def test_tables_placed_marks_cut_cells_only():
    printed = extract_tables(render(_values(), "gov2021", "lines"), "gov2021")
    assert printed.values == _values()
    assert len(printed.evidence) == 200 and all(e.placed is None for e in printed.evidence.values())
    glued = extract_tables(render(_values(), "gov2021", "run_together"), "gov2021")
    assert glued.values == _values()
    how = {p: e.placed for p, e in glued.evidence.items()}
    # rows of one column print one number: read; every other row's digits ran together and were cut
    single = {p for p in how if len(T2_COLUMNS["gov2021"].get(p.split(".")[1], ())) == 1 and p.startswith("proactive")}
    assert single and all(how[p] is None for p in single)
    assert all(how[p] == "digits run together, cut" for p in how if p not in single)


def test_extract_placed_output_stays_schema_valid(corpus):
    from ie.extract import extract_file

    report = extract_file(corpus / "putian_chengguan_2023.txt", use_model=False)
    assert not schema_errors(report)
    placed = [p for p, e in report["evidence"].items() if placed_by(e)]
    read = [p for p, e in report["evidence"].items() if e["method"] == "table" and not placed_by(e)]
    assert len(placed) > 100 and read      # runs printed once: most cells placed, a few rows printed in full

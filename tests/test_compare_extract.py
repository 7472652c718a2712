"""scripts/compare_extract.py: reports that differ only in model scores within the tolerance count as the same."""
import importlib.util
import json
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "compare_extract.py"
spec = importlib.util.spec_from_file_location("compare_extract", SCRIPT)
compare_extract = importlib.util.module_from_spec(spec)
spec.loader.exec_module(compare_extract)

REPORT = {"prose": {"reviews": 2}, "entities": [{"label": "COUNT", "start": 3, "end": 5, "score": 0.91}],
          "evidence": {"prose.reviews": {"confidence": 0.95, "note": "role model: P(reviews) = 0.950"}}}


def _save(folder: Path, name: str, report: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(json.dumps(report), encoding="utf-8")


def test_compare_extract_floats_within_tolerance_are_the_same(tmp_path, capsys):
    after = json.loads(json.dumps(REPORT))
    after["entities"][0]["score"] = 0.91004
    after["evidence"]["prose.reviews"].update(confidence=0.95003, note="role model: P(reviews) = 0.951")
    _save(tmp_path / "a", "r.json", REPORT)
    _save(tmp_path / "b", "r.json", after)
    assert compare_extract.diff(tmp_path / "a", tmp_path / "b", 1e-4) == 0
    assert "1/1 reports the same" in capsys.readouterr().out


def test_compare_extract_names_what_differs(tmp_path, capsys):
    after = json.loads(json.dumps(REPORT))
    after["prose"]["reviews"] = 3
    after["entities"].append({"label": "DATE", "start": 9, "end": 12, "score": 0.8})
    _save(tmp_path / "a", "r.json", REPORT)
    _save(tmp_path / "b", "r.json", after)
    assert compare_extract.diff(tmp_path / "a", tmp_path / "b", 1e-4) == 1
    out = capsys.readouterr().out
    assert ".prose.reviews: '2' vs '3'" in out and ".entities: 1 vs 2 items" in out
    assert compare_extract.differences(0.5, 0.7, 1e-4) == [": 0.5 vs 0.7"]

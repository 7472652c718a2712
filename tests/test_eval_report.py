"""scripts/eval_report.py: saved outputs (--pred-dir), and figures for the original and the new reports apart."""
import importlib.util
import json
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "eval_report.py"
spec = importlib.util.spec_from_file_location("eval_report", SCRIPT)
eval_report = importlib.util.module_from_spec(spec)
spec.loader.exec_module(eval_report)

META = {"title": "某局2019年政府信息公开工作年度报告", "issuer": "某局", "year": 2019, "period_start": None,
        "period_end": None, "published_on": None, "template": "prose"}


def _write(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")


def _setup(tmp_path):
    gold, corpus = tmp_path / "gold", tmp_path / "corpus"
    for stem in ("old", "new1", "new2"):
        _write(gold / "fields" / f"{stem}.json", {"meta": META, "prose": {"proactive_total": 5}, "documents": []})
    corpus.mkdir()
    (corpus / "SOURCES_2.tsv").write_text("file\trepo\nnew1.txt\tx\nnew2.txt\tx\n", encoding="utf-8")
    return gold, corpus


def test_eval_report_new_stems_read_from_sources_2(tmp_path):
    _, corpus = _setup(tmp_path)
    assert eval_report.new_report_stems(corpus) == {"new1", "new2"}
    assert eval_report.new_report_stems(tmp_path) == set()


def test_eval_report_pred_dir_with_mode_subfolders_and_groups(tmp_path, capsys):
    gold, corpus = _setup(tmp_path)
    preds = tmp_path / "preds"
    for stem in ("old", "new1", "new2"):
        _write(preds / "rules" / f"{stem}.json", {"meta": META, "prose": {"proactive_total": 5}, "documents": []})
    _write(preds / "model" / "new1.json", {"meta": META, "prose": {"proactive_total": 6}, "documents": []})
    rc = eval_report.main(["--gold", str(gold), "--corpus", str(corpus), "--pred-dir", str(preds), "--json"])
    assert rc == 0
    rows = json.loads(capsys.readouterr().out)
    rules, model = rows["rules only"], rows["model + rules"]
    assert rules["original 1"]["prose_accuracy"] == 1.0 and rules["new 2"]["files"] == 2 and rules["all 3"]["files"] == 3
    assert model["missing"] == ["new2", "old"] and model["new 1"]["prose_precision"] == 0.0


def test_eval_report_pred_dir_of_one_mode_prints_the_table(tmp_path, capsys):
    gold, corpus = _setup(tmp_path)
    preds = tmp_path / "saved"
    for stem in ("new1", "new2"):
        _write(preds / f"{stem}.json", {"meta": META, "prose": {"proactive_total": 5}, "documents": []})
    assert eval_report.main(["--gold", str(gold), "--corpus", str(corpus), "--pred-dir", str(preds)]) == 0
    out, err = capsys.readouterr()
    assert "| saved | new 2 |" in out and "| saved | original 0 |" in out
    assert "left out: old" in err

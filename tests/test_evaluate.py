"""ie evaluate metrics on hand-built gold and predictions."""
import json

import pytest

from ie.evaluate import (EvaluateError, compare_file, evaluate, format_table, load_gold, predict_from_dir, prf, run,
                         totals)

GOLD_FIELDS = {
    "meta": {"title": "某县2018年政府信息公开工作年度报告", "issuer": "某县人民政府", "year": 2018,
             "period_start": "2018-01-01", "period_end": "2018-12-31", "published_on": None, "template": "prose"},
    "prose": {"applications_received": 8, "reviews": 7, "fees_yuan": 0},
    "documents": [{"doc_no": "国办发〔2018〕23号", "title": "x"}, {"doc_no": "渝府办发〔2018〕76号", "title": None}],
}
GOLD_TABLES = {"template": "gov2019",
               "applications": {"new_received": {"total": 10, "natural_person": 9}},
               "review_litigation": {"review": {"total": 0}},
               "ambiguous": {"applications.new_received.natural_person": "digits run together"}}


def pred(**over):
    p = {"meta": dict(GOLD_FIELDS["meta"]), "prose": dict(GOLD_FIELDS["prose"]),
         "documents": [{"doc_no": "国办发[2018]23号", "start": 0, "end": 1},
                       {"doc_no": "渝府办发〔2018〕076号", "start": 2, "end": 3}],
         "applications": {"new_received": {"total": 10, "natural_person": 9}},
         "review_litigation": {"review": {"total": 0}}}
    p.update(over)
    return p


def test_evaluate_perfect_prediction():
    r = compare_file("a", GOLD_FIELDS, GOLD_TABLES, pred())
    assert (r.meta.correct, r.meta.total) == (7, 7)
    assert (r.prose.correct, r.prose.total) == (6, 6)     # 3 stated + 3 correctly absent
    assert (r.cells.correct, r.cells.total) == (3, 3)
    assert (r.doc_tp, r.doc_fp, r.doc_fn) == (2, 0, 0)   # doc_no compared normalized
    assert r.wrong == []


def test_evaluate_meta_field_wrong_and_whitespace_ignored():
    p = pred(meta={**GOLD_FIELDS["meta"], "title": "某县 2018 年政府信息公开工作年度报告", "year": 2019})
    r = compare_file("a", GOLD_FIELDS, None, p)
    assert (r.meta.correct, r.meta.total) == (6, 7)
    assert r.meta_fields["title"] and not r.meta_fields["year"]
    assert ("meta.year", 2018, 2019) in r.wrong


def test_evaluate_prose_both_directions_and_precision():
    # reviews wrong, lawsuits filled though the gold has none, fees missing
    p = pred(prose={"applications_received": 8, "reviews": 6, "lawsuits": 0})
    r = compare_file("a", GOLD_FIELDS, None, p)
    assert (r.prose.correct, r.prose.total) == (3, 6)    # applications, complaints, proactive_total absent
    assert (r.prose_predicted.correct, r.prose_predicted.total) == (1, 3)
    assert {w[0] for w in r.wrong} == {"prose.reviews", "prose.lawsuits", "prose.fees_yuan"}


def test_evaluate_prose_null_equals_absent():
    p = pred(prose={**GOLD_FIELDS["prose"], "complaints": None})
    assert compare_file("a", GOLD_FIELDS, None, p).prose.correct == 6


def test_evaluate_documents_precision_recall():
    p = pred(documents=[{"doc_no": "国办发〔2018〕23号"}, {"doc_no": "国办发〔2017〕47号"}])
    r = compare_file("a", GOLD_FIELDS, None, p)
    assert (r.doc_tp, r.doc_fp, r.doc_fn) == (1, 1, 1)
    assert prf(1, 1, 1) == (0.5, 0.5, 0.5)
    assert ("documents", "渝府办发〔2018〕76号", None) in r.wrong and ("documents", None, "国办发〔2017〕47号") in r.wrong


def test_evaluate_prf_edge_cases():
    assert prf(0, 0, 0) == (None, None, None)
    assert prf(0, 2, 0) == (0.0, None, 0.0)
    assert prf(3, 0, 1)[2] == pytest.approx(2 * 0.75 / 1.75)


def test_evaluate_ambiguous_cell_null_is_correct_but_wrong_value_is_not():
    p = pred(applications={"new_received": {"total": 10, "natural_person": None}})
    assert compare_file("a", None, GOLD_TABLES, p).cells.correct == 3
    p = pred(applications={"new_received": {"total": 10, "natural_person": 8}})
    r = compare_file("a", None, GOLD_TABLES, p)
    assert (r.cells.correct, r.cells.total) == (2, 3)


def test_evaluate_cell_null_for_plain_gold_is_wrong_and_extra_cells_counted():
    p = pred(review_litigation={"review": {"total": None, "upheld": 0}})
    r = compare_file("a", None, GOLD_TABLES, p)
    assert (r.cells.correct, r.cells.total, r.cells_extra) == (2, 3, 1)


def test_evaluate_missing_prediction_scores_empty():
    r = compare_file("a", GOLD_FIELDS, GOLD_TABLES, None, "no prediction")
    # published_on null = null; the ambiguous cell left null counts as correct
    assert r.meta.correct == 1 and r.cells.correct == 1 and r.doc_fn == 2
    assert r.prose.correct == 3    # the three fields the gold says are absent
    assert "ERROR no prediction" in format_table([r])


def test_evaluate_totals_micro_average():
    a = compare_file("a", GOLD_FIELDS, GOLD_TABLES, pred())
    b = compare_file("b", GOLD_FIELDS, GOLD_TABLES, None)
    t = totals([a, b])
    assert t["meta_accuracy"] == pytest.approx(8 / 14)
    assert t["documents_recall"] == pytest.approx(0.5) and t["documents_precision"] == 1.0
    assert t["meta_fields"]["year"] == pytest.approx(0.5)


def _write(d, name, obj):
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_text(json.dumps(obj, ensure_ascii=False), encoding="utf-8")


def test_evaluate_cli_json_and_table(tmp_path, capsys):
    gold, preds = tmp_path / "gold", tmp_path / "pred"
    _write(gold / "fields", "r1.json", GOLD_FIELDS)
    _write(gold / "tables", "r1.json", GOLD_TABLES)
    _write(preds, "r1.json", pred())

    class A:
        gold_dir, pred_dir, extract, no_model, model, json, quiet = gold, preds, None, False, None, True, False
    assert run(A) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["totals"]["meta_accuracy"] == 1.0 and out["files"]["r1"]["documents_f1"] == 1.0
    A.json = False
    assert run(A) == 0
    assert "TOTAL" in capsys.readouterr().out


def test_evaluate_bad_gold_names_the_file(tmp_path):
    (tmp_path / "fields").mkdir()
    (tmp_path / "fields" / "bad.json").write_text("{oops", encoding="utf-8")
    with pytest.raises(EvaluateError, match="bad.json: not valid JSON"):
        load_gold(tmp_path)
    with pytest.raises(EvaluateError, match="no fields/ or tables/"):
        load_gold(tmp_path / "nowhere")


def test_evaluate_cli_needs_one_source(tmp_path, capsys):
    class A:
        gold_dir, pred_dir, extract, no_model, model, json, quiet = tmp_path, None, None, False, None, False, False
    assert run(A) == 2
    assert "either PRED_DIR or --extract" in capsys.readouterr().err


def test_evaluate_predict_callback_per_stem():
    gold = {"x": (GOLD_FIELDS, None), "y": (GOLD_FIELDS, None)}
    seen = []

    def predict(stem):
        seen.append(stem)
        return pred(), None
    results = evaluate(gold, predict)
    assert seen == ["x", "y"] and all(r.meta.correct == 7 for r in results)


def test_evaluate_gold_dir_where_prose_era_reports_have_no_table_gold(tmp_path, capsys):
    gold, preds = tmp_path / "gold", tmp_path / "pred"
    _write(gold / "fields", "tabled.json", GOLD_FIELDS)
    _write(gold / "tables", "tabled.json", GOLD_TABLES)
    _write(gold / "fields", "prose_era.json", GOLD_FIELDS)       # no tables/prose_era.json
    _write(preds, "tabled.json", pred())
    _write(preds, "prose_era.json", pred())
    loaded = load_gold(gold)
    assert loaded["prose_era"][1] is None
    results = evaluate(loaded, predict_from_dir(preds))
    by = {r.stem: r for r in results}
    assert by["prose_era"].cells.total == 0 and by["prose_era"].cells_extra == 0
    assert by["prose_era"].meta.correct == 7 and by["tabled"].cells.total > 0

    class A:
        gold_dir, pred_dir, extract, no_model, model, json, quiet = gold, preds, None, False, None, False, False
    assert run(A) == 0
    assert "prose_era" in capsys.readouterr().out

"""scripts/crossval.py: issuer groups across corpus and pool, and which weak reports a fold may read."""
import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "crossval.py"
spec = importlib.util.spec_from_file_location("crossval", SCRIPT)
crossval = importlib.util.module_from_spec(spec)
spec.loader.exec_module(crossval)

ISSUERS = {"city_a_2019": "甲市统计局", "city_a_2021": "甲市统计局", "city_b_2020": "乙市林业局",
           "pool_tj_2018": "甲市统计局", "pool_ly_2022": "乙市林业局", "pool_other_2020": "丙市水利局",
           "pool_other_2024": "丙市水利局", "pool_bridge_2019": "乙市林业局"}


def test_crossval_groups_join_same_issuer_and_same_body():
    groups = crossval.issuer_groups(["city_a_2019", "city_a_2021", "city_b_2020", "pool_tj_2018"], Path("."),
                                    ISSUERS)
    assert sorted(groups) == [["city_a_2019", "city_a_2021", "pool_tj_2018"], ["city_b_2020"]]


def test_crossval_fold_leaves_out_weak_reports_of_held_out_issuers():
    corpus = ["city_a_2019", "city_a_2021", "city_b_2020"]
    weak = ["pool_tj_2018", "pool_ly_2022", "pool_other_2020"]
    kept, left = crossval.weak_for_fold(weak, ["city_a_2019", "city_a_2021"], corpus, ISSUERS)
    assert kept == ["pool_ly_2022", "pool_other_2020"] and left == ["pool_tj_2018"]
    kept, left = crossval.weak_for_fold(weak, ["city_b_2020"], corpus, ISSUERS)
    assert kept == ["pool_tj_2018", "pool_other_2020"] and left == ["pool_ly_2022"]
    # a weakly labelled corpus report of the held-out side is left out too
    kept, left = crossval.weak_for_fold(["city_a_2021"], ["city_a_2019"], corpus, ISSUERS)
    assert kept == [] and left == ["city_a_2021"]


def test_crossval_reads_pool_issuers_from_the_unlabeled_sources(tmp_path):
    (tmp_path / "unlabeled").mkdir()
    (tmp_path / "SOURCES_2.tsv").write_text("file\tissuer\nx_2019.txt\t甲局\n", encoding="utf-8")
    (tmp_path / "unlabeled" / "SOURCES.tsv").write_text("file\tissuer\npool_y_2020.txt\t甲局\n", encoding="utf-8")
    issuers = crossval.read_issuers(tmp_path)
    assert issuers["x_2019"] == issuers["pool_y_2020"] == "甲局"
    assert crossval.weak_for_fold(["pool_y_2020"], ["x_2019"], ["x_2019"], issuers) == ([], ["pool_y_2020"])

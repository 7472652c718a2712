"""map_report on small hand-built texts with hand-built entities, plus corpus texts with the rule spans."""
import json

import jsonschema
import pytest

from ie.map import MODEL_THRESHOLD, choose_entities, find_period, find_title, map_report
from ie.models import Entity
from ie.paths import GOLD_DIR, corpus_dir, schema_dir


def ent(text, sub, label, source="rule", score=None, nth=0):
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return Entity(label, start, start + len(sub), sub, score, source)


PROSE = ("重庆市某某县2018年政府信息公开工作年度报告\n"
         "所列数据统计期限自2018年1月1日起至2018年12月31日止。\n"
         "全年,县政府收到政府信息公开申请8件,属于已主动公开范围数8件。\n"
         "对依申请提供政府信息暂未收取检索、复印、邮寄等费用。\n"
         "全年,县政府受理有关政府信息公开行政复议案件7件,诉讼案件无。\n"
         "印发《关于做好政务公开工作的通知》(某府办发﹝2018﹞047号)。再次引用某府办发〔2018〕47号。\n"
         "某某县人民政府\n2019年1月20日\n")


def prose_entities(text):
    return [ent(text, "8件", "COUNT"), ent(text, "8件", "COUNT", nth=1), ent(text, "7件", "COUNT"),
            ent(text, "《关于做好政务公开工作的通知》", "DOC_TITLE"), ent(text, "某府办发﹝2018﹞047号", "DOC_NO"),
            ent(text, "某府办发〔2018〕47号", "DOC_NO"), ent(text, "2018年1月1日", "DATE"),
            ent(text, "2019年1月20日", "DATE")]


def test_map_prose_fields_by_cue_and_zero_phrases():
    r = map_report(PROSE, prose_entities(PROSE), "prose")
    assert r.prose == {"applications_received": 8, "reviews": 7, "lawsuits": 0, "fees_yuan": 0}
    ev = r.evidence["prose.lawsuits"]
    assert ev.method == "rule" and ev.quote == PROSE[ev.start:ev.end] and "诉讼案件无" in ev.quote
    assert r.evidence["prose.applications_received"].quote == "8件"


def test_map_meta_title_issuer_period_signature():
    r = map_report(PROSE, prose_entities(PROSE), "prose")
    assert r.meta == {"title": "重庆市某某县2018年政府信息公开工作年度报告", "issuer": "重庆市某某县人民政府",
                      "year": 2018, "period_start": "2018-01-01", "period_end": "2018-12-31",
                      "published_on": "2019-01-20", "template": "prose"}
    for path, ev in r.evidence.items():
        assert PROSE[ev.start:ev.end] == ev.quote, path


def test_map_documents_dedup_by_normalized_number_with_title():
    r = map_report(PROSE, prose_entities(PROSE), "prose")
    assert [(d["doc_no"], d["title"]) for d in r.documents] == [("某府办发〔2018〕47号", "关于做好政务公开工作的通知")]
    assert PROSE[r.documents[0]["start"]:r.documents[0]["end"]] == "某府办发﹝2018﹞047号"


def test_map_dates_normalized():
    r = map_report(PROSE, prose_entities(PROSE), "prose")
    assert [(d["text"], d["value"]) for d in r.dates] == [("2018年1月1日", "2018-01-01"), ("2019年1月20日", "2019-01-20")]


def test_map_model_entity_preferred_and_method_model():
    text = "2020年全区共受理政府信息公开申请21件。"
    model = Entity("COUNT", text.index("21件"), text.index("21件") + 3, "21件", 0.93, "model")
    rule = Entity("COUNT", text.index("21件"), text.index("21件") + 3, "21件", None, "rule")
    r = map_report(text, [model, rule], "gov2019")
    ev = r.evidence["prose.applications_received"]
    assert r.prose["applications_received"] == 21 and ev.method == "model" and ev.confidence == pytest.approx(0.93)


def test_map_unsure_model_entity_yields_to_rule():
    text = "2020年全区共受理政府信息公开申请21件。"
    s = text.index("21件")
    unsure = Entity("COUNT", s, s + 2, "21", MODEL_THRESHOLD / 2, "model")
    rule = Entity("COUNT", s, s + 3, "21件", None, "rule")
    chosen = choose_entities(text, [unsure, rule])
    assert [(e.text, e.source) for e in chosen] == [("21件", "rule")]
    assert map_report(text, [unsure, rule], "gov2019").evidence["prose.applications_received"].method == "rule"


def test_map_channel_count_is_not_the_total():
    text = ("全年通过县政府网站主动发布政府信息4022条,利用政务微博发布信息4805条。"
            "其中,各乡镇主动公开政府信息534条。")
    ents = [ent(text, "4022条", "COUNT"), ent(text, "4805条", "COUNT"), ent(text, "534条", "COUNT")]
    assert "proactive_total" not in map_report(text, ents, "prose").prose


def test_map_yearly_total_and_approximate():
    text = "2023年，全市共向社会主动\n公开政府信息18万余条。"
    r = map_report(text, [ent(text, "18万余条", "COUNT")], "gov2021")
    assert r.prose["proactive_total"] == 180000
    assert r.evidence["prose.proactive_total"].approximate is True


def test_map_money_fee():
    text = "2024年，市政府全年收取政府信息公开信息处理费 3940 元。"
    r = map_report(text, [ent(text, "3940 元", "MONEY")], "gov2021")
    assert r.prose == {"fees_yuan": 3940}


def test_map_later_different_statement_is_an_info_issue():
    text = "全年主动公开信息7215条。另据统计，全年主动公开信息7225条。"
    ents = [ent(text, "7215条", "COUNT"), ent(text, "7225条", "COUNT")]
    r = map_report(text, ents, "prose")
    assert r.prose["proactive_total"] == 7215
    assert [i.code for i in r.issues] == ["prose_other_statements"]


def test_map_title_over_two_pdf_lines_and_page_field():
    assert find_title("洪泽区人民政府\n2023 年政府信息公开工作年度报告\n本报告…")[0] == "洪泽区人民政府2023年政府信息公开工作年度报告"
    page = "标题: 某区2020年度政府信息公开工作年度报告\n发布时间: 2021-03-05\n==== 正文 ====\n某区2020年政府信息公开工作年度报告 根据《条例》"
    assert find_title(page)[0] == "某区2020年政府信息公开工作年度报告"


def test_map_period_with_year_printed_once_and_end_only():
    assert find_period("统计期限为 2025 年 1 月 1 日至 12 月 31 日。")[:2] == ("2025-01-01", "2025-12-31")
    assert find_period("所列数据截止日期为2019年12月31日,电子版")[:2] == (None, "2019-12-31")


def _validator():
    schema = json.loads((schema_dir() / "report.schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def test_map_output_is_schema_valid():
    r = map_report(PROSE, prose_entities(PROSE), "prose")
    report = {"schema_version": "1", "source": {"path": "x.txt", "sha256": "0" * 64, "format": "txt"},
              "meta": r.meta, "prose": r.prose, "documents": r.documents, "dates": r.dates,
              "entities": r.entities, "evidence": {k: v.to_json() for k, v in r.evidence.items()},
              "issues": [i.to_json() for i in r.issues]}
    if not (schema_dir() / "report.schema.json").exists():
        pytest.skip("schema not found beside the checkout")
    errors = list(_validator().iter_errors(report))
    assert not errors, errors[0].message


@pytest.mark.parametrize("stem", ["fengdu_2018", "pingtan_2012", "pingtan_2022", "huaian_2024", "zhuzhou_2018"])
def test_map_corpus_prose_matches_gold(stem):
    path = corpus_dir() / f"{stem}.txt"
    gold_path = GOLD_DIR / "fields" / f"{stem}.json"
    if not path.exists() or not gold_path.exists():
        pytest.skip("corpus or gold not available")
    from ie.normalize import normalize
    from ie.rules import find_entities
    text = normalize(path.read_text(encoding="utf-8")).text
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    r = map_report(text, find_entities(text), gold["meta"]["template"])
    assert r.prose == gold["prose"]
    assert [d["doc_no"] for d in r.documents] == [d["doc_no"] for d in gold["documents"]]
    for k in ("year", "period_start", "period_end", "published_on"):
        assert r.meta[k] == gold["meta"][k], k


@pytest.mark.parametrize("text,prose", [
    ("全年共受理政府信息公开申请二十三件。", {"applications_received": 23}),
    ("本年度共收到政府信息公开申请156件，其中当面申请12件。", {"applications_received": 156}),
    ("全年共主动公开政府信息12,345条。", {"proactive_total": 12345}),
    ("全年因政府信息公开被申请行政复议2件、提起行政诉讼1件。", {"reviews": 2, "lawsuits": 1}),
    ("全年没有发生因政府信息公开申请行政复议和提起行政诉讼的情况。", {"reviews": 0, "lawsuits": 0}),
    ("未发生因政府信息公开被举报、投诉的情况。", {"complaints": 0}),
    ("依申请公开收取检索、复制费用共计120元。", {"fees_yuan": 120}),
    ("2019年全县共受理政府信息公开申请35件（其中当面申请20件，网上申请15件）。", {"applications_received": 35}),
    ("全年未发生因依申请公开被行政复议纠错的情况。", {}),   # no correction ≠ no review
])
def test_map_prose_wording_variants_with_rule_spans(text, prose):
    assert map_report(text, [], "prose").prose == prose   # no spans passed: the rules fill in


def test_map_model_spans_that_do_not_read_as_their_label_are_not_used():
    from ie.map import choose_entities, plausible

    text = "全年共收办政府信息公开申请案件3646件，分发了300本中办22号文件，依据渝府办发〔2018〕76号"
    assert not plausible(Entity("COUNT", 14, 20, text[14:20], 0.9, "model"))          # 件3646件
    assert not plausible(Entity("DOC_NO", 31, 35, "办22号", 0.9, "model"))            # no 〔year〕
    assert plausible(Entity("DOC_NO", 42, 55, "渝府办发〔2018〕76号", 0.9, "model"))
    i = text.index("渝")
    model = [Entity("COUNT", 14, 20, text[14:20], 0.9, "model"),
             Entity("DOC_NO", i + 1, i + 13, text[i + 1:i + 13], 0.99, "model")]     # 府办发〔2018〕76号
    chosen = choose_entities(text, model)
    by_label = {(e.label, e.text, e.source) for e in chosen}
    assert ("COUNT", "3646件", "rule") in by_label                                  # the rule fills in
    assert ("DOC_NO", "渝府办发〔2018〕76号", "rule") in by_label                      # rule shape wins
    assert not any(e.source == "model" for e in chosen)


# ------------------------------------------------------------------------------------------ the role model

class StubRoles:
    """A role predictor with fixed answers: {span text: (role, probability)}; any other candidate is NONE."""

    def __init__(self, answers: dict, threshold: float = 0.9):
        self.answers = answers
        self.threshold = threshold
        self.seen: list[str] = []

    def predict(self, text, spans):
        from ie.tag.roles import RolePrediction, candidates

        out = []
        for e in candidates(text, spans):
            self.seen.append(e.text)
            role, p = self.answers.get(e.text, (None, 0.99))
            out.append(RolePrediction(e, role, p, {}))
        return out


ROLE_TEXT = ("二、主动公开政府信息情况\n累计主动公开政府信息1770条，其中2019年度我局共主动公开政府信息202条。"
             "全年,县政府收到政府信息公开申请8件。受理政府信息公开行政复议案件7件，诉讼案件无。")


def role_entities(text):
    return [ent(text, s, "COUNT") for s in ("1770条", "202条", "8件", "7件")]


def test_map_roles_confident_model_decides_with_method_model():
    roles = StubRoles({"202条": ("proactive_total", 0.97), "8件": ("applications_received", 0.95)})
    r = map_report(ROLE_TEXT, role_entities(ROLE_TEXT), "gov2019", roles=roles)
    assert r.prose["proactive_total"] == 202 and r.prose["applications_received"] == 8
    ev = r.evidence["prose.proactive_total"]
    assert ev.method == "model" and ev.confidence == pytest.approx(0.97) and ev.quote == "202条"
    assert "1770条" in roles.seen and not [i for i in r.issues if i.code == "prose_model_rule_disagree"]


def test_map_roles_model_abstains_so_the_rules_decide_with_method_rule():
    # 7件 scored below the threshold: the cue rules give reviews; the zero for lawsuits is the rules' too
    roles = StubRoles({"7件": ("reviews", 0.6)})
    r = map_report(ROLE_TEXT, role_entities(ROLE_TEXT), "gov2019", roles=roles)
    assert r.prose["reviews"] == 7 and r.evidence["prose.reviews"].method == "rule"
    assert r.prose["lawsuits"] == 0 and r.evidence["prose.lawsuits"].method == "rule"
    assert "诉讼案件无" in r.evidence["prose.lawsuits"].quote


def test_map_roles_disagreement_leaves_the_field_out_and_names_both_values():
    # the model reads the cumulative 1770 as the year's total (wrongly), the rules 202: neither is output, a
    # warning names both; the other fields are untouched
    roles = StubRoles({"1770条": ("proactive_total", 0.93)})
    rules_only = map_report(ROLE_TEXT, role_entities(ROLE_TEXT), "gov2019")
    assert rules_only.prose["proactive_total"] == 202
    r = map_report(ROLE_TEXT, role_entities(ROLE_TEXT), "gov2019", roles=roles)
    assert "proactive_total" not in r.prose and "prose.proactive_total" not in r.evidence
    assert r.prose == {k: v for k, v in rules_only.prose.items() if k != "proactive_total"}
    issues = [i for i in r.issues if i.code == "prose_model_rule_disagree"]
    assert len(issues) == 1 and issues[0].severity == "warning" and issues[0].fields == ["prose.proactive_total"]
    assert "1770" in issues[0].message and "202" in issues[0].message


def test_map_roles_span_the_field_cannot_hold_is_no_model_value():
    # a count in 人次 is no fee: the model abstains for the field, nothing is invented
    text = "全年收取信息处理费30人次。"
    roles = StubRoles({"30人次": ("fees_yuan", 0.99)})
    r = map_report(text, [ent(text, "30人次", "COUNT")], "gov2019", roles=roles)
    assert "fees_yuan" not in r.prose

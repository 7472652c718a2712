"""The role model (ie.tag.roles): inputs built from hand-made examples, labels from tasks, the threshold,
and a tiny training run that saves, reloads and predicts."""
import json

import pytest

from ie.models import Entity
from ie.tag.encoding import CharEncoder
from ie.tag.roles import (ROLE_LABELS, RolePrediction, RolePredictor, candidates, choose_threshold, heading_at,
                          load_role_config, model_fields, role_input, task_examples, train_roles)
from ie.tag.vocab import CharVocab

TEXT = ("二、主动公开政府信息情况\n累计主动公开政府信息1770条，其中2019年度我局共主动公开\n政府信息202条。"
        "微信公众号发布信息35条。\n| 主动公开 | 12条 |\n")


def span(text, sub, label="COUNT", role=None, nth=0):
    s = -1
    for _ in range(nth + 1):
        s = text.index(sub, s + 1)
    return Entity(label, s, s + len(sub), sub, role=role)


def region(e: Entity, i: int) -> list[dict]:
    out = [{"id": f"r{i}", "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": e.start, "end": e.end, "text": e.text, "labels": [e.label]}}]
    if e.role:
        out.append({"id": f"r{i}", "from_name": "role", "to_name": "text", "type": "choices",
                    "value": {"start": e.start, "end": e.end, "text": e.text, "choices": [e.role]}})
    return out


def task(text, spans, doc_id="doc"):
    result = [r for i, e in enumerate(spans) for r in region(e, i)]
    return {"id": 1, "data": {"text": text, "doc_id": doc_id}, "annotations": [{"id": 1, "result": result}]}


def test_roles_input_marks_the_span_and_cuts_the_window():
    enc = CharEncoder(CharVocab.build([TEXT]))
    e = span(TEXT, "202条")
    r = role_input(TEXT, e, "二、主动公开政府信息情况", enc, left=10, right=4, heading_chars=6)
    v = enc.vocab
    sep = r.input_ids.index(v.sep_id)
    assert r.input_ids[1:sep] == v.encode("二、主动公开")                 # heading, cut to 6 characters
    marked = [i for i, t in enumerate(r.token_type_ids) if t == 1]
    assert [r.input_ids[i] for i in marked] == v.encode("202条")        # exactly the span's characters
    assert r.span_mask == r.token_type_ids
    # 10 characters of left context with the line break squeezed out, then the span, then 4 to the right
    assert r.input_ids[sep + 1: marked[0]] == v.encode("我局共主动公开政府信息"[-10:])
    assert r.input_ids[marked[-1] + 1: -1] == v.encode("。微信公")
    assert r.input_ids[0] == v.cls_id and r.input_ids[-1] == v.sep_id


def test_roles_candidates_skip_table_lines_and_other_labels():
    spans = [span(TEXT, "1770条"), span(TEXT, "202条"), span(TEXT, "2019年度", "DATE"), span(TEXT, "12条"),
             span(TEXT, "202条")]
    assert [e.text for e in candidates(TEXT, spans)] == ["1770条", "202条"]


def test_roles_task_examples_take_roles_from_region_choices():
    t = task(TEXT, [span(TEXT, "1770条"), span(TEXT, "202条", role="proactive_total"), span(TEXT, "35条")])
    ex = task_examples(t)
    assert [(x.entity.text, x.label, x.weak) for x in ex] == [
        ("1770条", "NONE", False), ("202条", "proactive_total", False), ("35条", "NONE", False)]
    # a weak task names only its role spans: the rules' other numbers come in as NONE
    weak = task(TEXT, [span(TEXT, "202条", role="proactive_total")])
    got = {(x.entity.text, x.label) for x in task_examples(weak, weak=True)}
    assert ("202条", "proactive_total") in got and ("1770条", "NONE") in got and ("35条", "NONE") in got
    assert all(x.weak for x in task_examples(weak, weak=True))


def test_roles_weak_span_without_role_is_negative_only_for_roles_the_tables_state():
    text = "全年共主动公开政府信息202条。共收到政府信息公开申请5件，行政复议1件。"
    weak = task(text, [span(text, "5件", role="applications_received")])
    weak["data"]["roles_from_tables"] = ["applications_received", "reviews", "lawsuits"]
    ex = {x.entity.text: x for x in task_examples(weak, weak=True)}
    assert ex["5件"].label == "applications_received" and ex["5件"].allowed is None
    # 202条 may state proactive_total (no table states it): NONE or any role the tables leave open
    assert ex["202条"].label == "NONE"
    assert set(ex["202条"].allowed) == {"NONE", "proactive_total", "complaints", "fees_yuan"}
    # a report whose tables state every role: a role-less span is a plain negative
    weak["data"]["roles_from_tables"] = list(ROLE_LABELS[1:])
    assert all(x.allowed is None for x in task_examples(weak, weak=True))
    # hand-made tasks are never partial
    assert all(x.allowed is None for x in task_examples(weak))


def test_roles_weak_label_read_wrong_becomes_a_negative_for_its_role():
    text = "依申请公开信息0条。共收到政府信息公开申请5件。"
    weak = task(text, [span(text, "0条", role="applications_received"),
                       span(text, "5件", role="applications_received")])
    weak["data"]["roles_from_tables"] = []
    wrong = {(0, 0, "x")} | {(span(text, "0条").start, span(text, "0条").end, "applications_received")}
    ex = {x.entity.text: x for x in task_examples(weak, weak=True, wrong=wrong)}
    assert ex["5件"].label == "applications_received"
    assert ex["0条"].label == "NONE" and "applications_received" not in ex["0条"].allowed


def test_roles_read_weak_review_keeps_only_wrong_verdicts(tmp_path):
    from ie.tag.roles import read_weak_review

    p = tmp_path / "review.yaml"
    p.write_text("labels:\n  - {doc: a, start: 1, end: 3, role: reviews, verdict: ok}\n"
                 "  - {doc: a, start: 5, end: 7, role: lawsuits, verdict: wrong, reason: x}\n", encoding="utf-8")
    assert read_weak_review(p) == {"a": {(5, 7, "lawsuits")}}
    assert read_weak_review("") == {}
    with pytest.raises(FileNotFoundError, match="weak_review"):
        read_weak_review(tmp_path / "missing.yaml")


def test_roles_loss_with_label_sets_is_cross_entropy_on_one_hot_and_marginal_on_sets():
    import torch

    from ie.tag.roles import role_loss

    logits = torch.tensor([[2.0, 0.5, -1.0, 0, 0, 0, 0], [0.1, 3.0, 0.2, 0, 0, 0, 0]])
    labels = torch.tensor([0, 1])
    w = torch.tensor([0.3, 1, 1, 1, 1, 1, 1])
    one_hot = torch.nn.functional.one_hot(labels, 7)
    plain = torch.nn.functional.cross_entropy(logits, labels, weight=w)
    assert role_loss(logits, labels, w, one_hot).item() == pytest.approx(plain.item(), rel=1e-6)
    assert role_loss(logits, labels, w).item() == pytest.approx(plain.item(), rel=1e-6)
    # row 0 may be NONE or role 1: its loss is -log(p0 + p1), smaller than -log p0
    mask = one_hot.clone()
    mask[0, 1] = 1
    p = torch.softmax(logits[0], -1)
    part = role_loss(logits[:1], labels[:1], w, mask[:1]).item()
    assert part == pytest.approx(-torch.log(p[0] + p[1]).item(), rel=1e-6)
    assert part < role_loss(logits[:1], labels[:1], w, one_hot[:1]).item()


def test_roles_task_examples_reject_unknown_roles():
    with pytest.raises(ValueError, match="unknown roles"):
        task_examples(task(TEXT, [span(TEXT, "202条", role="total_of_everything")]))


def test_roles_heading_is_the_section_around_the_span():
    from ie.models import Section

    secs = [Section("preamble", "", 0, 5), Section("proactive", "二、主动公开", 5, 50)]
    assert heading_at(secs, 3) == "" and heading_at(secs, 20) == "二、主动公开" and heading_at(secs, 60) == ""


def test_roles_threshold_is_the_lowest_that_keeps_precision():
    gold = ["proactive_total", "NONE", "reviews", "NONE"]
    roles = ["proactive_total", "proactive_total", "reviews", None]
    probs = [0.95, 0.62, 0.81, 0.99]
    t, table = choose_threshold(gold, roles, probs, min_precision=0.99, default=0.9, floor=0.5)
    assert t == 0.65 and table["0.6"]["precision"] == pytest.approx(2 / 3)
    assert choose_threshold(gold, roles, probs, 0.99, 0.9, floor=0.8)[0] == 0.8       # the floor holds
    assert choose_threshold(["NONE"], [None], [0.9], 0.99, 0.9)[0] == 0.9   # nothing taken: the default
    # a wrong span high up spoils every threshold below it: the model never decides
    assert choose_threshold(["NONE", "reviews"], ["reviews", "reviews"], [0.98, 0.9], 0.99, 0.9, 0.5)[0] == 1.0


def test_roles_model_fields_take_the_most_probable_confident_span():
    a, b, c = span(TEXT, "1770条"), span(TEXT, "202条"), span(TEXT, "35条")
    preds = [RolePrediction(a, "proactive_total", 0.91, {}), RolePrediction(b, "proactive_total", 0.97, {}),
             RolePrediction(c, "reviews", 0.6, {})]
    got = model_fields(preds, 0.9)
    assert list(got) == ["proactive_total"] and got["proactive_total"].entity is b


def test_roles_config_rejects_unknown_keys_and_bad_threshold():
    with pytest.raises(ValueError, match="unknown config keys"):
        load_role_config({"task": "roles", "lefft_chars": 3}, "c.yaml")
    with pytest.raises(ValueError, match="threshold"):
        load_role_config({"task": "roles", "threshold": "high"}, "c.yaml")


def test_roles_shipped_config_parses_and_comments_every_field():
    import dataclasses
    import re

    import yaml

    from ie.paths import REPO_DIR
    from ie.tag.roles import RoleTrainConfig

    text = (REPO_DIR / "configs" / "roles.yaml").read_text(encoding="utf-8")
    raw = yaml.safe_load(text)
    assert set(raw) == {f.name for f in dataclasses.fields(RoleTrainConfig)}
    load_role_config(raw, "roles.yaml")
    lines = text.splitlines()
    for k in raw:
        i = next(n for n, line in enumerate(lines) if line.startswith(f"{k}:"))
        j = i - 1
        while j > 0 and re.match(r"^\w+:", lines[j]):
            j -= 1
        assert lines[j].startswith("#"), f"roles.yaml: {k} has no comment above it"


def _tasks():
    out = []
    for i in range(4):
        text = (f"二、主动公开政府信息情况\n全年共主动公开政府信息{100 + i}条，微信发布信息{7 + i}条。"
                f"三、依申请公开情况\n全年共收到政府信息公开申请{3 + i}件。")
        out.append(task(text, [span(text, f"{100 + i}条", role="proactive_total"), span(text, f"{7 + i}条"),
                               span(text, f"{3 + i}件", role="applications_received")], doc_id=f"d{i}"))
    return out


def test_roles_tiny_training_saves_reloads_and_predicts(tmp_path):
    (tmp_path / "tasks.json").write_text(json.dumps(_tasks(), ensure_ascii=False), encoding="utf-8")
    cfg = load_role_config({"task": "roles", "data": str(tmp_path / "tasks.json"), "output_dir": str(tmp_path / "m"),
                            "model_name_or_path": "init:small", "init_layers": 1, "init_hidden": 32,
                            "init_heads": 2, "init_intermediate": 64, "max_steps": 4, "batch_size": 4,
                            "eval_documents": 1, "num_threads": 1, "learning_rate": 0.01}, "tiny")
    m = train_roles(cfg)
    out = tmp_path / "m"
    metrics = json.loads((out / "metrics.json").read_text())
    assert set(metrics["eval"]) == {"proactive_total", "applications_received", "reviews", "lawsuits",
                                    "complaints", "fees_yuan", "micro"}
    assert metrics["eval"]["proactive_total"]["support"] == 1 and m["train_role_spans"] == 6
    conf = json.loads((out / "config.json").read_text())
    assert conf["id2label"]["0"] == "NONE" and conf["label2id"]["fees_yuan"] == ROLE_LABELS.index("fees_yuan")
    meta = json.loads((out / "roles.json").read_text())
    assert meta["threshold"] == m["threshold"] and meta["left_chars"] == 48
    pred = RolePredictor.from_pretrained(out)
    assert pred.backend == "onnxruntime"            # exported at the end of training, current
    text = _tasks()[0]["data"]["text"]
    got = pred.predict(text, [span(text, "100条"), span(text, "7条"), span(text, "三、", "DATE")])
    assert [p.entity.text for p in got] == ["100条", "7条"]
    for p in got:
        assert sum(p.probs.values()) == pytest.approx(1.0, abs=1e-4) and p.prob == max(p.probs.values())
    with pytest.raises(FileNotFoundError, match="not a role model"):
        RolePredictor.from_pretrained(tmp_path)


def test_roles_tiny_training_with_weak_tasks_masks_and_counts_them(tmp_path):
    (tmp_path / "tasks.json").write_text(json.dumps(_tasks(), ensure_ascii=False), encoding="utf-8")
    text = "二、主动公开政府信息情况\n全年共主动公开政府信息55条。三、依申请公开情况\n共收到政府信息公开申请9件，咨询3件。"
    weak = task(text, [span(text, "9件", role="applications_received")], doc_id="pool_1")
    weak["data"]["roles_from_tables"] = ["applications_received", "reviews", "lawsuits"]
    (tmp_path / "weak").mkdir()
    (tmp_path / "weak" / "pool_1.json").write_text(json.dumps([weak], ensure_ascii=False), encoding="utf-8")
    cfg = load_role_config({"task": "roles", "data": str(tmp_path / "tasks.json"), "output_dir": str(tmp_path / "m"),
                            "weak_data": [str(tmp_path / "weak")], "model_name_or_path": "init:small",
                            "init_layers": 1, "init_hidden": 32, "init_heads": 2, "init_intermediate": 64,
                            "max_steps": 3, "batch_size": 4, "eval_documents": 1, "num_threads": 1}, "tiny")
    m = train_roles(cfg)
    assert m["weak_documents"] == 1 and m["weak_role_spans"] == 1
    # 55条 and 3件 are rule spans without a weak role: proactive_total is stated by no table of pool_1
    assert m["weak_partial_spans"] == 2
    assert m["eval_spans"] == 3      # hand-made spans of the one held-out task only


def test_roles_extract_loads_the_roles_subfolder_only_when_there(tmp_path):
    from ie.extract import load_roles

    assert load_roles(None) is None
    assert load_roles(str(tmp_path)) is None            # a tagger directory without roles/: the cue rules alone

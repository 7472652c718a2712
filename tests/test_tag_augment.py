"""Mention-replacement augmentation: exact offsets, valid IOB2, every label generated, deterministic per seed."""
import random
import re

from ie.convert import spans_to_bio, task_spans
from ie.labels import LABELS
from ie.tag.augment import Pools, augment_tasks, gen_date, gen_doc_no, _cn_number

TEXT = ("根据《中华人民共和国政府信息公开条例》（国令第711号）和《重庆市人民政府办公厅关于印发2018年重庆市政务公开工作要点的通知》"
        "(渝府办发〔2018〕76号)，统计期限自2018年1月1日起至2018年12月31日止。全年共收到申请21件，"
        "收取费用3940元，办结率100%。联系电话：023-70606107，索引号：430S00/2019-16845。")


def _task(text=TEXT, doc_id="fixture"):
    result = []
    for label, surface in (("DOC_TITLE", "《中华人民共和国政府信息公开条例》"), ("DOC_NO", "国令第711号"),
                           ("DOC_TITLE", "《重庆市人民政府办公厅关于印发2018年重庆市政务公开工作要点的通知》"),
                           ("DOC_NO", "渝府办发〔2018〕76号"), ("DATE", "2018年1月1日"), ("DATE", "2018年12月31日"),
                           ("COUNT", "21件"), ("MONEY", "3940元"), ("PERCENT", "100%")):
        start = text.index(surface)
        result.append({"type": "labels", "value": {"start": start, "end": start + len(surface), "text": surface,
                                                   "labels": [label]}})
    return {"id": 7, "data": {"text": text, "doc_id": doc_id}, "annotations": [{"id": 1, "result": result}]}


def test_tag_augment_offsets_exact_and_iob2_valid():
    copies = augment_tasks([_task()], copies=20, seed=3)
    assert len(copies) == 20
    for t in copies:
        spans = task_spans(t)          # raises where a span's text disagrees with data.text
        assert [s.label for s in spans] == [s.label for s in task_spans(_task())]
        tags = spans_to_bio(len(t["data"]["text"]), spans)
        for prev, tag in zip(["O"] + tags, tags):
            if tag.startswith("I-"):
                assert prev[2:] == tag[2:] and prev != "O"
        # text outside the spans is untouched: the unlabeled phone number and 索引号 stay hard negatives
        assert t["data"]["text"].endswith("联系电话：023-70606107，索引号：430S00/2019-16845。")
        assert t["data"]["doc_id"].startswith("fixture#aug")


def test_tag_augment_changes_surfaces_for_every_label():
    copies = augment_tasks([_task()], copies=30, seed=0)
    orig = {(s.label, s.text) for s in task_spans(_task())}
    seen = {label: set() for label in LABELS}
    for t in copies:
        for s in task_spans(t):
            seen[s.label].add(s.text)
    for label in LABELS:
        assert len(seen[label] - {text for lab, text in orig if lab == label}) >= 3, label


def test_tag_augment_deterministic_per_seed():
    a = augment_tasks([_task()], copies=3, seed=11)
    b = augment_tasks([_task()], copies=3, seed=11)
    c = augment_tasks([_task()], copies=3, seed=12)
    assert a == b
    assert [t["data"]["text"] for t in a] != [t["data"]["text"] for t in c]
    assert augment_tasks([_task()], copies=0, seed=1) == []


def test_tag_augment_generators_follow_guideline_shapes():
    rng = random.Random(5)
    pools = Pools([_task()])
    assert pools.doc_no_prefixes == ["渝府办发"]
    for _ in range(200):
        no = gen_doc_no(rng, pools.doc_no_prefixes).replace("\n", "")
        assert no.endswith("号") and not no.startswith(("(", "（"))
        d = gen_date(rng, "2018年")
        assert re.search(r"[年月日度末底初份\d]$", d)
    assert gen_date(random.Random(1), "2019-03-22 17:29") is not None
    assert [_cn_number(n) for n in (3, 10, 12, 20, 105, 2013)] == ["三", "十", "十二", "二十", "一百零五", "二千零一十三"]


def test_tag_augment_inserts_doc_no_after_bare_titles():
    text = "认真落实《政府网站发展指引》，全年共收到申请21件。"
    start = text.index("《")
    title = "《政府网站发展指引》"
    task = {"id": 1, "data": {"text": text, "doc_id": "bare"}, "annotations": [{"result": [
        {"type": "labels", "value": {"start": start, "end": start + len(title), "text": title, "labels": ["DOC_TITLE"]}}]}]}
    copies = augment_tasks([task], copies=40, seed=2)
    inserted = [t for t in copies if any(s.label == "DOC_NO" for s in task_spans(t))]
    assert 0 < len(inserted) < 40
    for t in inserted:
        title_span, no = task_spans(t)
        txt = t["data"]["text"]
        # the brackets stay outside the DOC_NO, right after the title
        assert txt[title_span.end] in "(（" and txt[no.start - 1] in "(（" and txt[no.end] in ")）"
        assert no.start == title_span.end + 1


def test_tag_augment_wired_into_training(tmp_path):
    import json

    from ie.tag.train import TrainConfig, train

    tasks = [dict(_task(), id=i, data={"text": TEXT, "doc_id": f"d{i}"}) for i in range(3)]
    (tmp_path / "t.json").write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    common = dict(data=str(tmp_path / "t.json"), init_layers=1, init_hidden=32, init_heads=2, init_intermediate=64,
                  window=48, stride=48, max_steps=1, batch_size=4, eval_documents=["d2"], save_dtype="float16")
    plain = train(TrainConfig(output_dir=str(tmp_path / "a"), **common))
    aug = train(TrainConfig(output_dir=str(tmp_path / "b"), augment_copies=2, **common))
    assert aug["augment_copies"] == 2 and aug["train_documents"] == plain["train_documents"] == 2
    # copies change lengths a little, so about three times the windows; held-out scoring is unchanged
    assert 2.5 * plain["train_windows"] <= aug["train_windows"] <= 3.5 * plain["train_windows"]
    assert aug["eval"]["support"] == plain["eval"]["support"] == 9

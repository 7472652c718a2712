"""Train a tiny tagger for a few steps on hand-built tasks, save, reload, tag; configs parse; split by document."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ie.tag.data import split_by_document
from ie.tag.train import TrainConfig, load_config

REPO = Path(__file__).resolve().parents[1]
SENT = "{y}年{m}月{d}日，本机关共收到申请{n}件，依据《政府信息公开条例》和渝府办发〔{y}〕{n}号办理。\n"


def _task(i: int) -> dict:
    text = "".join(SENT.format(y=2010 + k, m=k % 12 + 1, d=k + 3, n=10 * i + k) for k in range(4))
    res = []
    for lab, pat in [("DATE", r"\d{4}年\d{1,2}月\d{1,2}日"), ("COUNT", r"\d+件"),
                     ("DOC_TITLE", r"《[^》]+》"), ("DOC_NO", r"渝府办发〔\d{4}〕\d+号")]:
        for m in re.finditer(pat, text):
            res.append({"from_name": "label", "to_name": "text", "type": "labels",
                        "value": {"start": m.start(), "end": m.end(), "text": m.group(), "labels": [lab]}})
    return {"id": i, "data": {"text": text, "doc_id": f"doc{i}"}, "annotations": [{"id": i, "result": res}]}


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    from ie.tag.train import train

    d = tmp_path_factory.mktemp("tag")
    (d / "tasks.json").write_text(json.dumps([_task(i) for i in range(4)], ensure_ascii=False), encoding="utf-8")
    cfg = TrainConfig(data=str(d / "tasks.json"), output_dir=str(d / "model"), init_layers=1, init_hidden=32,
                      init_heads=2, init_intermediate=64, window=48, stride=40, epochs=1, max_steps=4,
                      batch_size=8, eval_documents=["doc3"], logging_steps=1, learning_rate=0.003,
                      save_dtype="float16")
    metrics = train(cfg)
    return d / "model", metrics


def test_tag_train_with_char_classes_saves_and_tags_the_same_way(tmp_path):
    """A model trained with character classes as token types needs them again at inference: tagger.json says
    so, the type table is sized for the classes, and a reloaded model tags with them (a model fed no types
    would give different outputs)."""
    import numpy as np

    from ie.tag.encoding import CHAR_CLASSES
    from ie.tag.infer import Tagger
    from ie.tag.train import train

    (tmp_path / "tasks.json").write_text(json.dumps([_task(i) for i in range(3)], ensure_ascii=False),
                                         encoding="utf-8")
    cfg = TrainConfig(data=str(tmp_path / "tasks.json"), output_dir=str(tmp_path / "model"), init_layers=1,
                      init_hidden=32, init_heads=2, init_intermediate=64, window=48, stride=40, max_steps=3,
                      batch_size=8, eval_documents=["doc2"], init_char_classes=True, o_weight=0.5,
                      train_random_crops=True, mlm_epochs=1)
    metrics = train(cfg)
    assert metrics["mlm_steps"] > 0 and metrics["mlm_loss"] > 0     # the masked-LM warm-up ran first
    assert not (tmp_path / "model" / "mlm").exists()
    meta = json.loads((tmp_path / "model" / "tagger.json").read_text())
    assert meta["char_classes"] is True and meta["o_weight"] == 0.5
    tagger = Tagger.from_pretrained(tmp_path / "model", num_threads=1, backend="torch")
    assert tagger.model.config.type_vocab_size == len(CHAR_CLASSES) and tagger.o_weight == 0.5
    text = "2024年5月6日收到申请12件，依据渝府办发〔2024〕3号办理。" * 2
    seen = []
    tagger.runner = lambda ids, mask, types: seen.append(types) or tagger._torch_runner(ids, mask, types)
    seq, _ = tagger.tag_sequence(text)
    assert len(seq) == len(text) and seen and all(t is not None and t.max() > 0 for t in seen)
    onnx_tagger = Tagger.from_pretrained(tmp_path / "model", num_threads=1)   # exported by train, types fed
    assert onnx_tagger.backend == "onnxruntime" and onnx_tagger.tag_sequence(text)[0] == seq
    with_types = tagger._torch_runner(*_batch(tagger, text))
    without = tagger._torch_runner(*_batch(tagger, text)[:2])
    assert not np.allclose(with_types, without)


def _batch(tagger, text):
    import numpy as np

    e = tagger.encoder.encode(text[:40])
    return (np.array([e.input_ids]), np.ones((1, len(e)), dtype=np.int64), np.array([e.token_type_ids]))


def test_tag_train_saves_safetensors_label_map_and_reports(tiny_model):
    out, metrics = tiny_model
    names = {p.name for p in out.iterdir()}
    assert {"config.json", "model.safetensors", "vocab.txt", "tagger.json", "train_config.yaml",
            "metrics.json", "training_curve.png", "README.md", "model.onnx"} <= names   # exported at the end
    assert not any(n.endswith((".bin", ".pt", ".pth")) for n in names)
    cfg = json.loads((out / "config.json").read_text())
    assert cfg["id2label"]["0"] == "O" and cfg["label2id"]["B-COUNT"] == 1
    saved = json.loads((out / "metrics.json").read_text())
    assert saved["eval_document_ids"] == ["doc3"] and saved["train_documents"] == 3
    assert 0.0 <= saved["eval"]["f1"] <= 1.0 and saved["eval"]["support"] == 16   # 4 sentences x 4 spans
    assert metrics["train_steps"] == 4


def test_tag_train_model_reloads_and_tags_with_exact_offsets(tiny_model):
    from ie.tag.infer import Tagger

    out, _ = tiny_model
    tagger = Tagger.from_pretrained(out, num_threads=1)
    text = "2024年5月6日 收到申请 12件\n依据《条例》办理。" * 3     # > one window of 48: merging runs
    seq, scores = tagger.tag_sequence(text)
    assert len(seq) == len(text) == len(scores)
    for e in tagger.tag(text):
        assert e.source == "model" and text[e.start:e.end] == e.text and 0.0 < e.score <= 1.0
    # the reloaded vocabulary gives the same ids as the one used in training
    from ie.tag.vocab import CharVocab
    assert CharVocab.load(out).encode(text) == tagger.encoder.vocab.encode(text)


def test_tag_cli_tags_a_file_as_json_and_tsv(tiny_model, tmp_path):
    from ie.cli import main

    out, _ = tiny_model
    f = tmp_path / "r.txt"
    f.write_text("2019年3月1日，收到申请5件。\n", encoding="utf-8")
    assert main(["tag", str(f), "--model", str(out), "-o", str(tmp_path / "o.json")]) == 0
    res = json.loads((tmp_path / "o.json").read_text())
    assert res[0]["file"] == str(f) and isinstance(res[0]["entities"], list)
    assert main(["tag", str(f), "--model", str(out), "--format", "tsv", "-o", str(tmp_path / "o.tsv")]) == 0
    assert (tmp_path / "o.tsv").read_text().startswith("file\tlabel\tstart\tend\tscore\ttext")
    assert main(["tag", str(tmp_path / "missing.txt"), "--model", str(out), "-o", str(tmp_path / "x")]) == 1


def test_tag_split_holds_out_whole_documents():
    from ie.tag.data import encode_tasks
    from ie.tag.encoding import CharEncoder
    from ie.tag.vocab import CharVocab
    from ie.labels import bio_labels

    tasks = [_task(i) for i in range(5)]
    train, held = split_by_document(tasks, 2, seed=1)
    assert len(held) == 2 and not {t["data"]["doc_id"] for t in train} & {t["data"]["doc_id"] for t in held}
    enc = CharEncoder(CharVocab.build([t["data"]["text"] for t in tasks]))
    _, metas = encode_tasks(held, enc, 48, 40, bio_labels())
    assert {m.doc_id for m in metas} == {t["data"]["doc_id"] for t in held}
    with pytest.raises(ValueError, match="not in the data"):
        split_by_document(tasks, ["nope"], seed=1)


@pytest.mark.parametrize("name", ["default", "bert-base-chinese", "chinese-roberta-wwm-ext", "rbt3"])
def test_tag_configs_parse(name):
    cfg = load_config(REPO / "configs" / f"{name}.yaml")
    assert isinstance(cfg.learning_rate, float) and cfg.stride <= cfg.window
    expected = {"default": "checkpoints/pretrained", "bert-base-chinese": "bert-base-chinese",
                "chinese-roberta-wwm-ext": "hfl/chinese-roberta-wwm-ext", "rbt3": "hfl/rbt3"}[name]
    assert cfg.model_name_or_path == expected


def test_tag_config_rejects_unknown_keys_and_bad_numbers(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("windw: 10\n")
    with pytest.raises(ValueError, match="unknown config keys"):
        load_config(p)
    p.write_text("learning_rate: fast\n")
    with pytest.raises(ValueError, match="learning_rate"):
        load_config(p)


def test_tag_digit_swap_changes_only_digits():
    from ie.tag.data import DigitSwap
    from ie.tag.encoding import CharEncoder
    from ie.tag.vocab import CharVocab

    enc = CharEncoder(CharVocab.build(["申请"]))
    row = {"input_ids": enc.encode("申请2023件").input_ids, "labels": [-100, 0, 0, 1, 2, 2, 2, 2, -100]}
    digit_ids = [enc.vocab.id_of(d) for d in "0123456789"]
    aug = DigitSwap([row], digit_ids, p=1.0, seed=3)
    seen = {tuple(aug[0]["input_ids"]) for _ in range(20)}
    assert len(seen) > 1
    for ids in seen:
        assert ids[:3] == tuple(row["input_ids"][:3]) and ids[-2:] == tuple(row["input_ids"][-2:])
        assert all(i in digit_ids for i in ids[3:7])
    assert aug[0]["labels"] == row["labels"]


@pytest.mark.parametrize("name", ["default", "bert-base-chinese", "chinese-roberta-wwm-ext", "rbt3"])
def test_tag_configs_set_and_comment_every_field(name):
    import dataclasses

    import yaml

    path = REPO / "configs" / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    keys = list(yaml.safe_load(text))
    assert set(keys) == {f.name for f in dataclasses.fields(TrainConfig)}
    lines = text.splitlines()
    for k in keys:
        i = next(n for n, line in enumerate(lines) if line.startswith(f"{k}:"))
        j = i - 1
        while j > 0 and re.match(r"^\w+:", lines[j]):      # keys documented as a group share one comment
            j -= 1
        assert lines[j].startswith("#"), f"{name}.yaml: {k} has no comment above it"


def test_tag_random_crops_cover_every_position_with_aligned_labels():
    from ie.tag.data import IGNORE, RandomCrops
    from ie.tag.encoding import CharEncoder
    from ie.tag.train import bio_labels
    from ie.tag.vocab import CharVocab

    tasks = [_task(0), _task(1)]
    tags = bio_labels(("COUNT", "DATE", "DOC_NO", "DOC_TITLE"))
    enc = CharEncoder(CharVocab.build([t["data"]["text"] for t in tasks]))
    crops = RandomCrops(tasks, enc, window=48, stride=40, tags=tags, seed=1)
    from ie.convert import windows
    assert len(crops) == sum(len(windows(len(t["data"]["text"]), 48, 40)) for t in tasks)
    vocab_ids = {i: enc.vocab.encode(t["data"]["text"]) for i, t in enumerate(tasks)}
    starts = set()
    for _ in range(30):
        row = crops[0]
        assert len(row["input_ids"]) == 48 + 2 and row["labels"][0] == row["labels"][-1] == IGNORE
        inner = row["input_ids"][1:-1]
        doc = vocab_ids[0]
        # the crop is a contiguous piece of document 0, and its labels are that piece's tags
        start = next(s for s in range(len(doc) - 47) if doc[s:s + 48] == inner)
        starts.add(start)
        text = tasks[0]["data"]["text"]
        date = text.index("2010年")
        if start <= date < start + 48:
            assert tags[row["labels"][1 + date - start]] == "B-DATE"
    assert len(starts) > 10      # not the two or three fixed starts of strided windows


def test_tag_mlm_collator_masks_only_characters_and_labels_them():
    import torch

    from ie.tag.pretrain import MaskCollator
    from ie.tag.encoding import CharEncoder
    from ie.tag.vocab import CharVocab

    torch.manual_seed(0)
    enc = CharEncoder(CharVocab.build(["收到申请"]))
    v = enc.vocab
    rows = [{"input_ids": enc.encode("本年度共收到申请2023件" * 4).input_ids} for _ in range(8)]
    rows.append({"input_ids": enc.encode("短").input_ids})
    batch = MaskCollator(v.pad_id, v.mask_id, tuple(v.special_ids), len(v), prob=0.3)(rows)
    ids, labels = batch["input_ids"], batch["labels"]
    orig = torch.full_like(ids, v.pad_id)
    for i, r in enumerate(rows):
        orig[i, : len(r["input_ids"])] = torch.as_tensor(r["input_ids"])
    chosen = labels != -100
    assert chosen.any() and (labels[chosen] == orig[chosen]).all()
    # [CLS], [SEP] and padding are never chosen and never changed
    special = torch.isin(orig, torch.tensor(v.special_ids))
    assert not (chosen & special).any() and (ids[special] == orig[special]).all()
    # unchosen characters are untouched; most chosen ones became [MASK]
    assert (ids[~chosen] == orig[~chosen]).all()
    assert (ids[chosen] == v.mask_id).float().mean() > 0.6
    assert batch["attention_mask"][-1].sum() == 3


def test_tag_train_held_out_scores_equal_what_the_saved_tagger_scores(tiny_model):
    """metrics.json (computed inside the Trainer from eval logits) and `ie tag` decode the same way."""
    from ie.tag.infer import Tagger, score_tasks

    out, metrics = tiny_model
    again = score_tasks(Tagger.from_pretrained(out, num_threads=1), [_task(3)])
    assert again["support"] == metrics["eval"]["support"]
    # fp16 storage can move a near-tie; the decoded entities must otherwise agree
    assert abs(again["f1"] - metrics["eval"]["f1"]) < 0.05

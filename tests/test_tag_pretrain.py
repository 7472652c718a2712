"""`ie pretrain` (masked-LM pretraining on report texts) and fine-tuning a tagger and a role model from it."""
import json

import pytest

from ie.tag.pretrain import load_pretrain_config, pretrain

TEXT = "2019年，我局共主动公开政府信息202条，收到政府信息公开申请3件，行政复议0件。"


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    d = tmp_path_factory.mktemp("pre")
    for i in range(3):
        (d / f"r{i}.txt").write_text(TEXT.replace("202", str(200 + i)) * 3, encoding="utf-8")
    cfg_path = d / "pre.yaml"
    cfg_path.write_text(f"texts: ['{d}/*.txt']\noutput_dir: {d}/ckpt\ninit_layers: 1\ninit_hidden: 32\n"
                        "init_heads: 2\ninit_intermediate: 64\nwindow: 64\nstride: 32\nmax_steps: 3\nbatch_size: 4\n"
                        "logging_steps: 1\n", encoding="utf-8")
    m = pretrain(load_pretrain_config(cfg_path))
    return d / "ckpt", m


def test_pretrain_writes_a_char_checkpoint(checkpoint):
    ckpt, m = checkpoint
    assert m["steps"] == 3 and m["documents"] == 3 and m["first_loss"] is not None
    assert {"config.json", "model.safetensors", "vocab.txt", "tagger.json", "metrics.json"} <= {p.name for p in ckpt.iterdir()}
    assert json.loads((ckpt / "tagger.json").read_text())["encoder"] == "char"
    from ie.tag.vocab import CharVocab

    assert CharVocab.load(ckpt).id_of("局") != CharVocab.load(ckpt).unk_id


def test_pretrain_config_rejects_unknown_keys_and_no_texts(tmp_path):
    p = tmp_path / "c.yaml"
    p.write_text("texts: ['x/*.txt']\nwindw: 3\n")
    with pytest.raises(ValueError, match="unknown config keys"):
        load_pretrain_config(p)
    p.write_text("output_dir: x\n")
    with pytest.raises(ValueError, match="texts"):
        load_pretrain_config(p)


def test_pretrain_shipped_config_parses():
    from ie.paths import REPO_DIR

    cfg = load_pretrain_config(REPO_DIR / "configs" / "pretrain.yaml")
    assert cfg.num_threads <= 2 and cfg.max_minutes <= 25


def _task(i):
    text = TEXT.replace("202", str(200 + i))
    s = text.index(f"{200 + i}条")
    res = [{"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": s, "end": s + 4, "text": text[s:s + 4], "labels": ["COUNT"]}},
           {"id": "a", "from_name": "role", "to_name": "text", "type": "choices",
            "value": {"start": s, "end": s + 4, "text": text[s:s + 4], "choices": ["proactive_total"]}}]
    return {"id": i, "data": {"text": text, "doc_id": f"d{i}"}, "annotations": [{"id": 1, "result": res}]}


def test_pretrain_checkpoint_starts_a_tagger_and_a_role_model(checkpoint, tmp_path):
    from safetensors.torch import load_file

    from ie.tag.infer import Tagger
    from ie.tag.roles import RolePredictor, load_role_config, train_roles
    from ie.tag.train import TrainConfig, train

    ckpt, _ = checkpoint
    (tmp_path / "tasks.json").write_text(json.dumps([_task(i) for i in range(3)], ensure_ascii=False))
    cfg = TrainConfig(data=str(tmp_path / "tasks.json"), output_dir=str(tmp_path / "tagger"),
                      model_name_or_path=str(ckpt), window=64, stride=48, max_steps=1, batch_size=2,
                      eval_documents=[], num_threads=1)
    train(cfg)
    assert (tmp_path / "tagger" / "vocab.txt").read_text() == (ckpt / "vocab.txt").read_text()
    pre = load_file(str(ckpt / "model.safetensors"))
    t = Tagger.from_pretrained(tmp_path / "tagger", num_threads=1)
    got = load_file(str(tmp_path / "tagger" / "model.safetensors"))["bert.embeddings.word_embeddings.weight"].float()
    # one step at a small learning rate leaves the pretrained embeddings close to where they were
    want = pre["bert.embeddings.word_embeddings.weight"].float()
    assert got.shape == want.shape and (got.detach() - want).abs().max() < 0.01    # not a fresh init (std 0.02)
    assert t.tag(TEXT) is not None
    rcfg = load_role_config({"task": "roles", "data": str(tmp_path / "tasks.json"), "output_dir": str(tmp_path / "r"),
                             "model_name_or_path": str(ckpt), "left_chars": 16, "right_chars": 8,
                             "heading_chars": 8, "max_steps": 1, "batch_size": 2, "eval_documents": 0,
                             "num_threads": 1}, "tiny")
    train_roles(rcfg)
    p = RolePredictor.from_pretrained(tmp_path / "r")
    assert (tmp_path / "r" / "vocab.txt").read_text() == (ckpt / "vocab.txt").read_text()
    assert [x.entity.text for x in p.predict(_task(0)["data"]["text"], [])] == []
    with pytest.raises(ValueError, match="positions"):
        train_roles(load_role_config({**rcfg.__dict__, "left_chars": 200, "output_dir": str(tmp_path / "r2")}, "t"))


def test_pretrain_keep_layers_starts_both_models_from_the_first_layers(tmp_path):
    import dataclasses

    import torch
    from safetensors.torch import load_file

    from ie.tag.model import build_model
    from ie.tag.roles import _encoder_and_model, load_role_config
    from ie.tag.train import TrainConfig

    (tmp_path / "r.txt").write_text(TEXT * 3, encoding="utf-8")
    (tmp_path / "pre.yaml").write_text(
        f"texts: ['{tmp_path}/*.txt']\noutput_dir: {tmp_path}/ckpt\ninit_layers: 2\ninit_hidden: 32\ninit_heads: 2\n"
        "init_intermediate: 64\nwindow: 64\nstride: 32\nmax_steps: 1\nbatch_size: 4\nlogging_steps: 1\n",
        encoding="utf-8")
    pretrain(load_pretrain_config(tmp_path / "pre.yaml"))
    ckpt = tmp_path / "ckpt"
    pre = load_file(str(ckpt / "model.safetensors"))
    cfg = TrainConfig(model_name_or_path=str(ckpt), window=64, stride=48, keep_layers=1)
    tagger = build_model(cfg, None, ["O", "B-COUNT", "I-COUNT"])
    rcfg = load_role_config({"task": "roles", "model_name_or_path": str(ckpt), "left_chars": 16, "right_chars": 8,
                             "heading_chars": 8, "keep_layers": 1}, "tiny")
    _, roles = _encoder_and_model(rcfg, [])
    for model in (tagger, roles):
        assert model.config.num_hidden_layers == 1 and len(model.bert.encoder.layer) == 1
        assert torch.equal(model.bert.encoder.layer[0].output.dense.weight,
                           pre["bert.encoder.layer.0.output.dense.weight"].float())
    assert len(build_model(dataclasses.replace(cfg, keep_layers=0), None, ["O"]).bert.encoder.layer) == 2
    with pytest.raises(ValueError, match="has 2 layers"):
        build_model(dataclasses.replace(cfg, keep_layers=3), None, ["O"])

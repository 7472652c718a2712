"""ie.tag.onnx: the exported models give torch's logits, a stale export is not used, extract runs without torch."""
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from ie.tag import bert, onnx as ox

ROOT = Path(__file__).resolve().parents[1]
# float32 on another engine: the same sums in another order. 1e-4 on logits of size ~1-10 is far below
# anything a decision could turn on, and far above the ~1e-6 the exports show.
ATOL = 1e-4


def _randomise(model):
    with torch.no_grad():     # random LayerNorm parameters too, so a swapped weight would show
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.1)
    return model.eval()


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """A tiny tagger folder (as `ie train` saves one) with a tiny role model in roles/."""
    from transformers import BertConfig, BertForTokenClassification

    from ie.tag.encoding import save_encoder, CharEncoder
    from ie.tag.roles import ROLE_LABELS, role_model_class
    from ie.tag.vocab import CharVocab

    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("model")
    vocab = CharVocab.build(["共收到申请21件"])
    tags = ["O", "B-COUNT", "I-COUNT"]
    common = dict(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                  intermediate_size=64, max_position_embeddings=40, type_vocab_size=2)
    config = BertConfig(**common, num_labels=len(tags), id2label=dict(enumerate(tags)),
                        label2id={t: i for i, t in enumerate(tags)})
    _randomise(BertForTokenClassification(config)).save_pretrained(path)
    save_encoder(CharEncoder(vocab), path, window=16, stride=12, labels=tags)
    roles = path / "roles"
    rconfig = BertConfig(**common, num_labels=len(ROLE_LABELS), id2label=dict(enumerate(ROLE_LABELS)),
                         label2id={t: i for i, t in enumerate(ROLE_LABELS)})
    _randomise(role_model_class()(rconfig)).save_pretrained(roles)
    vocab.save(roles)
    (roles / "roles.json").write_text(json.dumps({"labels": list(ROLE_LABELS), "left_chars": 8, "right_chars": 4,
                                                  "heading_chars": 4, "threshold": 0.8}))
    from ie.cli import main

    assert main(["export-onnx", str(path)]) == 0
    return path


def _batch(vocab_size: int, roles: bool = False) -> dict:
    g = torch.Generator().manual_seed(3)
    ids = torch.randint(1, vocab_size, (3, 15), generator=g)
    mask = torch.ones_like(ids)
    mask[1, 9:] = 0                                   # a padded row
    span = torch.zeros_like(ids)
    span[:, 4:7] = 1
    out = {"input_ids": ids, "attention_mask": mask, "token_type_ids": span if roles else torch.zeros_like(ids)}
    if roles:
        out["span_mask"] = span
    return out


def test_tag_onnx_export_writes_both_models_with_their_weights_hash(model_dir):
    for d in (model_dir, model_dir / "roles"):
        assert (d / "model.onnx").exists()
        sess = ox.session(d, 1)
        assert sess is not None and ox.stale_reason(d, sess) is None
        assert sess.get_modelmeta().custom_metadata_map[ox.SHA_KEY] == ox.weights_sha256(d)


def test_tag_onnx_tagger_logits_equal_torch(model_dir):
    plain = bert.load(model_dir)
    batch = _batch(plain.config.vocab_size)
    with torch.inference_mode():
        want = plain(**batch).logits.numpy()
    got = ox.OrtRunner(ox.session(model_dir, 1))(**{k: v.numpy() for k, v in batch.items()})
    keep = batch["attention_mask"].numpy().astype(bool)
    assert np.abs(got[keep] - want[keep]).max() < ATOL


def test_tag_onnx_role_logits_equal_torch(model_dir):
    d = model_dir / "roles"
    plain = bert.load(d, "BertForSpanRole")
    batch = _batch(plain.config.vocab_size, roles=True)
    with torch.inference_mode():
        want = plain(**batch)["logits"].numpy()
    got = ox.OrtRunner(ox.session(d, 1))(**{k: v.numpy() for k, v in batch.items()})
    assert got.shape == want.shape and np.abs(got - want).max() < ATOL


def test_tag_onnx_tagger_and_roles_load_on_onnxruntime(model_dir):
    from ie.tag.infer import Tagger
    from ie.tag.roles import RolePredictor

    t = Tagger.from_pretrained(model_dir, num_threads=1)
    assert t.backend == "onnxruntime" and t.model is None
    torch_t = Tagger.from_pretrained(model_dir, num_threads=1, backend="torch")
    text = "共收到申请21件" * 5
    assert t.tag_sequence(text)[0] == torch_t.tag_sequence(text)[0]
    r = RolePredictor.from_pretrained(model_dir / "roles", num_threads=1)
    assert r.backend == "onnxruntime"


def test_tag_onnx_stale_export_falls_back_to_torch_with_a_warning(model_dir, tmp_path, capsys):
    import shutil

    from safetensors.torch import load_file, save_file

    from ie.tag.infer import Tagger

    d = tmp_path / "m"
    shutil.copytree(model_dir, d)
    w = load_file(str(d / "model.safetensors"))
    w["classifier.bias"] = w["classifier.bias"] + 1.0          # retrained after the export
    save_file(w, str(d / "model.safetensors"), metadata={"format": "pt"})
    capsys.readouterr()
    t = Tagger.from_pretrained(d, num_threads=1)
    err = capsys.readouterr().err.strip().splitlines()
    assert t.backend == "torch"
    assert len(err) == 1 and "stale" in err[0] and "ie export-onnx" in err[0]
    with pytest.raises(FileNotFoundError, match="no current model.onnx"):
        Tagger.from_pretrained(d, num_threads=1, backend="onnxruntime")


def test_tag_onnx_damaged_export_falls_back_to_torch_with_a_warning(model_dir, tmp_path, capsys):
    import shutil

    from ie.tag.infer import Tagger

    d = tmp_path / "m"
    shutil.copytree(model_dir, d)
    (d / "model.onnx").write_bytes(b"not an onnx file")
    capsys.readouterr()
    assert Tagger.from_pretrained(d, num_threads=1).backend == "torch"
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cannot be loaded" in err[0]


def test_tag_onnx_missing_export_uses_torch_quietly(model_dir, tmp_path, capsys):
    import shutil

    from ie.tag.roles import RolePredictor

    d = tmp_path / "roles"
    shutil.copytree(model_dir / "roles", d)
    (d / "model.onnx").unlink()
    capsys.readouterr()
    assert RolePredictor.from_pretrained(d, num_threads=1).backend == "torch"
    assert capsys.readouterr().err == ""


def test_tag_onnx_default_model_export_is_current_and_matches_torch():
    """The shipped exports belong to the shipped weights (after retraining: `ie export-onnx ie/default_model`)."""
    from ie.paths import DEFAULT_MODEL_DIR
    from ie.tag.infer import Tagger

    for d in (DEFAULT_MODEL_DIR, DEFAULT_MODEL_DIR / "roles"):
        sess = ox.session(d, 1)
        assert sess is not None, f"{d}/model.onnx missing or stale: run `ie export-onnx {DEFAULT_MODEL_DIR}`"
    text = "2018年共收到政府信息公开申请21件，收取费用0元，依据《中华人民共和国政府信息公开条例》（国务院令第711号）。" * 3
    onnx_t = Tagger.from_pretrained(DEFAULT_MODEL_DIR, num_threads=1)
    torch_t = Tagger.from_pretrained(DEFAULT_MODEL_DIR, num_threads=1, backend="torch")
    a = [(w.start, np.asarray(w.probs)) for w in onnx_t.window_outputs(text)]
    b = [(w.start, np.asarray(w.probs)) for w in torch_t.window_outputs(text)]
    assert [s for s, _ in a] == [s for s, _ in b]
    gap = max(np.abs(x - y).max() for (_, x), (_, y) in zip(a, b))              # probabilities
    if ox.session(DEFAULT_MODEL_DIR, 1).get_modelmeta().custom_metadata_map.get("ie.quantized") == "int8":
        # int8 weights (chosen for the default model on held-out F1, eval_report and the role decisions:
        # benchmarks/results/onnx_backend.md) move probabilities by a few thousandths, not the tags
        assert gap < 0.05 and onnx_t.tag_sequence(text)[0] == torch_t.tag_sequence(text)[0]
    else:
        assert gap < 1e-4


def test_tag_onnx_extract_with_the_default_model_does_not_import_torch(small_report):
    code = ("import sys\nfrom ie.extract import extract_file, load_tagger, load_roles\n"
            f"r = extract_file({str(small_report)!r})\n"
            "assert r['entities'] and load_tagger('default').backend == 'onnxruntime'\n"
            "assert load_roles('default').backend == 'onnxruntime'\n"
            "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("IE_BACKEND", None)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=env)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "[]"


def test_tag_onnx_export_command_names_a_folder_it_cannot_export(tmp_path, capsys):
    from ie.cli import main

    (tmp_path / "empty").mkdir()
    assert main(["export-onnx", str(tmp_path / "missing"), str(tmp_path / "empty")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and str(tmp_path / "missing") in err[0] and "no such model directory" in err[0]
    assert str(tmp_path / "empty") in err[1] and "no model.safetensors" in err[1]

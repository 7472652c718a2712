"""Options for the model path that were measured and left out (docs/speed.md, "Model path, third round").

    python benchmarks/model_path_options.py [--repeat 4] [--only spin batch threads fused]

Over the 47 corpus .txt reports, the default model on ONNX Runtime, each option against the shipped setting in
alternation (both see the same machine load), best of --repeat passes:
- spin: intra-op threads that spin between operators (ONNX Runtime's default) against the shipped passive ones;
- batch: the tagger's windows run 8, 16 (shipped), 32 or 64 at a time;
- threads: two reports at a time in two threads of one process, one intra-op thread each, against one report
  at a time with two intra-op threads;
- fused: the tagger as a graph of ONNX Runtime's fused BERT operators (Attention, EmbedLayerNormalization,
  SkipLayerNormalization, BiasGelu; written here from the weights, then int8 like the shipped export) against
  the shipped export, on a batch of 16 windows of 130 tokens.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ie.paths import DEFAULT_MODEL_DIR, corpus_dir  # noqa: E402


def load(threads: int, spin: str = "0"):
    """The default tagger and role model on ONNX Runtime, their sessions made with `allow_spinning` = spin."""
    import onnxruntime as ort

    from ie.tag.infer import Tagger
    from ie.tag.roles import RolePredictor

    real = ort.SessionOptions.add_session_config_entry

    def entry(self, key, value):
        return real(self, key, spin if key == "session.intra_op.allow_spinning" else value)

    ort.SessionOptions.add_session_config_entry = entry
    try:
        return (Tagger.from_pretrained(DEFAULT_MODEL_DIR, num_threads=threads, backend="onnxruntime"),
                RolePredictor.from_pretrained(DEFAULT_MODEL_DIR / "roles", num_threads=threads, backend="onnxruntime"))
    finally:
        ort.SessionOptions.add_session_config_entry = real


def race(docs, setups: dict, repeat: int) -> None:
    """Reports/s of each setup: name -> (run over docs). Alternating passes, best of `repeat`."""
    for run in setups.values():
        run(docs[:3])                               # warm-up
    best = {k: float("inf") for k in setups}
    for _ in range(repeat):
        for name, run in setups.items():
            t = time.perf_counter()
            run(docs)
            best[name] = min(best[name], time.perf_counter() - t)
    for name, secs in best.items():
        print(f"  {name}: {len(docs) / secs:.2f} reports/s")


def sequential(tagger, roles):
    from ie.extract import extract_document

    return lambda docs: [extract_document(d, tagger, roles=roles) for d in docs]


def spin(docs, repeat):
    print("spinning intra-op threads (2 threads):")
    race(docs, {"passive (shipped)": sequential(*load(2, "0")), "spinning": sequential(*load(2, "1"))}, repeat)


def batch(docs, repeat):
    print("tagger windows per run (2 threads):")
    setups = {}
    for size in (16, 8, 32, 64):
        tagger, roles = load(2)
        tagger.batch_size = size
        setups[f"{size}" + (" (shipped)" if size == 16 else "")] = sequential(tagger, roles)
    race(docs, setups, repeat)


def threads(docs, repeat):
    from ie.extract import extract_document

    print("two reports at a time in two threads, one intra-op thread each:")
    one = load(1)

    def two_threads(ds):
        with ThreadPoolExecutor(2) as ex:
            list(ex.map(lambda d: extract_document(d, one[0], roles=one[1]), ds))

    race(docs, {"one at a time, 2 intra-op threads (shipped)": sequential(*load(2)), "two threads": two_threads},
         repeat)


def fused_graph(model_dir: Path, out: Path) -> None:
    """The tagger in `model_dir` as an ONNX graph of ONNX Runtime's fused BERT operators (fp32)."""
    import numpy as np
    import onnx
    from onnx import TensorProto as T
    from onnx import helper as H
    from onnx import numpy_helper as NH
    from safetensors.numpy import load_file

    cfg = json.loads((model_dir / "config.json").read_text())
    w = {k.removeprefix("bert."): v.astype(np.float32) for k, v in load_file(str(model_dir / "model.safetensors")).items()}
    eps = float(cfg.get("layer_norm_eps", 1e-12))
    inits, nodes = [], []

    def c(name, arr):
        inits.append(NH.from_array(np.ascontiguousarray(arr, dtype=np.float32), name))
        return name

    def op(kind, ins, name, ms=True, **attrs):
        nodes.append(H.make_node(kind, ins, [name], domain="com.microsoft" if ms else None, **attrs))
        return name

    ids, seg, mask = (op("Cast", [n], n + "32", ms=False, to=T.INT32)
                      for n in ("input_ids", "token_type_ids", "attention_mask"))
    e = "embeddings."
    nodes.append(H.make_node("EmbedLayerNormalization", [
        ids, seg, c("we", w[e + "word_embeddings.weight"]), c("pe", w[e + "position_embeddings.weight"]),
        c("te", w[e + "token_type_embeddings.weight"]), c("eg", w[e + "LayerNorm.weight"]),
        c("eb", w[e + "LayerNorm.bias"]), mask], ["x", "mask_index"], domain="com.microsoft", epsilon=eps))
    x = "x"
    for i in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{i}."
        qkv = np.concatenate([w[p + f"attention.self.{n}.weight"].T for n in ("query", "key", "value")], axis=1)
        bias = np.concatenate([w[p + f"attention.self.{n}.bias"] for n in ("query", "key", "value")])
        a = op("Attention", [x, c(f"qkv{i}", qkv), c(f"qkvb{i}", bias), "mask_index"], f"att{i}",
               num_heads=cfg["num_attention_heads"])
        a = op("MatMul", [a, c(f"wo{i}", w[p + "attention.output.dense.weight"].T)], f"ao{i}", ms=False)
        x = op("SkipLayerNormalization", [a, x, c(f"g1{i}", w[p + "attention.output.LayerNorm.weight"]),
               c(f"b1{i}", w[p + "attention.output.LayerNorm.bias"]), c(f"bo{i}", w[p + "attention.output.dense.bias"])],
               f"x1{i}", epsilon=eps)
        f = op("MatMul", [x, c(f"wi{i}", w[p + "intermediate.dense.weight"].T)], f"fi{i}", ms=False)
        f = op("BiasGelu", [f, c(f"bi{i}", w[p + "intermediate.dense.bias"])], f"ge{i}")
        f = op("MatMul", [f, c(f"wf{i}", w[p + "output.dense.weight"].T)], f"fo{i}", ms=False)
        x = op("SkipLayerNormalization", [f, x, c(f"g2{i}", w[p + "output.LayerNorm.weight"]),
               c(f"b2{i}", w[p + "output.LayerNorm.bias"]), c(f"bf{i}", w[p + "output.dense.bias"])], f"x2{i}",
               epsilon=eps)
    y = op("MatMul", [x, c("wc", w["classifier.weight"].T)], "cm", ms=False)
    op("Add", [y, c("bc", w["classifier.bias"])], "logits", ms=False)
    ins = [H.make_tensor_value_info(n, T.INT64, ["batch", "seq"]) for n in ("input_ids", "attention_mask", "token_type_ids")]
    outs = [H.make_tensor_value_info("logits", T.FLOAT, ["batch", "seq", len(cfg["id2label"])])]
    graph = H.make_graph(nodes, "bert_fused", ins, outs, inits)
    onnx.save(H.make_model(graph, opset_imports=[H.make_opsetid("", 17), H.make_opsetid("com.microsoft", 1)]), str(out))


def fused(docs, repeat):
    import numpy as np
    import onnx
    import onnxruntime as ort
    from onnxruntime.quantization import QuantType, quantize_dynamic

    print("fused BERT operators against the shipped export (16 windows x 130 tokens, 2 threads):")
    with tempfile.TemporaryDirectory() as tmp:
        raw, q = Path(tmp) / "fused.onnx", Path(tmp) / "fused_int8.onnx"
        fused_graph(DEFAULT_MODEL_DIR, raw)
        quantize_dynamic(str(raw), str(q), weight_type=QuantType.QInt8,
                         extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        paths = {"shipped int8 export": DEFAULT_MODEL_DIR / "model.onnx", "fused, int8": q}
        rng = np.random.default_rng(0)
        ids = rng.integers(10, 6000, (16, 130)).astype(np.int64)
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
        sessions = {}
        for name, path in paths.items():
            so = ort.SessionOptions()
            so.intra_op_num_threads = 2
            so.add_session_config_entry("session.intra_op.allow_spinning", "0")
            sessions[name] = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
        ref = sessions["shipped int8 export"].run(None, feed)[0]
        best = {k: float("inf") for k in sessions}
        for _ in range(10 * repeat):
            for name, s in sessions.items():
                t = time.perf_counter()
                s.run(None, feed)
                best[name] = min(best[name], time.perf_counter() - t)
        for name, s in sessions.items():
            agree = (s.run(None, feed)[0].argmax(-1) == ref.argmax(-1)).mean()
            print(f"  {name}: {best[name] * 1e3:.1f} ms (top tag as the shipped export's on {agree:.1%} of tokens)")


PARTS = {"spin": spin, "batch": batch, "threads": threads, "fused": fused}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=4)
    ap.add_argument("--only", nargs="+", choices=list(PARTS))
    args = ap.parse_args(argv)
    from ie.read import read_document

    docs = [read_document(f) for f in sorted(corpus_dir().glob("*.txt"))]
    if not docs:
        raise SystemExit(f"no .txt reports in {corpus_dir()}")
    for name in args.only or PARTS:
        PARTS[name](docs, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Where the model path's time goes on this CPU: the tagger, the role model, their arithmetic.

    python benchmarks/model_cost.py [--threads 2]

Prints, over the 47 corpus .txt reports (best of one warm pass):
- per report: extract wall/CPU with the default model, and the wall time inside the tagger and the role model;
- the tagger's arithmetic: window tokens per mean report × FLOPs per token (from config.json) and what ONNX
  Runtime sustains on a batch of 16 windows (fp32 and int8 exports made into a temporary copy, and the same fp32
  export after onnxruntime.transformers' BERT fusion optimizer);
- the share of the text inside the national table regions (ie.tables.layout.find_regions), which extract no
  longer shows the tagger (the window tokens above count what it does read);
- a full gc.collect() after importing what the test suite imports (why tests/test_gold_tables.py times with the
  collector held off).
"""
from __future__ import annotations

import argparse
import gc
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def per_report(files: list[Path], threads: int) -> None:
    from ie.extract import extract_document, load_roles, load_tagger
    from ie.read import read_document
    from ie.tag.infer import Tagger
    from ie.tag.roles import RolePredictor

    spent = {"tagger": 0.0, "roles": 0.0, "spans": 0, "tagger_runs": 0.0, "roles_runs": 0.0}
    tag, predict = Tagger.tag, RolePredictor.predict

    def timed_tag(self, text, skip=()):
        t = time.perf_counter()
        out = tag(self, text, skip)
        spent["tagger"] += time.perf_counter() - t
        return out

    def timed_predict(self, text, spans, sections=None):
        t = time.perf_counter()
        out = predict(self, text, spans, sections)
        spent["roles"] += time.perf_counter() - t
        spent["spans"] += len(spans)
        return out

    Tagger.tag, RolePredictor.predict = timed_tag, timed_predict
    tagger, roles = load_tagger("default", threads), load_roles("default", threads)
    for model, key in ((tagger, "tagger_runs"), (roles, "roles_runs")):    # the forward passes alone
        model.runner = _timed_runner(model.runner, spent, key)
    docs = [read_document(f) for f in files]
    for d in docs:                                   # warm-up
        extract_document(d, tagger, roles=roles)
    spent.update(tagger=0.0, roles=0.0, spans=0, tagger_runs=0.0, roles_runs=0.0)
    w0, c0 = time.perf_counter(), time.process_time()
    for d in docs:
        extract_document(d, tagger, roles=roles)
    n = len(docs)
    wall, cpu = (time.perf_counter() - w0) / n, (time.process_time() - c0) / n
    print(f"per report ({tagger.backend}, {threads} threads): extract {wall * 1e3:.1f} ms wall / {cpu * 1e3:.1f} ms "
          f"CPU; tagger {spent['tagger'] / n * 1e3:.1f} ms; role model {spent['roles'] / n * 1e3:.1f} ms "
          f"({spent['spans'] / n:.1f} spans)")
    print(f"  of which forward passes: tagger {spent['tagger_runs'] / n * 1e3:.1f} ms, role model "
          f"{spent['roles_runs'] / n * 1e3:.1f} ms; the rest of the tagger (encode, merge, decode) "
          f"{(spent['tagger'] - spent['tagger_runs']) / n * 1e3:.1f} ms; everything else "
          f"{(wall - (spent['tagger'] + spent['roles']) / n) * 1e3:.1f} ms")
    Tagger.tag, RolePredictor.predict = tag, predict


def _timed_runner(run, spent: dict, key: str):
    def timed(*args, **kwargs):
        t = time.perf_counter()
        out = run(*args, **kwargs)
        spent[key] += time.perf_counter() - t
        return out
    return timed


def arithmetic(files: list[Path], threads: int) -> None:
    import numpy as np
    import onnxruntime as ort

    from ie.paths import DEFAULT_MODEL_DIR
    from ie.read import read_document
    from ie.tag import onnx as ie_onnx
    from ie.convert import windows
    from ie.normalize import normalize

    cfg = json.loads((DEFAULT_MODEL_DIR / "config.json").read_text())
    meta = json.loads((DEFAULT_MODEL_DIR / "tagger.json").read_text())
    h, f, layers, win = cfg["hidden_size"], cfg["intermediate_size"], cfg["num_hidden_layers"], meta["window"]
    seq = win + 2
    flop_token = 2 * layers * (4 * h * h + 2 * h * f + 2 * seq * h)     # projections, FFN, QK^T and AV
    texts = [normalize(read_document(p).text).text for p in files]

    def tokens(stretches) -> float:
        return sum(e - s + 2 for t, parts in zip(texts, stretches) for a, b in parts
                   for s, e in windows(b - a, win, meta["stride"])) / len(texts)

    whole = tokens([[(0, len(t))] for t in texts])
    read = tokens([tagger_stretches(t) for t in texts])
    print(f"tagger: {read:.0f} window tokens per mean report x {flop_token / 1e6:.2f} MFLOP = "
          f"{read * flop_token / 1e9:.1f} GFLOP ({whole:.0f} tokens if it read the national tables too)")

    tmp = Path(tempfile.mkdtemp())
    try:
        model = tmp / "m"
        shutil.copytree(DEFAULT_MODEL_DIR, model, ignore=shutil.ignore_patterns("roles", "*.png"))
        files_onnx = {"fp32": shutil.copy(ie_onnx.export(model, quantize=False), tmp / "fp32.onnx"),
                      "int8": shutil.copy(ie_onnx.export(model, quantize=True), tmp / "int8.onnx")}
        try:
            from onnxruntime.transformers import optimizer

            opt = optimizer.optimize_model(str(files_onnx["fp32"]), model_type="bert",
                                           num_heads=cfg["num_attention_heads"], hidden_size=h, opt_level=1)
            fused = {k: v for k, v in opt.get_fused_operator_statistics().items() if v}
            opt.save_model_to_file(str(tmp / "fused.onnx"))
            files_onnx["fp32, BERT fusion optimizer"] = tmp / "fused.onnx"
            print(f"fusion optimizer fused: {fused or 'nothing'}")
        except Exception as exc:                     # noqa: BLE001 - an optional comparison
            print(f"fusion optimizer: not run ({type(exc).__name__}: {exc})")
        rng = np.random.default_rng(0)
        ids = rng.integers(5, cfg["vocab_size"], (16, seq)).astype(np.int64)
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
        for name, path in files_onnx.items():
            so = ort.SessionOptions()
            so.intra_op_num_threads = threads
            so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
            inputs = {i.name: feed[i.name] for i in sess.get_inputs()}
            for _ in range(3):
                sess.run(None, inputs)
            best = min(_once(sess, inputs) for _ in range(20))
            print(f"ONNX Runtime {name}: {best * 1e3:.1f} ms per 16 x {seq} tokens = "
                  f"{16 * seq * flop_token / best / 1e9:.0f} GFLOP/s")
    finally:
        shutil.rmtree(tmp)


def tagger_stretches(text: str) -> list[tuple[int, int]]:
    """The stretches of `text` that ie.extract shows the tagger: all but the national tables' regions."""
    from ie.meta import find_title, report_year
    from ie.segment import detect_template
    from ie.tables import extract_tables
    from ie.tag.infer import kept_stretches

    template = detect_template(text, report_year(text, find_title(text)[0]))
    regions = extract_tables(text, template).regions if template != "prose" else []
    return kept_stretches(len(text), regions)


def _once(sess, inputs) -> float:
    t = time.perf_counter()
    sess.run(None, inputs)
    return time.perf_counter() - t


def table_share(files: list[Path]) -> None:
    from ie.normalize import normalize
    from ie.read import read_document
    from ie.segment import fold
    from ie.tables.layout import find_regions

    total = inside = 0
    for p in files:
        text = normalize(read_document(p).text).text
        r = find_regions(fold(text))
        total += len(text)
        inside += sum(reg[1] - reg[0] for reg in (r.t2, r.t3, r.t4) if reg)
    print(f"national table regions: {inside / total:.1%} of the corpus text (left out of the tagger's input)")


def gc_pause() -> None:
    import label_studio_sdk  # noqa: F401
    import torch  # noqa: F401
    import transformers  # noqa: F401

    import ie.extract  # noqa: F401
    import ie.tag.train  # noqa: F401

    t = time.perf_counter()
    gc.collect()
    print(f"gc.collect() after importing torch, transformers, label_studio_sdk: "
          f"{(time.perf_counter() - t) * 1e3:.0f} ms ({len(gc.get_objects())} objects)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    from ie.paths import corpus_dir

    files = sorted(corpus_dir().glob("*.txt"))
    per_report(files, args.threads)
    arithmetic(files, args.threads)
    table_share(files)
    gc_pause()
    return 0


if __name__ == "__main__":
    sys.exit(main())

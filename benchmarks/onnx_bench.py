"""torch vs ONNX Runtime (fp32 and int8 dynamic quantization) for a trained tagger: speed and held-out F1.

    python benchmarks/onnx_bench.py [--model ie/default_model] [--data annotations/corpus] [--threads 2]

Exports with torch.onnx.export (dynamic batch and sequence axes), quantizes with
onnxruntime.quantization.quantize_dynamic (int8 weights), and runs every backend through the same Tagger
windows + merge, so only the forward pass differs. F1 is document-level (seqeval strict IOB2) on the
held-out documents named in the model's metrics.json.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def export_onnx(model, path: Path, seq: int) -> None:
    """Exports input_ids, attention_mask and token_type_ids (the character classes, or all zeros)."""
    import torch

    ids = torch.ones((2, seq), dtype=torch.long)
    mask = torch.ones((2, seq), dtype=torch.long)
    types = torch.zeros((2, seq), dtype=torch.long)

    class Wrapper(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.m(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).logits

    axes = {0: "batch", 1: "seq"}
    torch.onnx.export(
        Wrapper(model).eval(), (ids, mask, types), str(path),
        input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=["logits"], dynamo=False,
        opset_version=17, dynamic_axes={"input_ids": axes, "attention_mask": axes, "token_type_ids": axes,
                                        "logits": axes},
    )


def ort_runner(path: Path, threads: int):
    import numpy as np
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])

    def run(ids, mask, types=None):
        types = types if types is not None else np.zeros_like(ids)
        return sess.run(["logits"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]

    return run


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None)
    ap.add_argument("--data", default="annotations/corpus")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from ie.tag.data import doc_key, load_corpus_tasks
    from ie.tag.infer import Tagger, score_tasks

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from tag_bench import corpus_texts, long_report

    tagger = Tagger.from_pretrained(args.model, num_threads=args.threads)
    threads = torch.get_num_threads()
    held = json.loads((Path(tagger.path) / "metrics.json").read_text())["eval_document_ids"]
    tasks = [t for t in load_corpus_tasks(args.data) if doc_key(t) in set(held)]
    report = long_report(corpus_texts())
    rows = []
    with tempfile.TemporaryDirectory() as d:
        fp32, int8 = Path(d) / "model.onnx", Path(d) / "model.int8.onnx"
        export_onnx(tagger.model, fp32, tagger.window + 2)
        quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
        backends = [("torch fp32", None, Path(tagger.path) / "model.safetensors"),
                    ("onnxruntime fp32", fp32, fp32), ("onnxruntime int8", int8, int8)]
        for name, onnx_path, file in backends:
            tagger.runner = ort_runner(onnx_path, threads) if onnx_path else tagger._torch_runner
            tagger.tag(report[:2000])
            times = []
            for _ in range(args.repeat):
                t0 = time.perf_counter()
                tagger.tag(report)
                times.append(time.perf_counter() - t0)
            scores = score_tasks(tagger, tasks) if tasks else None
            rows.append((name, min(times), scores, file.stat().st_size / 2**20))
    print(f"model: {tagger.path}; threads {threads}; held-out documents: {', '.join(held) or 'none'}")
    print()
    print("| backend | 20,000-char report | speed-up | held-out F1 | ΔF1 vs torch | file |")
    print("|---|---:|---:|---:|---:|---:|")
    base_t, base_f = rows[0][1], (rows[0][2] or {}).get("f1")
    for name, t, s, mb in rows:
        f1 = s["f1"] if s else None
        df = f"{f1 - base_f:+.4f}" if f1 is not None and base_f is not None else "n/a"
        print(f"| {name} | {t:.3f} s | {base_t / t:.2f}x | {f1 if f1 is None else f'{f1:.4f}'} | {df} | {mb:.1f} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

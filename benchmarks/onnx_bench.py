"""torch vs ONNX Runtime (fp32 and int8 dynamic quantization) for a trained tagger and its role model: speed,
held-out F1 and the role model's decisions.

    python benchmarks/onnx_bench.py [--model ie/default_model] [--data annotations/corpus] [--threads 2]

Copies the model folder twice and exports it with `ie export-onnx` (ie.tag.onnx.export_tree: fp32, and int8
with onnxruntime.quantization.quantize_dynamic), and runs every backend through the same Tagger windows +
merge, so only the forward pass differs. F1 is document-level (seqeval strict IOB2) on the held-out documents
named in the model's metrics.json. Role decisions: for every corpus report, the candidates ie.map scores
(rule + torch-tagger spans); a decision is the most probable role where its probability reaches the
threshold, else none; counted are the candidates whose decision differs from torch's, and the largest
probability gap.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None)
    ap.add_argument("--data", default="annotations/corpus")
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)

    import shutil

    from ie.tag.data import doc_key, load_corpus_tasks
    from ie.tag.infer import Tagger, score_tasks
    from ie.tag.onnx import export_tree

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from tag_bench import corpus_texts, long_report

    from ie.tag.infer import sensible_threads

    tagger = Tagger.from_pretrained(args.model, num_threads=args.threads, backend="torch")
    threads = args.threads or sensible_threads()
    held = json.loads((Path(tagger.path) / "metrics.json").read_text())["eval_document_ids"]
    tasks = [t for t in load_corpus_tasks(args.data) if doc_key(t) in set(held)]
    texts = corpus_texts()
    report = long_report(texts)
    roles_dir = Path(tagger.path) / "roles"
    spans = role_candidates(tagger, texts) if (roles_dir / "roles.json").exists() else None
    rows = []
    with tempfile.TemporaryDirectory() as d:
        dirs = {}
        for name, q in (("fp32", False), ("int8", True)):
            dirs[name] = Path(d) / name
            shutil.copytree(tagger.path, dirs[name], ignore=shutil.ignore_patterns("model.onnx"))
            export_tree(dirs[name], quantize=q)
        base_roles = None
        for name, folder, backend in (("torch fp32", tagger.path, "torch"),
                                      ("onnxruntime fp32", dirs["fp32"], "onnxruntime"),
                                      ("onnxruntime int8", dirs["int8"], "onnxruntime")):
            t = Tagger.from_pretrained(folder, num_threads=threads, backend=backend)
            t.tag(report[:2000])
            times = []
            for _ in range(args.repeat):
                c0, t0 = time.process_time(), time.perf_counter()
                t.tag(report)
                times.append((time.perf_counter() - t0, time.process_time() - c0))
            scores = score_tasks(t, tasks) if tasks else None
            size = (Path(folder) / ("model.safetensors" if backend == "torch" else "model.onnx")).stat().st_size
            roles = None
            if spans is not None:
                from ie.tag.roles import RolePredictor

                rp = RolePredictor.from_pretrained(Path(folder) / "roles", num_threads=threads, backend=backend)
                roles = role_decisions(rp, texts, spans)
                base_roles = base_roles or roles
            rows.append((name, min(times), scores, size / 2**20, roles, base_roles))
    print(f"model: {tagger.path}; threads {threads}; held-out documents: {', '.join(held) or 'none'}")
    print()
    print("| backend | 20,000-char report: wall / CPU | held-out F1 | ΔF1 vs torch | role decisions unlike torch's "
          "| largest role P gap | file |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    base_f = (rows[0][2] or {}).get("f1")
    for name, (wall, cpu), s, mb, roles, base in rows:
        f1 = s["f1"] if s else None
        df = f"{f1 - base_f:+.4f}" if f1 is not None and base_f is not None else "n/a"
        if roles is not None:
            moved = sum(a != b for a, b in zip(roles[0], base[0]))
            gap = max((abs(a - b) for a, b in zip(roles[1], base[1])), default=0.0)
            rd, rg = f"{moved} of {len(roles[0])}", f"{gap:.4f}"
        else:
            rd = rg = "n/a"
        print(f"| {name} | {wall:.3f} s / {cpu:.3f} s | {f1 if f1 is None else f'{f1:.4f}'} | {df} | {rd} | {rg} "
              f"| {mb:.1f} MB |")
    return 0


def role_candidates(tagger, texts) -> list:
    """Per report, the spans ie.map gives the role model (torch tagger + rules, chosen, holdable)."""
    from ie.map import choose_entities, holdable_spans
    from ie.rules import find_entities

    out = []
    for _, text in texts:
        ents = choose_entities(text, tagger.tag(text) + find_entities(text))
        out.append(holdable_spans(ents, text))
    return out


def role_decisions(rp, texts, spans) -> tuple[list, list]:
    """(decision per candidate: the role at or above the threshold, else None; P of the top role)."""
    decisions, probs = [], []
    for (_, text), sp in zip(texts, spans):
        for p in rp.predict(text, sp):
            decisions.append(p.role if p.role and p.prob >= rp.threshold else None)
            probs.append(p.prob)
    return decisions, probs


if __name__ == "__main__":
    sys.exit(main())

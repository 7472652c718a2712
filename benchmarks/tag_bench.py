"""Tagging throughput of a trained tagger: every corpus report, and one 20,000-character report.

    python benchmarks/tag_bench.py [--model ie/default_model] [--threads 2] [--repeat 3] [--backend torch]

Prints a markdown table: characters/s and reports/s over the corpus (read + normalize excluded: tagging
only), seconds for a 20,000-character report (best of --repeat; wall and CPU time, since the machine is
shared), and peak resident memory of the process. `--backend`: auto (ONNX Runtime where the model folder has
a current model.onnx), torch or onnxruntime.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024    # Linux: kilobytes


def corpus_texts() -> list[tuple[str, str]]:
    from ie.normalize import normalize_document
    from ie.paths import corpus_dir
    from ie.read import read_document

    files = sorted(corpus_dir().glob("*.txt"))
    if not files:
        raise SystemExit(f"no corpus at {corpus_dir()}")
    return [(f.stem, normalize_document(read_document(f)).text) for f in files]


def long_report(texts: list[tuple[str, str]], n: int = 20_000) -> str:
    """The longest report, extended by the others, cut to exactly n characters."""
    joined = "\n".join(t for _, t in sorted(texts, key=lambda x: -len(x[1])))
    return joined[:n]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None)
    ap.add_argument("--threads", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--backend", choices=("auto", "torch", "onnxruntime"), default="auto")
    args = ap.parse_args(argv)

    from ie.tag.infer import Tagger, sensible_threads

    threads = args.threads or sensible_threads()
    t0 = time.perf_counter()
    tagger = Tagger.from_pretrained(args.model, num_threads=threads, backend=args.backend)
    load_s = time.perf_counter() - t0
    texts = corpus_texts()
    tagger.tag(texts[0][1][:2000])                       # warm-up
    t0 = time.perf_counter()
    n_chars = n_ents = 0
    for _, text in texts:
        n_ents += len(tagger.tag(text))
        n_chars += len(text)
    corpus_s = time.perf_counter() - t0
    report = long_report(texts)
    times = []
    for _ in range(args.repeat):
        c0, t0 = time.process_time(), time.perf_counter()
        tagger.tag(report)
        times.append((time.perf_counter() - t0, time.process_time() - c0))
    print(f"model: {tagger.path}; backend {tagger.backend}, {threads} threads; window {tagger.window}, "
          f"stride {tagger.stride}")
    print()
    print("| measure | value |")
    print("|---|---:|")
    print(f"| model load | {load_s:.2f} s |")
    print(f"| corpus: reports / characters / entities | {len(texts)} / {n_chars} / {n_ents} |")
    print(f"| corpus: characters/s | {n_chars / corpus_s:,.0f} |")
    print(f"| corpus: reports/s | {len(texts) / corpus_s:.2f} |")
    print(f"| 20,000-character report (best of {args.repeat}): wall / CPU | {min(t[0] for t in times):.3f} s / "
          f"{min(t[1] for t in times):.3f} s |")
    roles_dir = Path(tagger.path) / "roles"
    if (roles_dir / "roles.json").exists():
        # the role model runs on the spans of the same report (ie extract: tagger, rules, then roles in ie.map)
        from ie.map import choose_entities, holdable_spans
        from ie.rules import find_entities
        from ie.tag.roles import RolePredictor

        t0 = time.perf_counter()
        roles = RolePredictor.from_pretrained(roles_dir, num_threads=threads, backend=args.backend)
        roles_load = time.perf_counter() - t0
        rtimes, n_cand = [], 0
        for _ in range(args.repeat):
            c0, t0 = time.process_time(), time.perf_counter()
            ents = choose_entities(report, tagger.tag(report) + find_entities(report))
            n_cand = len(roles.predict(report, holdable_spans(ents, report)))     # what ie.map scores
            rtimes.append((time.perf_counter() - t0, time.process_time() - c0))
        print(f"| role model load | {roles_load:.2f} s |")
        print(f"| 20,000-character report: tagger + rules + role model ({n_cand} candidate spans, best of "
              f"{args.repeat}): wall / CPU | {min(t[0] for t in rtimes):.3f} s / {min(t[1] for t in rtimes):.3f} s |")
    print(f"| peak RSS | {peak_rss_mb():.0f} MB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

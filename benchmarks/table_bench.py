"""Time of the table stage (`ie.tables.extract_tables`) per report, over the corpus and the unlabeled pool.

    python benchmarks/table_bench.py [--repeat 3] [--json OUT.json]

Each report is read and normalized once (not timed); the table stage runs `--repeat` times and the best run
counts, so a busy shared CPU does not decide. Prints median, 90th percentile and worst per set, and the slowest
reports.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from ie.normalize import normalize
from ie.paths import corpus_dir
from ie.read import read_document
from ie.segment import detect_template
from ie.tables import extract_tables


def time_one(path: Path, repeat: int) -> float:
    text = normalize(read_document(path).text).text
    template = detect_template(text)
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        extract_tables(text, template)
        best = min(best, time.perf_counter() - t0)
    return best


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    sets = {"corpus": sorted(corpus_dir().glob("*.txt")), "pool": sorted((corpus_dir() / "unlabeled").glob("*.txt"))}
    out = {}
    for name, paths in sets.items():
        times = sorted((time_one(p, args.repeat), p.name) for p in paths)
        ms = [t * 1000 for t, _ in times]
        out[name] = {"reports": len(ms), "median_ms": round(statistics.median(ms), 2),
                     "p90_ms": round(ms[int(0.9 * (len(ms) - 1))], 2), "worst_ms": round(ms[-1], 2),
                     "slowest": [(n, round(t * 1000, 1)) for t, n in times[-3:]]}
        o = out[name]
        print(f"{name}: {o['reports']} reports, table stage median {o['median_ms']} ms, p90 {o['p90_ms']} ms, "
              f"worst {o['worst_ms']} ms ({', '.join(f'{n} {t}' for n, t in o['slowest'])})")
    if args.json:
        args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

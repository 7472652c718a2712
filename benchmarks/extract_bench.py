"""Time `ie extract` over the corpus: reports/second and peak memory.

    python benchmarks/extract_bench.py [CORPUS_DIR] [--no-model] [--workers N] [--repeat R]

Runs the real command in a child process (start-up included, as a user pays it) and reports the child's peak
resident memory. The corpus is the 15 .txt reports plus the 3 PDFs in orig/.
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ie.paths import corpus_dir  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(corpus_dir()))
    ap.add_argument("--no-model", action="store_true")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args()
    files = sorted(p for p in Path(args.corpus).rglob("*") if p.suffix in (".txt", ".pdf"))
    files = [f for f in files if f.name != "README.md"]
    chars = sum(len(f.read_text(encoding="utf-8")) for f in files if f.suffix == ".txt")
    times = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as out:
            cmd = [sys.executable, "-m", "ie.cli", "extract", "--quiet", "-o", out, "--workers", str(args.workers),
                   *map(str, files)] + (["--no-model"] if args.no_model else [])
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True)
            times.append(time.perf_counter() - t0)
            if proc.returncode != 0:
                print(proc.stderr, file=sys.stderr)
                return proc.returncode
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    best = min(times)
    mode = "rules only" if args.no_model else "default model + rules"
    print(f"| mode | reports | txt chars | workers | wall s (best of {args.repeat}) | reports/s | peak RSS MB |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {mode} | {len(files)} | {chars} | {args.workers} | {best:.2f} | {len(files) / best:.2f} | {peak_mb:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

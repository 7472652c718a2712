"""`ie extract` speed in one run: start-up, steady state with the model and rules only, 1 vs 2 workers.

    python benchmarks/speed_bench.py [CORPUS_DIR] [--repeat 3] [--out benchmarks/results/speed_bench.md]

- start-up: a fresh `python -m ie.cli extract FIRST_REPORT` process, from launch to its exit after writing the
  one report (imports, model load, the whole pipeline, the schema check, the write); `import torch` alone in a
  fresh process is timed beside it, since it is most of the model path's start-up.
- steady state: in one process, after one warm-up report, `extract_file` + `json.dumps` over every .txt
  report of the corpus, with the default model and rules only in alternation (so both see the same machine
  load); reports/s, and their ratio measured in the same run.
- workers: the real batch command over the same reports, fresh processes, `--workers 1` and `--workers 2`
  (torch threads per worker = cores / workers), start-up included.

Every figure is the best of --repeat runs: on a shared machine the best run is the one least disturbed.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from ie.paths import corpus_dir  # noqa: E402


def child(args: list[str]) -> float:
    """Wall seconds of a fresh Python process running `args`; raises if it fails."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=ROOT)
    seconds = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{proc.stderr[-2000:]}")
    return seconds


def extract_cmd(files: list[Path], out: str, *extra: str) -> list[str]:
    return ["-m", "ie.cli", "extract", "--quiet", "-o", out, *extra, *map(str, files)]


def startup(first: Path, repeat: int) -> dict:
    times: dict[str, list[float]] = {"model": [], "rules": [], "torch": []}
    for _ in range(repeat):
        for mode, extra in (("model", ()), ("rules", ("--no-model",))):
            with tempfile.TemporaryDirectory() as out:
                times[mode].append(child(extract_cmd([first], out, *extra)))
        times["torch"].append(child(["-c", "import torch"]))
    return {k: min(v) for k, v in times.items()}


def steady(files: list[Path], repeat: int) -> dict:
    from ie.extract import extract_file, load_tagger

    try:
        from ie.extract import threads_per_worker
        tagger = load_tagger("default", threads_per_worker(1))
    except ImportError:      # a checkout from before threads per worker (to time it the same way)
        tagger = load_tagger("default")
    if tagger is None:
        raise SystemExit("no default model in ie/default_model")
    extract_file(files[0])                                          # warm-up: model load, first forward
    extract_file(files[0], use_model=False)
    best = {"model": float("inf"), "rules": float("inf")}
    for _ in range(repeat):
        for mode, use_model in (("model", True), ("rules", False)):
            t0 = time.perf_counter()
            for f in files:
                json.dumps(extract_file(f, use_model=use_model), ensure_ascii=False)
            best[mode] = min(best[mode], time.perf_counter() - t0)
    return best


def workers(files: list[Path], repeat: int) -> dict:
    best = {1: float("inf"), 2: float("inf")}
    for _ in range(repeat):
        for n in (1, 2):
            with tempfile.TemporaryDirectory() as out:
                best[n] = min(best[n], child(extract_cmd(files, out, "--workers", str(n))))
    return best


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(corpus_dir()))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", help="also write the table here (markdown)")
    args = ap.parse_args(argv)
    files = sorted(Path(args.corpus).glob("*.txt"))
    if not files:
        raise SystemExit(f"no .txt reports in {args.corpus}")
    chars = sum(len(f.read_text(encoding="utf-8")) for f in files)

    up = startup(files[0], args.repeat)
    st = steady(files, args.repeat)
    wk = workers(files, args.repeat)
    n = len(files)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        f"corpus: {n} .txt reports, {chars} characters (mean {chars // n}); {cores} cores; "
        f"Python {platform.python_version()}; best of {args.repeat}; load average at the end {load:.1f}",
        "",
        "| measure | value |",
        "|---|---:|",
        f"| start-up: first report, default model (fresh process, `{files[0].name}`) | {up['model']:.2f} s |",
        f"| start-up: first report, rules only (`--no-model`) | {up['rules']:.2f} s |",
        f"| of which `import torch` alone (fresh process) | {up['torch']:.2f} s |",
        f"| steady state, default model + rules | {n / st['model']:.1f} reports/s |",
        f"| steady state, rules only | {n / st['rules']:.1f} reports/s |",
        f"| model path / rules only (time per report, same run) | {st['model'] / st['rules']:.2f}x |",
        f"| batch of {n}, model, `--workers 1` (start-up included) | {wk[1]:.2f} s ({n / wk[1]:.1f} reports/s) |",
        f"| batch of {n}, model, `--workers 2` (start-up included) | {wk[2]:.2f} s ({n / wk[2]:.1f} reports/s) |",
        f"| `--workers 2` / `--workers 1` wall time | {wk[2] / wk[1]:.2f} |",
    ]
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.out:
        Path(args.out).write_text(f"`python benchmarks/speed_bench.py --repeat {args.repeat}`\n\n" + text,
                                  encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

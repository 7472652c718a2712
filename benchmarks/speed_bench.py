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
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from ie.paths import corpus_dir  # noqa: E402


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def child(args: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of a fresh Python process running `args` (its workers included); raises if
    it fails. CPU time is what the process itself used: on a loaded machine it moves less than wall time."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    c0, t0 = _children_cpu(), time.perf_counter()
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=ROOT)
    seconds, cpu = time.perf_counter() - t0, _children_cpu() - c0
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}\n{proc.stderr[-2000:]}")
    return seconds, cpu


def _best(pairs: list[tuple[float, float]]) -> tuple[float, float]:
    """The least disturbed run: lowest wall time, and lowest CPU time (each on its own)."""
    return min(p[0] for p in pairs), min(p[1] for p in pairs)


def extract_cmd(files: list[Path], out: str, *extra: str) -> list[str]:
    return ["-m", "ie.cli", "extract", "--quiet", "-o", out, *extra, *map(str, files)]


def startup(first: Path, repeat: int) -> dict:
    times: dict[str, list] = {"model": [], "rules": [], "torch": []}
    for _ in range(repeat):
        for mode, extra in (("model", ()), ("rules", ("--no-model",))):
            with tempfile.TemporaryDirectory() as out:
                times[mode].append(child(extract_cmd([first], out, *extra)))
        times["torch"].append(child(["-c", "import torch"]))
    return {k: _best(v) for k, v in times.items()}


def steady(files: list[Path], repeat: int, threads: int | None = None) -> dict:
    """Best (wall, CPU) seconds over `files`, per mode; `threads`: torch threads (default: cores)."""
    from ie.extract import extract_file, load_tagger

    tagger = load_tagger("default")          # before `import torch`: the tagger sets torch's environment
    if tagger is None:
        raise SystemExit("no default model in ie/default_model")
    import torch

    torch.set_num_threads(threads or len(os.sched_getaffinity(0)))
    extract_file(files[0])                                          # warm-up: model load, first forward
    extract_file(files[0], use_model=False)
    runs: dict[str, list] = {"model": [], "rules": []}
    for _ in range(repeat):
        for mode, use_model in (("model", True), ("rules", False)):
            c0, t0 = time.process_time(), time.perf_counter()
            for f in files:
                json.dumps(extract_file(f, use_model=use_model), ensure_ascii=False)
            runs[mode].append((time.perf_counter() - t0, time.process_time() - c0))
    return {k: _best(v) for k, v in runs.items()}


def workers(files: list[Path], repeat: int) -> dict:
    runs: dict[int, list] = {1: [], 2: []}
    for _ in range(repeat):
        for n in (1, 2):
            with tempfile.TemporaryDirectory() as out:
                runs[n].append(child(extract_cmd(files, out, "--workers", str(n))))
    return {k: _best(v) for k, v in runs.items()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(corpus_dir()))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", help="also write the table here (markdown)")
    ap.add_argument("--only", nargs="+", choices=("startup", "steady", "workers"),
                    help="run only these parts (default: all)")
    args = ap.parse_args(argv)
    files = sorted(Path(args.corpus).glob("*.txt"))
    if not files:
        raise SystemExit(f"no .txt reports in {args.corpus}")
    chars = sum(len(f.read_text(encoding="utf-8")) for f in files)

    parts = set(args.only or ("startup", "steady", "workers"))
    up = startup(files[0], args.repeat) if "startup" in parts else None
    st = steady(files, args.repeat) if "steady" in parts else None
    st1 = steady(files, args.repeat, threads=1) if "steady" in parts else None
    wk = workers(files, args.repeat) if "workers" in parts else None
    n = len(files)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [
        f"corpus: {n} .txt reports, {chars} characters (mean {chars // n}); {cores} cores; "
        f"Python {platform.python_version()}; best of {args.repeat}; load average at the end {load:.2f}",
        "",
        "| measure | wall | CPU |",
        "|---|---:|---:|",
    ]
    if up:
        lines += [
            f"| start-up to the first report, default model (fresh process, `{files[0].name}`) | "
            f"{up['model'][0]:.2f} s | {up['model'][1]:.2f} s |",
            f"| start-up to the first report, rules only (`--no-model`) | {up['rules'][0]:.2f} s | "
            f"{up['rules'][1]:.2f} s |",
            f"| `import torch` alone (fresh process) | {up['torch'][0]:.2f} s | {up['torch'][1]:.2f} s |",
        ]
    if st:
        for label, res, note in (("default model + rules", st["model"], f"{cores} torch threads"),
                                 ("default model + rules", st1["model"], "1 torch thread"),
                                 ("rules only", st["rules"], "")):
            lines.append(f"| steady state, {label}{', ' + note if note else ''} | {n / res[0]:.1f} reports/s | "
                         f"{n / res[1]:.1f} reports per CPU-second |")
        lines.append(f"| model path / rules only, time per report (same run, {cores} threads) | "
                     f"{st['model'][0] / st['rules'][0]:.2f}x | {st['model'][1] / st['rules'][1]:.2f}x |")
    if wk:
        for k in (1, 2):
            lines.append(f"| batch of {n}, default model, `--workers {k}` (start-up included) | "
                         f"{wk[k][0]:.2f} s = {n / wk[k][0]:.1f} reports/s | {wk[k][1]:.2f} s |")
        lines.append(f"| `--workers 2` / `--workers 1` | {wk[2][0] / wk[1][0]:.2f} | {wk[2][1] / wk[1][1]:.2f} |")
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.out:
        cmd = " ".join(["python benchmarks/speed_bench.py", *sys.argv[1:]])
        Path(args.out).write_text(f"`{cmd}`\n\n" + text,
                                  encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

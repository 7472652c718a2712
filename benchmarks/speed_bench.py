"""`ie extract` speed in one run: start-up, steady state with the model and rules only, 1 vs 2 workers.

    python benchmarks/speed_bench.py [CORPUS_DIR] [--repeat 3] [--out benchmarks/results/speed_bench.md]

- start-up: a fresh `python -m ie.cli extract FIRST_REPORT` process, from launch to its exit after writing the
  one report (imports, model load, the whole pipeline, the schema check, the write), with the default model on
  ONNX Runtime (the default), on torch (IE_BACKEND=torch: the model path before the ONNX backend) and rules
  only; `import torch` and `import onnxruntime` alone in a fresh process are timed beside it.
- steady state: in one process, after one warm-up report, read + extract + schema check + `json.dumps` over
  every .txt report of the corpus, per mode in alternation (so all see the same machine load): the default
  model on ONNX Runtime with all cores and with 1 thread, on torch with all cores, and rules only;
  reports/s, and each model mode's ratio to rules only measured in the same run.
- workers: the real batch command over the same reports, fresh processes, `--workers 1` and `--workers 2`
  (inference threads per worker = cores / workers), start-up included; and over the corpus copied COPIES
  times: the difference of the two batches is the batch command's steady state, start-up taken out.

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
from ie.tag import available_cores  # noqa: E402


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def child(args: list[str], backend: str | None = None) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of a fresh Python process running `args` (its workers included); raises if
    it fails. CPU time is what the process itself used: on a loaded machine it moves less than wall time.
    `backend`: IE_BACKEND for the child (None: the default, ONNX Runtime where the model has a current export)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    env.pop("IE_BACKEND", None)
    if backend:
        env["IE_BACKEND"] = backend
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
    times: dict[str, list] = {"model": [], "model_torch": [], "rules": [], "torch": [], "onnxruntime": []}
    for _ in range(repeat):
        for mode, extra, backend in (("model", (), None), ("model_torch", (), "torch"),
                                     ("rules", ("--no-model",), None)):
            with tempfile.TemporaryDirectory() as out:
                times[mode].append(child(extract_cmd([first], out, *extra), backend))
        times["torch"].append(child(["-c", "import torch"]))
        times["onnxruntime"].append(child(["-c", "import onnxruntime"]))
    return {k: _best(v) for k, v in times.items()}


def _extract(f: Path, tagger, roles) -> str:
    """What extract_file does (read, extract, schema check), with the given models, as JSON text."""
    from ie.extract import extract_document
    from ie.read import read_document
    from ie.schema import schema_errors

    report = extract_document(read_document(f), tagger, roles=roles)
    assert not schema_errors(report), f
    return json.dumps(report, ensure_ascii=False)


def steady(files: list[Path], repeat: int, threads: int) -> dict:
    """Best (wall, CPU) seconds over `files`, per mode, the modes in alternation (same machine load):
    the default model on ONNX Runtime with `threads` and 1 thread, on torch with `threads` (the model path
    before the ONNX backend), and rules only."""
    from ie.paths import DEFAULT_MODEL_DIR
    from ie.tag.infer import Tagger
    from ie.tag.roles import RolePredictor

    def load(backend: str, n: int):
        return (Tagger.from_pretrained(DEFAULT_MODEL_DIR, num_threads=n, backend=backend),
                RolePredictor.from_pretrained(DEFAULT_MODEL_DIR / "roles", num_threads=n, backend=backend))

    modes = {"onnx": load("onnxruntime", threads), "onnx_1": load("onnxruntime", 1),
             "torch": load("torch", threads), "rules": (None, None)}
    import torch                       # loaded by now for the torch mode; its threads are per process

    for tagger, roles in modes.values():                            # warm-up: first forward, caches
        _extract(files[0], tagger, roles)
    runs: dict[str, list] = {k: [] for k in modes}
    for _ in range(repeat):
        for mode, (tagger, roles) in modes.items():
            if mode == "torch":
                torch.set_num_threads(threads)
            c0, t0 = time.process_time(), time.perf_counter()
            for f in files:
                _extract(f, tagger, roles)
            runs[mode].append((time.perf_counter() - t0, time.process_time() - c0))
    return {k: _best(v) for k, v in runs.items()}


COPIES = 4        # the long batch of `workers`: the corpus this many times over


def workers(files: list[Path], repeat: int) -> dict:
    """Best (wall, CPU) of the batch command over `files` and over COPIES copies of them, per worker count
    (keys (n, 1) and (n, COPIES)). The long batch minus the short one is the batch command's steady state:
    the reports/s a big folder gets once the workers have started."""
    runs: dict[tuple[int, int], list] = {(n, k): [] for n in (1, 2) for k in (1, COPIES)}
    with tempfile.TemporaryDirectory() as src:
        many = []
        for k in range(COPIES):           # copies, not links: the batch reads each resolved path once
            d = Path(src) / f"copy{k}"
            d.mkdir()
            for f in files:
                (d / f.name).write_bytes(f.read_bytes())
                many.append(d / f.name)
        for _ in range(repeat):
            for n, k in runs:
                with tempfile.TemporaryDirectory() as out:
                    batch = files if k == 1 else many
                    runs[(n, k)].append(child(extract_cmd(batch, out, "--workers", str(n))))
    return {key: _best(v) for key, v in runs.items()}


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
    cores = available_cores()
    st = steady(files, args.repeat, cores) if "steady" in parts else None
    wk = workers(files, args.repeat) if "workers" in parts else None
    n = len(files)
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
            f"| start-up to the first report, default model on ONNX Runtime (fresh process, `{files[0].name}`) | "
            f"{up['model'][0]:.2f} s | {up['model'][1]:.2f} s |",
            f"| start-up to the first report, default model on torch (`IE_BACKEND=torch`) | "
            f"{up['model_torch'][0]:.2f} s | {up['model_torch'][1]:.2f} s |",
            f"| start-up to the first report, rules only (`--no-model`) | {up['rules'][0]:.2f} s | "
            f"{up['rules'][1]:.2f} s |",
            f"| `import torch` alone (fresh process) | {up['torch'][0]:.2f} s | {up['torch'][1]:.2f} s |",
            f"| `import onnxruntime` alone (fresh process) | {up['onnxruntime'][0]:.2f} s | "
            f"{up['onnxruntime'][1]:.2f} s |",
        ]
    if st:
        rules = st["rules"]
        for label, key in ((f"default model + rules, ONNX Runtime, {cores} threads", "onnx"),
                           ("default model + rules, ONNX Runtime, 1 thread", "onnx_1"),
                           (f"default model + rules, torch, {cores} threads", "torch"),
                           ("rules only", "rules")):
            res = st[key]
            lines.append(f"| steady state, {label} | {n / res[0]:.1f} reports/s | "
                         f"{n / res[1]:.1f} reports per CPU-second |")
        for key, label in (("onnx", "ONNX Runtime"), ("torch", "torch")):
            lines.append(f"| model path ({label}, {cores} threads) / rules only, time per report (same run) | "
                         f"{st[key][0] / rules[0]:.2f}x | {st[key][1] / rules[1]:.2f}x |")
        for key, label in (("onnx", f"ONNX Runtime, {cores} threads"), ("torch", f"torch, {cores} threads")):
            lines.append(f"| model part alone per report ({label}): model + rules minus rules only | "
                         f"{1000 * (st[key][0] - rules[0]) / n:.0f} ms | {1000 * (st[key][1] - rules[1]) / n:.0f} ms |")
    if wk:
        for k in (1, 2):
            short = wk[(k, 1)]
            lines.append(f"| batch of {n}, default model, `--workers {k}` (start-up included) | "
                         f"{short[0]:.2f} s = {n / short[0]:.1f} reports/s | {short[1]:.2f} s |")
        lines.append(f"| `--workers 2` / `--workers 1`, batch of {n} | {wk[(2, 1)][0] / wk[(1, 1)][0]:.2f} | "
                     f"{wk[(2, 1)][1] / wk[(1, 1)][1]:.2f} |")
        extra = n * (COPIES - 1)
        for k in (1, 2):
            wall, cpu = (wk[(k, COPIES)][i] - wk[(k, 1)][i] for i in (0, 1))
            lines.append(f"| steady state of the batch command, default model, `--workers {k}`: batch of "
                         f"{n * COPIES} minus batch of {n} | {extra / wall:.1f} reports/s | "
                         f"{extra / cpu:.1f} reports per CPU-second |")
    text = "\n".join(lines) + "\n"
    sys.stdout.write(text)
    if args.out:
        cmd = " ".join(["python benchmarks/speed_bench.py", *sys.argv[1:]])
        Path(args.out).write_text(f"`{cmd}`\n\n" + text,
                                  encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

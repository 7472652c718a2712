"""Training throughput (windows/s) of `ie train` for a config, at several window lengths.

    python benchmarks/train_bench.py [--config configs/default.yaml] [--steps 20] [--windows 256 512]

Each run trains --steps steps through the same Trainer path as `ie train` (no held-out evaluation) into a
temporary dir, and reports windows/s from the Trainer's own timing plus the process's peak memory.
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="configs/default.yaml")
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--windows", type=int, nargs="+", default=[256, 512])
    args = ap.parse_args(argv)

    import torch

    from ie.tag.train import load_config, train

    base = load_config(args.config)
    rows = []
    for w in args.windows:
        with tempfile.TemporaryDirectory() as d:
            cfg = replace(base, window=w, stride=max(1, w * 7 // 8), train_stride=0, max_steps=args.steps,
                          eval_documents=0, output_dir=str(Path(d) / "m"), logging_steps=max(1, args.steps))
            m = train(cfg)
        rows.append((w, cfg.batch_size, m["train_windows"], m["train_windows_per_second"], m["train_seconds"]))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"config: {args.config} ({base.model_name_or_path}, {base.init_layers} layers, hidden {base.init_hidden}); "
          f"torch threads {torch.get_num_threads()}; {args.steps} steps each")
    print()
    print("| window | batch | windows in data | windows/s | seconds |")
    print("|---:|---:|---:|---:|---:|")
    for w, b, n, wps, s in rows:
        print(f"| {w} | {b} | {n} | {wps:.1f} | {s:.1f} |")
    print(f"\npeak RSS (whole process): {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

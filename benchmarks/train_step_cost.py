"""Per-step cost of the two trainings scripts/build_default_model.sh runs, for a quiet-machine estimate.

The machine is shared, so a rebuild's wall time says more about the other jobs than about the recipe. This times
single training steps (forward + backward + AdamW) of the tagger (batch 32 x 130 tokens: a 128-character window
plus [CLS]/[SEP]) and of the role model (batch 32 x 107 tokens: heading 16 + left 48 + span 24 + right 16 + 3),
both from checkpoints/pretrained, with 1 and 2 torch threads. Per step it records wall and process CPU time and
keeps the minimum over the steps: the least disturbed one, the nearest to a quiet machine.

    python benchmarks/train_step_cost.py [--steps 8] [--tagger-steps 900] [--role-steps 192] [--overhead 60]

The estimate printed is steps x the least wall time per step (2 threads) + the non-training overhead in seconds
(imports, augmentation, windows, evaluation, saving: --overhead, taken from a build's log), and, as an upper bound
that needs no second core, the same with 1 thread.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CKPT = Path(__file__).resolve().parents[1] / "checkpoints" / "pretrained"


def batches(kind: str, n: int):
    import torch

    g = torch.Generator().manual_seed(0)
    length = 130 if kind == "tagger" else 107
    for _ in range(n):
        b = {"input_ids": torch.randint(5, 3000, (32, length), generator=g),
             "attention_mask": torch.ones(32, length, dtype=torch.long)}
        if kind == "tagger":
            b["labels"] = torch.randint(0, 13, (32, length), generator=g)
        else:
            b["token_type_ids"] = torch.zeros(32, length, dtype=torch.long)
            b["span_mask"] = torch.zeros(32, length, dtype=torch.long)
            b["token_type_ids"][:, 70:74] = b["span_mask"][:, 70:74] = 1
            b["labels"] = torch.randint(0, 7, (32,), generator=g)
        yield b


def model(kind: str):
    import torch
    from transformers import BertForTokenClassification

    from ie.tag.roles import role_model_class

    if kind == "tagger":
        return BertForTokenClassification.from_pretrained(str(CKPT), num_labels=13, use_safetensors=True,
                                                          dtype=torch.float32)
    return role_model_class().from_pretrained(str(CKPT), num_labels=7, use_safetensors=True, dtype=torch.float32)


def time_steps(kind: str, threads: int, steps: int) -> dict:
    import torch

    torch.set_num_threads(threads)
    m = model(kind).train()
    opt = torch.optim.AdamW(m.parameters(), lr=1e-4)
    walls, cpus = [], []
    for i, b in enumerate(batches(kind, steps + 2)):
        w, c = time.perf_counter(), time.process_time()
        out = m(**b)
        loss = out["loss"] if isinstance(out, dict) else out.loss
        loss.backward()
        opt.step()
        opt.zero_grad()
        if i >= 2:                      # two warm-up steps
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
    return {"min_wall": min(walls), "median_wall": sorted(walls)[len(walls) // 2], "min_cpu": min(cpus)}


def main(argv=None) -> int:
    import os

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--tagger-steps", type=int, default=900)
    ap.add_argument("--role-steps", type=int, default=192)
    ap.add_argument("--overhead", type=float, default=60.0)
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    res = {f"{k}_{t}": time_steps(k, t, args.steps) for k in ("tagger", "roles") for t in (1, 2)}
    res["loadavg"] = os.getloadavg()
    for k, v in res.items():
        if k != "loadavg":
            print(f"{k} thread(s): least wall {v['min_wall']:.3f} s/step (median {v['median_wall']:.3f}), "
                  f"least CPU {v['min_cpu']:.3f} s/step")
    for t in (2, 1):
        est = (args.tagger_steps * res[f"tagger_{t}"]["min_wall"] + args.role_steps * res[f"roles_{t}"]["min_wall"]
               + args.overhead)
        res[f"estimate_{t}_threads_s"] = est
        print(f"estimate with {t} thread(s): {args.tagger_steps} x {res[f'tagger_{t}']['min_wall']:.3f} + "
              f"{args.role_steps} x {res[f'roles_{t}']['min_wall']:.3f} + {args.overhead:.0f} = {est:.0f} s "
              f"({est / 60:.1f} min); load average during the run {res['loadavg'][0]:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

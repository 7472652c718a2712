"""The role model with and without the weak labels: per-role precision/recall on held-out hand-labelled reports.

Trains configs/roles.yaml twice with the same seed, held-out reports and every other setting — once with its
`weak_data` (annotations/weak, masked per report: a role-less span is a negative only for the roles its tables
state), once with `weak_data: []` — and prints per-role precision / recall / F1 of the most probable role and of
what ie.map would take (at each model's own threshold) on the held-out reports' hand-made spans. Weak labels
never enter the held-out set (the held-out reports are hand-annotated corpus reports, and a weak task of a corpus
report is skipped). Writes benchmarks/results/roles_weak.json.

    python scripts/roles_weak_compare.py [--config configs/roles.yaml] [--epochs N | --max-steps N] [--weak DIR]

Two role-model trainings. The weak run has ~4x the spans per epoch: --max-steps gives both the same compute.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ie.labels import ROLES  # noqa: E402
from ie.paths import REPO_DIR  # noqa: E402
from ie.tag.roles import load_role_config, train_roles  # noqa: E402
from ie.tag.train import read_config  # noqa: E402

RESULTS = REPO_DIR / "benchmarks" / "results" / "roles_weak.json"


def row(name: str, s: dict) -> str:
    return (f"| {name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} | "
            f"{s['predicted']} |")


def table(runs: dict) -> str:
    lines = []
    for what in ("eval", "eval_at_threshold"):
        lines += [f"\n{what} ({'most probable role' if what == 'eval' else 'at the model threshold'}):", "",
                  "| role | " + " | ".join(f"{k} P / R / F1" for k in runs) + " | support |",
                  "|---|" + "---|" * len(runs) + "---:|"]
        for r in (*ROLES, "micro"):
            cells = [f"{m[what][r]['precision']:.3f} / {m[what][r]['recall']:.3f} / {m[what][r]['f1']:.3f}"
                     for m in runs.values()]
            lines.append(f"| {r} | " + " | ".join(cells) + f" | {next(iter(runs.values()))[what][r]['support']} |")
    lines.append("")
    for k, m in runs.items():
        lines.append(f"- {k}: threshold {m['threshold']}, {m['train_spans']} training spans ({m['train_role_spans']} "
                     f"with a role, {m['weak_role_spans']} weak; {m.get('weak_partial_spans', 0)} weak spans with "
                     f"a label set), {m['train_steps']} steps, {m['train_seconds']:.0f} s")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="configs/roles.yaml")
    ap.add_argument("--weak", default="annotations/weak", help="weak_data of the run with weak labels")
    ap.add_argument("--epochs", type=float, help="override the config's epochs (both runs)")
    ap.add_argument("--max-steps", type=int, help="override the config's max_steps (both runs: the same compute)")
    ap.add_argument("--json", default=str(RESULTS))
    args = ap.parse_args(argv)
    raw = read_config(args.config)
    runs = {}
    with tempfile.TemporaryDirectory(prefix="ie_roles_weak_") as tmp:
        for name, weak in (("hand only", []), ("hand + weak", [args.weak])):
            cfg = load_role_config(raw, args.config, weak_data=weak, output_dir=f"{tmp}/{len(runs)}",
                                   epochs=args.epochs, max_steps=args.max_steps)
            runs[name] = train_roles(cfg, args.config)
            print(f"{name}: micro F1 {runs[name]['eval']['micro']['f1']:.3f}", flush=True)
    held = runs["hand only"]["eval_documents"]
    assert held == runs["hand + weak"]["eval_documents"]
    print(f"Held-out reports ({len(held)}): {', '.join(held)}")
    print(table(runs))
    Path(args.json).write_text(json.dumps({"config": args.config, "epochs": args.epochs, "max_steps": args.max_steps, "weak": args.weak,
                                           "held_out": held, "runs": runs}, ensure_ascii=False, indent=2) + "\n",
                               encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

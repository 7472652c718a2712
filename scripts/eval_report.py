"""Score the pipeline on the corpus gold, rules only and model + rules, and print the README table.

    python scripts/eval_report.py [--gold gold] [--corpus DIR] [--model PATH] [--json]

Each mode runs `ie.extract.extract_file` over every report that has gold (`ie evaluate GOLD --extract
CORPUS [--no-model]` gives the per-file detail behind each row).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ie.evaluate import EvaluateError, evaluate, load_gold, predict_by_extracting, totals
from ie.paths import DEFAULT_MODEL_DIR, GOLD_DIR, corpus_dir


def _pct(x):
    return "—" if x is None else f"{100 * x:.1f}%"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=GOLD_DIR)
    ap.add_argument("--corpus", type=Path, default=None, help="default: ie.paths.corpus_dir()")
    ap.add_argument("--model", default=None, help="tagger folder (default: the packaged model)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    corpus = args.corpus or corpus_dir()
    try:
        gold = load_gold(args.gold)
    except EvaluateError as e:
        print(f"eval_report: {e}", file=sys.stderr)
        return 2
    rows = {}
    for mode, use_model in (("rules only", False), ("model + rules", True)):
        results = evaluate(gold, predict_by_extracting(corpus, use_model, args.model))
        t = totals(results)
        t["errors"] = [f"{r.stem}: {r.error}" for r in results if r.error]
        rows[mode] = t
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    print(f"Gold: {len(gold)} reports ({args.gold}); corpus: {corpus}")
    model_dir = Path(args.model) if args.model else DEFAULT_MODEL_DIR
    if args.model is None and not (model_dir / "config.json").exists():
        print(f"note: no model at {model_dir}; 'model + rules' ran with the rules alone")
    print()
    print("| mode | meta | table cells | prose | prose precision | documents P / R / F1 |")
    print("|---|---|---|---|---|---|")
    for mode, t in rows.items():
        print(f"| {mode} | {_pct(t['meta_accuracy'])} ({t['meta_correct']}/{t['meta_total']}) "
              f"| {_pct(t['cells_accuracy'])} ({t['cells_correct']}/{t['cells_total']}) "
              f"| {_pct(t['prose_accuracy'])} ({t['prose_correct']}/{t['prose_total']}) "
              f"| {_pct(t['prose_precision'])} "
              f"| {_pct(t['documents_precision'])} / {_pct(t['documents_recall'])} / {_pct(t['documents_f1'])} |")
    for mode, t in rows.items():
        for err in t["errors"]:
            print(f"{mode}: failed: {err}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Score the pipeline on the corpus gold, rules only and model + rules, for the original 15 reports, the 32 added
with SOURCES_2.tsv and all of them, and print the README table.

    python scripts/eval_report.py [--gold gold] [--corpus DIR] [--model PATH] [--rules-only] [--json]
    python scripts/eval_report.py --pred-dir DIR      # score saved outputs instead of extracting

Without --pred-dir each mode runs `ie.extract.extract_file` over every report that has gold (`ie evaluate GOLD
--extract CORPUS [--no-model]` gives the per-file detail behind each row). With --pred-dir, DIR holds
`<stem>.json` outputs of one mode, or `rules/` and `model/` subfolders with one mode each; reports without a
saved output are left out of the figures and counted as missing.

The new reports are the files listed in CORPUS/SOURCES_2.tsv, read at run time: figures must be reported for
the reports the rules were written on and for those they were not written on separately.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

from ie.evaluate import EvaluateError, FileResult, evaluate, load_gold, predict_by_extracting, predict_from_dir, totals
from ie.paths import DEFAULT_MODEL_DIR, GOLD_DIR, corpus_dir

MODE_DIRS = {"rules": "rules only", "model": "model + rules"}


def _pct(x):
    return "—" if x is None else f"{100 * x:.1f}%"


def new_report_stems(corpus: Path) -> set[str]:
    """Stems of the files SOURCES_2.tsv lists (the reports added after the rules were written)."""
    path = corpus / "SOURCES_2.tsv"
    if not path.exists():
        return set()
    with open(path, encoding="utf-8", newline="") as f:
        return {Path(row["file"]).stem for row in csv.DictReader(f, delimiter="\t") if row.get("file")}


def group_results(results: list[FileResult], new: set[str]) -> dict[str, list[FileResult]]:
    """original / new / all; a report whose prediction is missing is in none of them."""
    scored = [r for r in results if not (r.error and r.error.endswith("no prediction"))]
    return {
        f"original {sum(r.stem not in new for r in scored)}": [r for r in scored if r.stem not in new],
        f"new {sum(r.stem in new for r in scored)}": [r for r in scored if r.stem in new],
        f"all {len(scored)}": scored,
    }


def saved_modes(pred_dir: Path) -> dict[str, Path]:
    """mode name -> folder of saved outputs: rules/ and model/ subfolders, or the folder itself."""
    subs = {MODE_DIRS[d.name]: d for d in sorted(pred_dir.iterdir()) if d.is_dir() and d.name in MODE_DIRS}
    return subs or {pred_dir.name: pred_dir}


def _row(t: dict) -> str:
    return (f"| {_pct(t['meta_accuracy'])} ({t['meta_correct']}/{t['meta_total']}) "
            f"| {_pct(t['cells_accuracy'])} ({t['cells_correct']}/{t['cells_total']}, wrong {t.get('cells_wrong', 0)}) "
            f"| {_pct(t['prose_accuracy'])} ({t['prose_correct']}/{t['prose_total']}) "
            f"| {_pct(t['prose_precision'])} "
            f"| {_pct(t['documents_precision'])} / {_pct(t['documents_recall'])} / {_pct(t['documents_f1'])} |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=GOLD_DIR)
    ap.add_argument("--corpus", type=Path, default=None, help="default: ie.paths.corpus_dir()")
    ap.add_argument("--model", default=None, help="tagger folder (default: the packaged model)")
    ap.add_argument("--pred-dir", type=Path, default=None,
                    help="score saved outputs (DIR/<stem>.json, or DIR/rules/ and DIR/model/) instead of extracting")
    ap.add_argument("--rules-only", action="store_true", help="extract with the rules only (skip model + rules)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    corpus = args.corpus or corpus_dir()
    try:
        gold = load_gold(args.gold)
        if args.pred_dir is not None and not args.pred_dir.is_dir():
            raise EvaluateError(f"{args.pred_dir}: not a folder")
    except EvaluateError as e:
        print(f"eval_report: {e}", file=sys.stderr)
        return 2
    if args.pred_dir is not None:
        predictors = {mode: predict_from_dir(d) for mode, d in saved_modes(args.pred_dir).items()}
    else:
        modes = (("rules only", False),) if args.rules_only else (("rules only", False), ("model + rules", True))
        predictors = {mode: predict_by_extracting(corpus, use_model, args.model) for mode, use_model in modes}
    new = new_report_stems(corpus)
    rows: dict[str, dict[str, dict]] = {}
    for mode, predict in predictors.items():
        results = evaluate(gold, predict)
        rows[mode] = {}
        for group, rs in group_results(results, new).items():
            t = totals(rs)
            t["errors"] = [f"{r.stem}: {r.error}" for r in rs if r.error]
            rows[mode][group] = t
        rows[mode]["missing"] = sorted(r.stem for r in results if r.error and r.error.endswith("no prediction"))
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    _print_table(rows, gold, args, corpus, new)
    return 0


def _print_table(rows: dict, gold: dict, args, corpus: Path, new: set[str]) -> None:
    source = f"saved outputs in {args.pred_dir}" if args.pred_dir else f"corpus: {corpus}"
    print(f"Gold: {len(gold)} reports ({args.gold}); {source}; new reports: {len(new)} listed in SOURCES_2.tsv")
    model_dir = Path(args.model) if args.model else DEFAULT_MODEL_DIR
    if args.pred_dir is None and args.model is None and not (model_dir / "config.json").exists():
        print(f"note: no model at {model_dir}; 'model + rules' ran with the rules alone")
    print()
    print("| mode | reports | meta | table cells | prose | prose precision | documents P / R / F1 |")
    print("|---|---|---|---|---|---|---|")
    for mode, groups in rows.items():
        for group, t in groups.items():
            if group != "missing":
                print(f"| {mode} | {group} " + _row(t))
    for mode, groups in rows.items():
        if groups["missing"]:
            print(f"{mode}: no saved output for {len(groups['missing'])} gold report(s), left out: "
                  f"{', '.join(groups['missing'])}", file=sys.stderr)
        all_group = [g for g in groups if g.startswith("all")][0]
        for err in groups[all_group]["errors"]:
            print(f"{mode}: failed: {err}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())

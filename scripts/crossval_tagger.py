"""k-fold cross-validation of the character tagger, by whole document.

Each of the k folds holds out a disjoint set of documents, trains the given config on the rest (augmented copies,
if the config asks, are built from that fold's training documents only) and tags the held-out documents with the
saved model exactly as `ie tag` would. Gold and predicted tag sequences of all folds are pooled and scored once
(seqeval strict IOB2, entity level), so a type with a few spans per document still gets a real support.

    nice python scripts/crossval_tagger.py --config configs/default.yaml --folds 5 [--epochs 8] [--json out.json]

Takes about k x one training run (the default config: ~k x 6 minutes on the 2-core CPU).
"""
from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ie.tag.data import doc_key, gold_tags, load_corpus_tasks  # noqa: E402
from ie.tag.metrics import entity_scores, markdown_table  # noqa: E402
from ie.tag.train import load_config, train  # noqa: E402


def folds(keys: list[str], k: int, seed: int) -> list[list[str]]:
    """Documents shuffled with `seed`, dealt round-robin into k folds."""
    keys = sorted(keys)
    random.Random(seed).shuffle(keys)
    return [sorted(keys[i::k]) for i in range(k)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="configs/default.yaml")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--epochs", type=float, help="override the config's epochs (a quicker estimate)")
    ap.add_argument("--seed", type=int, default=0, help="seed for dealing documents into folds")
    ap.add_argument("--json", help="write pooled and per-fold scores here")
    args = ap.parse_args(argv)

    from ie.tag.infer import Tagger

    base = load_config(args.config)
    tasks = load_corpus_tasks(base.data)
    keys = sorted({doc_key(t) for t in tasks})
    if not 2 <= args.folds <= len(keys):
        ap.error(f"--folds must be between 2 and the number of documents ({len(keys)})")
    gold_all, pred_all, per_fold = [], [], []
    for i, held in enumerate(folds(keys, args.folds, args.seed)):
        with tempfile.TemporaryDirectory(prefix="ie_cv_") as tmp:
            over = {"eval_documents": held, "output_dir": tmp}
            if args.epochs:
                over["epochs"] = args.epochs
            cfg = load_config(args.config, **over)
            m = train(cfg, args.config)
            tagger = Tagger.from_pretrained(tmp)
            for _, (text, g) in gold_tags([t for t in tasks if doc_key(t) in held]).items():
                gold_all.append(g)
                pred_all.append(tagger.tag_sequence(text)[0])
        per_fold.append({"held_out": held, "f1": m["eval"]["f1"] if m.get("eval") else None,
                         "train_seconds": m["train_seconds"]})
        print(f"fold {i + 1}/{args.folds}: held out {', '.join(held)}; F1 {per_fold[-1]['f1']:.3f}", flush=True)
        # pooled so far: an interrupted run still leaves its numbers
        print(markdown_table(entity_scores(gold_all, pred_all)), flush=True)
    pooled = entity_scores(gold_all, pred_all)
    print(f"\n{args.folds}-fold cross-validation by document, {len(keys)} documents, config {args.config}"
          + (f", epochs {args.epochs}" if args.epochs else "") + "; pooled over folds:\n")
    print(markdown_table(pooled))
    if args.json:
        Path(args.json).write_text(json.dumps({"config": args.config, "epochs": args.epochs, "folds": per_fold,
                                               "pooled": pooled}, ensure_ascii=False, indent=2) + "\n",
                                   encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

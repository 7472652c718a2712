"""Choose tagger settings on validation documents taken from the TRAINING side only.

The default model's held-out documents (the config's `eval_documents`) must not steer its recipe, so every
candidate here is trained on the remaining documents minus a validation set, and scored on that validation set
(whole documents, seqeval strict IOB2, as `ie tag` tags them). Only the chosen recipe is then trained on all
training documents and scored once on the held-out ones (scripts/build_default_model.sh).

    nice python scripts/select_tagger.py --name more-copies --set augment_copies=6 --set epochs=6 \
        [--validate fengdu_2018,pingtan_2020,pingtan_2012] [--log benchmarks/results/select_tagger.jsonl]

Each run appends one JSON line (settings, seconds, per-type scores) to --log; `--table` prints the log as a
Markdown table. A run of the default config takes ~6 minutes on the 2-core CPU.
"""
from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ie.tag.data import doc_key, load_corpus_tasks  # noqa: E402
from ie.tag.train import load_config, train  # noqa: E402

# chosen before any run: the training-side documents with the most 文号 (fengdu_2018: 9, pingtan_2020: 4)
# and dates (pingtan_2012: 21), so DOC_NO and DATE have some support (13 and 44)
DEFAULT_VALIDATE = ["fengdu_2018", "pingtan_2020", "pingtan_2012"]
DEFAULT_LOG = "benchmarks/results/select_tagger.jsonl"


def parse_set(items: list[str]) -> dict:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise SystemExit(f"--set {item!r}: expected key=value")
        out[key] = yaml.safe_load(value)
    return out


def score(model_dir, tasks: list[dict], validate: list[str]) -> dict:
    """Document-level scores of a saved model on the validation documents, tagged as `ie tag` tags them."""
    from ie.tag.infer import Tagger, score_tasks

    return score_tasks(Tagger.from_pretrained(model_dir), [t for t in tasks if doc_key(t) in validate])


def run(args) -> dict:
    base = load_config(args.config)
    held = set(base.eval_documents if isinstance(base.eval_documents, list) else [])
    validate = args.validate.split(",") if args.validate else DEFAULT_VALIDATE
    if held & set(validate):
        raise SystemExit(f"validation documents {sorted(held & set(validate))} are the config's held-out ones")
    tasks = [t for t in load_corpus_tasks(base.data) if doc_key(t) not in held]
    settings = parse_set(args.set)
    if args.model:      # score an already trained model with today's decoder; no training
        return {"name": args.name, "settings": {"rescored": args.model}, "validate": validate,
                "excluded": sorted(held), "seconds": 0.0, "train_steps": None,
                "scores": score(args.model, tasks, validate)}
    with tempfile.TemporaryDirectory(prefix="ie_select_") as tmp:
        data = Path(tmp) / "data.json"
        data.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
        cfg = load_config(args.config, **{**settings, "data": str(data), "eval_documents": validate,
                                          "output_dir": str(Path(tmp) / "model")})
        t0 = time.perf_counter()
        metrics = train(cfg, args.config)
        seconds = time.perf_counter() - t0
        scores = score(cfg.output_dir, tasks, validate)
        if args.keep:
            shutil.copytree(cfg.output_dir, args.keep, dirs_exist_ok=True)
    return {"name": args.name, "settings": settings, "validate": validate, "excluded": sorted(held),
            "seconds": round(seconds, 1), "train_steps": metrics["train_steps"], "scores": scores}


def table(log: Path) -> str:
    rows = ["| run | settings | seconds | DATE F1 | DOC_NO F1 | all F1 |", "|---|---|---:|---:|---:|---:|"]
    for line in log.read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        t = r["scores"]["per_type"]
        f = lambda k: f"{t[k]['f1']:.3f}" if k in t else "–"  # noqa: E731
        sets = ", ".join(f"{k}={v}" for k, v in r["settings"].items()) or "(config as is)"
        rows.append(f"| {r['name']} | {sets} | {r['seconds']:.0f} | {f('DATE')} | {f('DOC_NO')} | "
                    f"{r['scores']['f1']:.3f} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", default="configs/default.yaml")
    ap.add_argument("--name", default="run")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a config field")
    ap.add_argument("--validate", help="comma-separated validation doc ids (training side only)")
    ap.add_argument("--log", default=DEFAULT_LOG)
    ap.add_argument("--keep", metavar="DIR", help="also keep the trained model here")
    ap.add_argument("--model", metavar="DIR", help="score this trained model on the validation documents, no training")
    ap.add_argument("--table", action="store_true", help="print the log as a Markdown table and exit")
    args = ap.parse_args(argv)
    log = Path(args.log)
    if args.table:
        print(table(log))
        return 0
    result = run(args)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(result, ensure_ascii=False) + "\n")
    t = result["scores"]["per_type"]
    print(f"{args.name}: DATE {t.get('DATE', {}).get('f1', 0):.3f}  DOC_NO {t.get('DOC_NO', {}).get('f1', 0):.3f}  "
          f"all {result['scores']['f1']:.3f}  ({result['seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

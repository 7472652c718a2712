"""Does a tagger depend on where a character sits in its window? Tag documents with every window shifted.

The text is tagged as is, then with k line breaks put in front (so every window boundary moves by k
characters) and the tags of the added characters dropped; a tagger that learned shapes rather than window
positions scores the same at every shift. Scores are document-level seqeval (strict IOB2).

    python scripts/window_shift_probe.py --model ie/default_model --docs zhuzhou_2018,hongze_2024 [--shifts 0,20,50,90]

Documents the model was trained on show memorisation of positions most clearly (a model that generalises
scores about the same at every shift on them too).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ie.tag.data import doc_key, gold_tags, load_corpus_tasks  # noqa: E402
from ie.tag.metrics import entity_scores  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default=None, help="model directory (default: ie/default_model)")
    ap.add_argument("--data", default="annotations/corpus")
    ap.add_argument("--docs", required=True, help="comma-separated doc ids")
    ap.add_argument("--shifts", default="0,20,50,90")
    args = ap.parse_args(argv)

    from ie.tag.infer import Tagger

    tagger = Tagger.from_pretrained(args.model)
    docs = set(args.docs.split(","))
    tasks = [t for t in load_corpus_tasks(args.data) if doc_key(t) in docs]
    if not tasks:
        ap.error(f"none of {sorted(docs)} in {args.data}")
    print(f"model {tagger.path}; window {tagger.window}, stride {tagger.stride}; documents {', '.join(sorted(docs))}\n")
    print("| shift | all F1 | DATE F1 | DOC_NO F1 |\n|---:|---:|---:|---:|")
    for shift in (int(s) for s in args.shifts.split(",")):
        gold, pred = [], []
        for _, (text, g) in gold_tags(tasks).items():
            gold.append(g)
            pred.append(tagger.tag_sequence("\n" * shift + text)[0][shift:])
        s = entity_scores(gold, pred)
        f = lambda k: f"{s['per_type'][k]['f1']:.3f}" if k in s["per_type"] else "–"  # noqa: E731
        print(f"| {shift} | {s['f1']:.3f} | {f('DATE')} | {f('DOC_NO')} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`ie tag FILE... [--model PATH] [-o OUT] [--format json|jsonl|tsv]`: tag reports with the character model.

Each file is read (ie.read) and normalized (ie.normalize); offsets in the output index the normalized text.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path


def register(subparsers) -> None:
    p = subparsers.add_parser("tag", help="tag entity spans in reports with the character model",
                              description=__doc__.splitlines()[0])
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--model", help="model directory (default: the shipped ie/default_model)")
    p.add_argument("-o", "--output", help="write here instead of stdout")
    p.add_argument("--format", choices=("json", "jsonl", "tsv"), default="json")
    p.add_argument("--threads", type=int, help="torch threads (default: available cores, at most 8)")
    p.set_defaults(func=run)


def _render(results: list[dict], fmt: str) -> str:
    if fmt == "json":
        return json.dumps(results, ensure_ascii=False, indent=2) + "\n"
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in results)
    rows = ["file\tlabel\tstart\tend\tscore\ttext"]
    for r in results:
        for e in r["entities"]:
            text = e["text"].replace("\t", " ").replace("\n", " ")
            rows.append(f"{r['file']}\t{e['label']}\t{e['start']}\t{e['end']}\t{e['score']:.4f}\t{text}")
    return "\n".join(rows) + "\n"


def run(args) -> int:
    from ie.models import ReadError
    from ie.normalize import normalize_document
    from ie.read import read_document
    from ie.tag.infer import Tagger

    try:
        tagger = Tagger.from_pretrained(args.model, num_threads=args.threads)
    except (FileNotFoundError, ValueError, OSError) as exc:
        print(f"ie tag: cannot load model: {exc}", file=sys.stderr)
        return 2
    results, failed = [], 0
    for f in args.files:
        try:
            norm = normalize_document(read_document(f))
        except (ReadError, OSError) as exc:
            print(f"ie tag: {exc}", file=sys.stderr)
            failed += 1
            continue
        ents = tagger.tag(norm.text)
        results.append({"file": f, "model": tagger.path, "n_chars": len(norm.text),
                        "entities": [e.to_json() for e in ents]})
    out = _render(results, args.format)
    if args.output:
        Path(args.output).write_text(out, encoding="utf-8")
    else:
        sys.stdout.write(out)
    return 1 if failed else 0

"""Rules-only extraction outputs, written once and compared later: speed work must not change a single output.

    python benchmarks/rules_equivalence.py write REF_DIR [INPUT ...]     # from the code to compare against
    python benchmarks/rules_equivalence.py check REF_DIR [INPUT ...]     # after a change: exit 1 on any diff

INPUT: files or folders (default: the corpus's .txt reports and its unlabeled pool). Each input gives
REF_DIR/<folder>__<stem>.json holding `extract_file(path, use_model=False)` (text included) as sorted JSON, or
{"error": "..."} when the extraction raised (a non-report, an unreadable file): the failure is an output too.
Nothing in a rules-only report varies from run to run (no timestamps; `schema_version` is the code's), so the
comparison is exact.
"""
from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from ie.paths import corpus_dir  # noqa: E402


def inputs(args: list[str]) -> list[Path]:
    if not args:
        corpus = corpus_dir()
        return sorted(corpus.glob("*.txt")) + sorted((corpus / "unlabeled").glob("*.txt"))
    out: list[Path] = []
    for a in map(Path, args):
        out += sorted(a.glob("*.txt")) if a.is_dir() else [a]
    return out


def key(path: Path) -> str:
    return f"{path.parent.name}__{path.stem}.json"


def output(path: Path) -> str:
    from ie.extract import extract_file

    try:
        result = extract_file(path, use_model=False)
    except Exception as exc:  # noqa: BLE001 - the failure message is part of the output
        result = {"error": f"{type(exc).__name__}: {exc}"}
    return json.dumps(result, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mode", choices=("write", "check"))
    ap.add_argument("ref", type=Path)
    ap.add_argument("inputs", nargs="*")
    args = ap.parse_args(argv)
    files = inputs(args.inputs)
    if args.mode == "write":
        args.ref.mkdir(parents=True, exist_ok=True)
    same, differ, missing = 0, [], []
    for f in files:
        text, ref = output(f), args.ref / key(f)
        if args.mode == "write":
            ref.write_text(text, encoding="utf-8")
            continue
        if not ref.exists():
            missing.append(f)
            continue
        old = ref.read_text(encoding="utf-8")
        if old == text:
            same += 1
            continue
        differ.append(f)
        diff = difflib.unified_diff(old.splitlines(), text.splitlines(), str(ref), str(f), lineterm="", n=1)
        print("\n".join(list(diff)[:40]))
    if args.mode == "write":
        print(f"wrote {len(files)} outputs to {args.ref}")
        return 0
    print(f"{same} identical, {len(differ)} differ, {len(missing)} without a reference (of {len(files)})")
    for f in differ:
        print(f"  differs: {f}")
    for f in missing:
        print(f"  no reference: {f}")
    return 1 if differ or missing else 0


if __name__ == "__main__":
    sys.exit(main())

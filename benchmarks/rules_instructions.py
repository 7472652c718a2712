"""Instructions per report of rules-only extraction, counted by valgrind: a figure the machine's load does not move.

    python benchmarks/rules_instructions.py [CORPUS_DIR] [--passes 1] [--stage all|tables]

On a shared machine CPU time moves by 10-30% between runs of the same code; the number of instructions the
interpreter executes does not (PYTHONHASHSEED is fixed). The script runs itself twice under
`valgrind --tool=callgrind` (needs valgrind): once with a warm-up pass only, once with --passes more, and
prints the difference per report. "all" is what speed_bench's rules-only row times (read, extract_document,
schema check, json.dumps); "tables" is `extract_tables` alone (texts normalized beforehand). Run it in two
checkouts to compare them: about four minutes per checkout on an idle core.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from ie.paths import corpus_dir  # noqa: E402


def work(files: list[Path], stage: str, passes: int) -> None:
    """One warm-up pass, then `passes` more (the part whose instructions are counted)."""
    if stage == "tables":
        from ie.meta import find_title, report_year
        from ie.normalize import normalize_document
        from ie.read import read_document
        from ie.segment import detect_template
        from ie.tables import extract_tables

        items = []
        for f in files:
            text = normalize_document(read_document(f)).text
            items.append((text, detect_template(text, report_year(text, find_title(text)[0]))))

        def one() -> None:
            for text, template in items:
                extract_tables(text, template)
    else:
        from ie.extract import extract_file

        def one() -> None:
            for f in files:
                json.dumps(extract_file(f, use_model=False), ensure_ascii=False)
    for _ in range(1 + passes):
        one()


def count(corpus: str, stage: str, passes: int) -> int:
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
                          __file__, corpus, "--stage", stage, "--passes", str(passes), "--child"],
                         env=env, capture_output=True, text=True, check=True).stderr
    m = re.search(r"Collected : (\d+)", out)
    if not m:
        raise SystemExit(f"no instruction count in valgrind's output:\n{out[-2000:]}")
    return int(m.group(1))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(corpus_dir()))
    ap.add_argument("--passes", type=int, default=1)
    ap.add_argument("--stage", choices=("all", "tables"), default="all")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    files = sorted(Path(args.corpus).glob("*.txt"))
    if args.child:
        work(files, args.stage, args.passes)
        return 0
    base = count(args.corpus, args.stage, 0)
    more = count(args.corpus, args.stage, args.passes)
    per = (more - base) / (args.passes * len(files))
    print(f"{args.stage}: {per / 1e6:.2f} M instructions per report ({len(files)} reports, {args.passes} pass(es), "
          f"{ROOT})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

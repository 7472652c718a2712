"""CPU milliseconds per report of each stage of rules-only extraction (`ie extract --no-model`), steady state.

    python benchmarks/rules_stages.py [CORPUS_DIR] [--repeat 5] [--profile N]

Runs the stages of `ie.extract.extract_file(path, use_model=False)` one by one over every .txt report of the
corpus (after one warm-up pass), timing each with time.process_time (CPU time: on a shared machine wall time
measures the neighbours). Each stage's figure is its best pass of --repeat, divided by the number of reports;
"total" is the best whole pass. --profile N: also print cProfile's top N functions (cumulative) over one pass.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from ie.paths import corpus_dir  # noqa: E402

STAGES = ("read", "normalize", "meta+segment", "tables", "check_tables", "rules", "map", "merge", "validate",
          "json")


def one_pass(files: list[Path]) -> dict[str, float]:
    """CPU seconds of each stage over `files`, and 'total'."""
    from ie import extract as X
    from ie.map import map_report
    from ie.merge import merge
    from ie.meta import find_title, report_year
    from ie.models import TableResult
    from ie.normalize import normalize_document
    from ie.read import read_document
    from ie.rules import find_entities
    from ie.schema import schema_errors
    from ie.segment import detect_template, report_evidence, template_by_headers
    from ie.tables import extract_tables
    from ie.validate import check_tables

    t: dict[str, float] = defaultdict(float)
    clock = time.process_time
    start = clock()
    for f in files:
        c = clock(); doc = read_document(f); t["read"] += clock() - c
        c = clock(); norm = normalize_document(doc); text = norm.text; t["normalize"] += clock() - c
        c = clock()
        title = find_title(text)[0]
        evidence = report_evidence(text, title)
        assert evidence.is_report, f
        year = report_year(text, title)
        template = detect_template(text, year)
        t["meta+segment"] += clock() - c
        c = clock(); tables = extract_tables(text, template) if template != "prose" else TableResult()
        t["tables"] += clock() - c
        c = clock()
        issues = list(tables.issues) + check_tables(tables.values, template)
        if template != "prose" and template_by_headers(text, year) is None:
            issues.append(X._tables_absent(template, year))
        t["check_tables"] += clock() - c
        c = clock(); entities = find_entities(text); t["rules"] += clock() - c
        c = clock(); mapped = map_report(text, entities, template, tables); t["map"] += clock() - c
        c = clock(); issues += mapped.issues + merge(tables, mapped, text); t["merge"] += clock() - c
        c = clock()
        report = X.extract_document(doc, None)   # the real report (stages above again), for validate and json
        t["_again"] += clock() - c
        c = clock(); errors = schema_errors(report); t["validate"] += clock() - c
        assert not errors, (f, errors[:1])
        c = clock(); json.dumps(report, ensure_ascii=False); t["json"] += clock() - c
    t["total"] = clock() - start - t.pop("_again")   # the stages, plus the report's assembly
    return t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(corpus_dir()))
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--profile", type=int, default=0)
    args = ap.parse_args(argv)
    files = sorted(Path(args.corpus).glob("*.txt"))
    one_pass(files)                                   # warm-up: imports, compiled regexes, caches of code
    best: dict[str, float] = {}
    for _ in range(args.repeat):
        for k, v in one_pass(files).items():
            best[k] = min(best.get(k, v), v)
    n = len(files)
    print(f"{n} reports, best of {args.repeat} passes, CPU ms per report")
    print("| stage | CPU ms / report |\n|---|---:|")
    for k in (*STAGES, "total"):
        if k in best:
            print(f"| {k} | {1000 * best[k] / n:.2f} |")
    print(f"rules-only throughput (stages as in extract_file): {n / best['total']:.1f} reports per CPU-second")
    if args.profile:
        import cProfile
        import pstats

        from ie.extract import extract_file
        prof = cProfile.Profile()
        prof.enable()
        for f in files:
            extract_file(f, use_model=False)
        prof.disable()
        pstats.Stats(prof).sort_stats("cumulative").print_stats(args.profile)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The table stage on tables of bodies it was not written on, printed in every layout it claims to read.

    python benchmarks/layout_stress.py [--json OUT.json]

The truth: the Tables 2–4 that `ie.tables` reads from each report of ../shared/corpus/unlabeled where Tables 3 and
4 come out complete and pass every identity (values the report prints, confirmed by its own arithmetic). Each
is printed again in every layout of `ie.tables.render` — one row per line, one cell per line with runs of equal
cells printed once, one cell per line with blank cells dropped (Table 3 zeros left blank, totals kept), pipe rows
with those blanks, labels in one block and numbers in the next, every row's digits run together — and read back.
Per layout: cells read exactly, left null (always with an issue), and wrong (a number that is not the truth).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ie.normalize import normalize
from ie.paths import corpus_dir
from ie.read import read_document
from ie.segment import detect_template
from ie.tables import extract_tables
from ie.tables.render import LAYOUTS, grid, render
from ie.validate import check_tables

sys.path.insert(0, str(Path(__file__).parent))
from pool_quality import table3_complete, table4_complete  # noqa: E402


def truths(folder: Path):
    for path in sorted(folder.glob("*.txt")):
        text = normalize(read_document(path).text).text
        template = detect_template(text)
        if template == "prose":
            continue
        values = extract_tables(text, template).values
        if table3_complete(values["applications"], template) and table4_complete(values["review_litigation"]) \
                and not check_tables(values, template):
            yield path.name, template, values


def glued_table2_rows(paths) -> tuple[int, int]:
    """Table 2 rows printed glued whole (one run of digits), and how many print fewer digits than they have
    cells: a site that glues and leaves blanks would show such rows."""
    from ie.tables import read_table2
    from ie.tables.cells import fold
    from ie.tables.fill import splittable
    from ie.tables.layout import find_regions
    rows = short = 0
    for path in paths:
        text = normalize(read_document(path).text).text
        template = detect_template(text)
        region = find_regions(fold(text)).t2 if template != "prose" else None
        if region is None:
            continue
        reading = read_table2(text, fold(text), region, template)
        for key, atoms in reading.atoms.items():
            if len(atoms) == 1 and splittable(atoms):
                rows += 1
                short += len(atoms[0].digits.lstrip("+-").split(".")[0]) < len(reading.cols[key])
    return rows, short


def with_blanks(values: dict, template: str) -> dict:
    """Table 3 zero cells blank (None), totals kept: what a report that leaves zeros empty prints."""
    out = json.loads(json.dumps(values))
    for row, cols in out["applications"].items():
        for c, v in cols.items():
            if v == 0 and c != "total":
                cols[c] = None
    return out


def score(truth: dict, template: str, text: str) -> tuple[int, int, int]:
    got = extract_tables(text, template).values
    ok = null = wrong = 0
    for _, _, cells in grid(truth, template):
        for path, want in cells:
            sec, row, col = path.split(".")
            v = ((got.get(sec) or {}).get(row) or {}).get(col)
            if v is None and want is not None:
                null += 1
            elif (v is None) == (want is None) and (v is None or abs(v - want) < 1e-6):
                ok += 1
            else:
                wrong += 1
    return ok, null, wrong


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pool", type=Path, default=None)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    totals = {lay: [0, 0, 0] for lay in LAYOUTS}
    wrong_at: dict[str, list[str]] = {lay: [] for lay in LAYOUTS}
    n = 0
    for name, template, values in truths(args.pool or corpus_dir() / "unlabeled"):
        n += 1
        for lay in LAYOUTS:
            truth = with_blanks(values, template) if lay in ("dropped", "pipes") else values
            ok, null, wrong = score(truth, template, render(truth, template, lay))
            t = totals[lay]
            t[0], t[1], t[2] = t[0] + ok, t[1] + null, t[2] + wrong
            if wrong:
                wrong_at[lay].append(name)
    print(f"{n} pool reports with complete, consistent Tables 3 and 4, re-printed in each layout:\n")
    print("| layout | cells | read exactly | null (with an issue) | wrong |")
    print("|---|---|---|---|---|")
    for lay, (ok, null, wrong) in totals.items():
        cells = ok + null + wrong
        print(f"| {lay} | {cells} | {ok} ({100 * ok / cells:.1f}%) | {null} | {wrong} |")
    for lay, names in wrong_at.items():
        if names:
            print(f"wrong cells under {lay}: {', '.join(names)}", file=sys.stderr)
    root = corpus_dir()
    glued, short = glued_table2_rows(sorted(root.glob("*.txt")) + sorted((root / "unlabeled").glob("*.txt")))
    print(f"\nTable 2 rows glued whole in corpus and pool: {glued}; printing fewer digits than cells: {short}")
    if args.json:
        args.json.write_text(json.dumps({"reports": n, "layouts": totals, "wrong_in": wrong_at,
                                         "glued_table2_rows": glued, "glued_short": short}, indent=1) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Weak role labels (ie.weak): their precision and recall against the hand-made roles, and what the pool adds.

    python scripts/weak_labels.py                  # measure on the corpus, label the pool, write everything
    python scripts/weak_labels.py --no-write       # measure only (no annotations/weak/, no results file)

1. Corpus (47 reports, hand-made roles in annotations/corpus/): the weak labeller runs on each report's text with
   the rule spans (as it would on an unlabeled report, template detected) and is compared with the hand roles on
   (start, end, role): precision, recall, and recall over the hand roles of reports whose tables state that role
   (the labels it could find at all). A weak label that is wrong is listed by name.
2. Pool (../shared/corpus/unlabeled): weak labels per role; one Label Studio JSON per report with at least one
   label under annotations/weak/<stem>.json — every rule span (generic label) plus the weak roles as per-region
   choices; `data.roles_from_tables` lists the roles the report's tables state, so a trainer knows for which roles
   a span without a label is a negative (for other roles the report could not be weakly labeled at all).
3. Pool precision by reading: annotations/weak_review.yaml holds a reader's verdict (ok / wrong, with a reason) on
   each pool label; the labels read, found wrong, and not yet read are counted (a label the labeller no longer
   gives is reported as stale).
4. benchmarks/results/weak_labels.json holds the figures; the Markdown tables are printed.
"""
from __future__ import annotations

import argparse
import json
import sys

import yaml
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ie.convert import TEXT_FROM_NAME, TEXT_TO_NAME, load_tasks, role_result, task_spans  # noqa: E402
from ie.labels import ROLES  # noqa: E402
from ie.meta import find_title, report_year  # noqa: E402
from ie.models import Entity  # noqa: E402
from ie.normalize import normalize  # noqa: E402
from ie.paths import ANNOTATIONS_DIR, REPO_DIR, corpus_dir  # noqa: E402
from ie.read import read_document  # noqa: E402
from ie.rules import find_entities  # noqa: E402
from ie.segment import detect_template  # noqa: E402
from ie.numbers import parse_money, parse_number  # noqa: E402
from ie.weak import TableValue, WeakLabel, label, table_values  # noqa: E402

WEAK_DIR = ANNOTATIONS_DIR / "weak"
REVIEW = ANNOTATIONS_DIR / "weak_review.yaml"
RESULTS = REPO_DIR / "benchmarks" / "results" / "weak_labels.json"


def run(text: str) -> tuple[list[Entity], list[WeakLabel], list[TableValue], str]:
    """Rule spans, weak labels, the tables' values, and the template, for one normalized text."""
    template = detect_template(text, report_year(text, find_title(text)[0]))
    spans = find_entities(text)
    values, regions = table_values(text, template)
    return spans, label(text, spans, values, regions), values, template


def _hand_value(s: Entity):
    n = parse_money(s.text, "元") if s.label == "MONEY" else parse_number(s.text)
    return None if n is None else n.value


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def measure(corpus: Path) -> dict:
    per = {r: Counter() for r in ROLES}
    wrong = []
    for task in load_tasks(corpus):
        text, doc = task["data"]["text"], task["data"]["doc_id"]
        hand_spans = [s for s in task_spans(task) if s.role]
        hand = {(s.start, s.end, s.role) for s in hand_spans}
        _, weak, values, _ = run(text)
        stated = {v.role for v in values}
        got = {(w.span.start, w.span.end, w.span.role) for w in weak}
        for w in weak:
            if (w.span.start, w.span.end, w.span.role) not in hand:
                wrong.append(f"{doc} {w.span.start}-{w.span.end} {w.span.text!r} as {w.span.role} "
                             f"({w.table.source} = {w.table.value}, cue {w.cue})")
        for s in hand_spans:
            per[s.role]["hand"] += 1
            per[s.role]["hand_table"] += s.role in stated
            per[s.role]["hand_same"] += any(v.role == s.role and v.value == _hand_value(s) for v in values)
        for s, e, r in got:
            per[r]["weak"] += 1
            per[r]["tp"] += (s, e, r) in hand
    rows = {}
    for r, c in per.items():
        rows[r] = {"hand": c["hand"], "weak": c["weak"], "correct": c["tp"], "precision": _ratio(c["tp"], c["weak"]),
                   "recall": _ratio(c["tp"], c["hand"]), "hand_where_tables_state_it": c["hand_table"],
                   "recall_where_tables_state_it": _ratio(c["tp"], c["hand_table"]),
                   "hand_where_a_table_states_the_same_value": c["hand_same"],
                   "recall_where_a_table_states_the_same_value": _ratio(c["tp"], c["hand_same"])}
    tot = sum((per[r] for r in ROLES), Counter())
    rows["all"] = {"hand": tot["hand"], "weak": tot["weak"], "correct": tot["tp"],
                   "precision": _ratio(tot["tp"], tot["weak"]), "recall": _ratio(tot["tp"], tot["hand"]),
                   "hand_where_tables_state_it": tot["hand_table"],
                   "recall_where_tables_state_it": _ratio(tot["tp"], tot["hand_table"]),
                   "hand_where_a_table_states_the_same_value": tot["hand_same"],
                   "recall_where_a_table_states_the_same_value": _ratio(tot["tp"], tot["hand_same"])}
    return {"reports": len(load_tasks(corpus)), "per_role": rows, "wrong": wrong}


def task_json(task_id: int, doc_id: str, text: str, spans: list[Entity], weak: list[WeakLabel],
              stated: set[str], template: str) -> list[dict]:
    """One Label Studio task: every rule span, and each weak label's role as a choice on its span's region."""
    roles = {(w.span.start, w.span.end): w for w in weak}
    result = []
    for i, s in enumerate(spans):
        rid = f"{doc_id}-{i}"
        result.append({"id": rid, "from_name": TEXT_FROM_NAME, "to_name": TEXT_TO_NAME, "type": "labels",
                       "origin": "prediction", "value": {"start": s.start, "end": s.end, "text": s.text,
                                                         "labels": [s.label]}})
        w = roles.get((s.start, s.end))
        if w is not None:
            result.append(role_result(rid, w.span))
    provenance = [{"start": w.span.start, "end": w.span.end, "text": w.span.text, "role": w.span.role,
                   "table": w.table.source, "value": w.table.value, "cue": w.cue} for w in weak]
    return [{"id": task_id,
             "data": {"text": text, "doc_id": doc_id, "source": f"unlabeled/{doc_id}.txt", "template": template,
                      "weak": provenance, "roles_from_tables": sorted(stated)},
             "annotations": [{"id": task_id, "completed_by": None, "ground_truth": False, "was_cancelled": False,
                              "result": result}],
             "predictions": []}]


def pool(pool_dir: Path, write: bool) -> dict:
    files = sorted(p for p in pool_dir.glob("*.txt") if not p.name.upper().startswith("README"))
    per, docs, stated_docs, failed, written = Counter(), Counter(), Counter(), [], []
    given: set[tuple[str, int, int, str]] = set()
    if write:
        WEAK_DIR.mkdir(parents=True, exist_ok=True)
        for old in WEAK_DIR.glob("*.json"):
            old.unlink()                  # derived files only: rebuilt from the pool every run
    for i, path in enumerate(files, 1):
        try:
            text = normalize(read_document(path).text).text
            spans, weak, values, template = run(text)
            stated = {v.role for v in values}
        except Exception as exc:          # one bad report must not stop the batch
            failed.append(f"{path.name}: {type(exc).__name__}: {exc}")
            continue
        for r in stated:
            stated_docs[r] += 1
        for w in weak:
            per[w.span.role] += 1
            given.add((path.stem, w.span.start, w.span.end, w.span.role))
        for r in {w.span.role for w in weak}:
            docs[r] += 1
        if write and weak:
            out = WEAK_DIR / f"{path.stem}.json"
            out.write_text(json.dumps(task_json(i, path.stem, text, spans, weak, stated, template),
                                      ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            written.append(path.stem)
    rows = {r: {"labels": per[r], "reports": docs[r], "reports_whose_tables_state_it": stated_docs[r]}
            for r in ROLES}
    rows["all"] = {"labels": sum(per.values()), "reports": len(written) if write else None,
                   "reports_whose_tables_state_it": None}
    return {"pool_reports": len(files), "failed": failed, "per_role": rows, "files_written": len(written),
            "read": read_check(given)}


def read_check(given: set[tuple[str, int, int, str]]) -> dict:
    """The reader's verdicts (annotations/weak_review.yaml) on the labels given now."""
    items = (yaml.safe_load(REVIEW.read_text(encoding="utf-8")) or {}).get("labels", []) if REVIEW.exists() else []
    verdicts = {(i["doc"], int(i["start"]), int(i["end"]), i["role"]): i for i in items}
    read = [verdicts[k] for k in sorted(given) if k in verdicts]
    wrong = [f"{i['doc']} {i['start']}-{i['end']} {i['text']!r} as {i['role']}: {i.get('reason', '')}"
             for i in read if i["verdict"] != "ok"]
    return {"labels": len(given), "read": len(read), "wrong": len(wrong),
            "precision": _ratio(len(read) - len(wrong), len(read)), "unread": len(given) - len(read),
            "stale_verdicts": len(set(verdicts) - given), "wrong_labels": wrong}


def _fmt(x) -> str:
    return "–" if x is None else (f"{x:.1%}" if isinstance(x, float) else str(x))


def print_tables(res: dict) -> None:
    c = res["corpus"]
    print(f"Corpus ({c['reports']} reports): weak labels vs hand-made roles\n")
    print("| role | hand | weak | correct | precision | recall | recall where the tables state the role | "
          "recall where a table states the same value |")
    print("|---|---|---|---|---|---|---|---|")
    for r, row in c["per_role"].items():
        print(f"| {r} | {row['hand']} | {row['weak']} | {row['correct']} | {_fmt(row['precision'])} | "
              f"{_fmt(row['recall'])} | {_fmt(row['recall_where_tables_state_it'])} "
              f"({row['correct']}/{row['hand_where_tables_state_it']}) | "
              f"{_fmt(row['recall_where_a_table_states_the_same_value'])} "
              f"({row['correct']}/{row['hand_where_a_table_states_the_same_value']}) |")
    for w in c["wrong"]:
        print(f"- wrong: {w}")
    p = res["pool"]
    print(f"\nPool ({p['pool_reports']} reports, {len(p['failed'])} failed): weak labels added\n")
    print("| role | labels | reports | reports whose tables state it |\n|---|---|---|---|")
    for r, row in p["per_role"].items():
        print(f"| {r} | {row['labels']} | {_fmt(row['reports'])} | {_fmt(row['reports_whose_tables_state_it'])} |")
    for f in p["failed"]:
        print(f"- failed: {f}")
    r = p["read"]
    print(f"\nPool labels read (annotations/weak_review.yaml): {r['read']} of {r['labels']}, wrong {r['wrong']}, "
          f"precision {_fmt(r['precision'])}; unread {r['unread']}, stale verdicts {r['stale_verdicts']}")
    for w in r["wrong_labels"]:
        print(f"- wrong: {w}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(ANNOTATIONS_DIR / "corpus"), help="hand-annotated Label Studio JSON")
    ap.add_argument("--pool", default=str(corpus_dir() / "unlabeled"), help="folder of unlabeled .txt reports")
    ap.add_argument("--no-write", action="store_true", help="measure only: write no files")
    args = ap.parse_args(argv)
    pool_dir = Path(args.pool)
    if not pool_dir.is_dir():
        print(f"{pool_dir}: no such folder (the unlabeled pool)", file=sys.stderr)
        return 2
    res = {"corpus": measure(Path(args.corpus)), "pool": pool(pool_dir, not args.no_write)}
    print_tables(res)
    if not args.no_write:
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(res, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

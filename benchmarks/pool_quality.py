"""Label-free quality signal on the unlabeled pool: do the extracted tables hold together?

    python benchmarks/pool_quality.py                      # extract ../shared/corpus/unlabeled (rules only)
    python benchmarks/pool_quality.py --pred DIR           # score saved `ie extract` JSON outputs instead
    python benchmarks/pool_quality.py --model              # with the default tagger as well
    python benchmarks/pool_quality.py --json OUT.json      # also write the figures

For every report of a table template (gov2019 / gov2021) it asks: is Table 3 complete (every row the template
prints, every one of its 7 columns a number) and Table 4 complete (15 numbers), and does every identity hold
(no table3_* / table4_* issue)? That share is the signal: no gold is needed, and a wrong placement almost never
passes every identity. It also counts, over all reports, how many carry each issue code, and how many failed.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from ie.paths import corpus_dir

T3_CORE = ["new_received", "carried_over", "granted", "partially_granted",
           "denied_state_secret", "denied_prohibited", "denied_security_stability", "denied_third_party",
           "denied_internal_affairs", "denied_process_info", "denied_enforcement_file", "denied_query",
           "unavailable_not_held", "unavailable_needs_creation", "unavailable_unclear",
           "rejected_petition", "rejected_duplicate", "rejected_publication", "rejected_excessive",
           "rejected_reconfirm", "results_total", "carried_forward"]
T3_COLS = ["natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org", "total"]
T4_BLOCKS = ["review", "litigation_direct", "litigation_after_review"]
T4_COLS = ["upheld", "corrected", "other", "pending", "total"]
IDENTITY_CODES = ("table3_", "table4_")


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def table3_complete(apps: dict, template: str) -> bool:
    rows = list(T3_CORE)
    if template == "gov2021" and "other" not in apps:
        rows += ["other_no_correction", "other_unpaid_fee", "other_misc"]
    else:
        rows.append("other")
    return all(_is_num((apps.get(r) or {}).get(c)) for r in rows for c in T3_COLS)


def table4_complete(rl: dict) -> bool:
    return all(_is_num((rl.get(b) or {}).get(c)) for b in T4_BLOCKS for c in T4_COLS)


def score(reports: dict[str, dict | None]) -> dict:
    """reports: file name → extracted JSON (None when extraction failed)."""
    out = {"reports": len(reports), "failed": 0, "table_reports": 0, "t3_complete": 0, "t4_complete": 0,
           "complete_and_consistent": 0, "issue_codes": Counter(), "templates": Counter()}
    for rep in reports.values():
        if rep is None:
            out["failed"] += 1
            continue
        tpl = rep["meta"].get("template")
        out["templates"][tpl] += 1
        codes = {i["code"] for i in rep.get("issues", [])}
        out["issue_codes"].update(codes)
        if tpl not in ("gov2019", "gov2021"):
            continue
        out["table_reports"] += 1
        c3 = table3_complete(rep.get("applications") or {}, tpl)
        c4 = table4_complete(rep.get("review_litigation") or {})
        out["t3_complete"] += c3
        out["t4_complete"] += c4
        if c3 and c4 and not any(c.startswith(IDENTITY_CODES) for c in codes):
            out["complete_and_consistent"] += 1
    out["issue_codes"] = dict(sorted(out["issue_codes"].items(), key=lambda kv: (-kv[1], kv[0])))
    out["templates"] = dict(out["templates"])
    return out


def extract_all(folder: Path, use_model: bool) -> dict[str, dict | None]:
    from ie.extract import collect_inputs, run_batch
    paths, _ = collect_inputs([str(folder)])
    reports: dict[str, dict | None] = {}
    opts = {"model": "default", "use_model": use_model, "include_text": False}
    for outcome in run_batch(paths, workers=1, opts=opts, progress=True):
        reports[Path(outcome.path).name] = outcome.report if outcome.error is None else None
        if outcome.error is not None:
            print(f"failed: {outcome.path}: {outcome.error}", file=sys.stderr)
    return reports


def load_dir(pred: Path) -> dict[str, dict | None]:
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(pred.glob("*.json"))}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pool", type=Path, default=None, help="default: <corpus>/unlabeled")
    ap.add_argument("--pred", type=Path, default=None, help="score saved outputs instead of extracting")
    ap.add_argument("--model", action="store_true", help="use the default tagger too")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    reports = load_dir(args.pred) if args.pred else extract_all(args.pool or corpus_dir() / "unlabeled", args.model)
    s = score(reports)
    n = s["table_reports"] or 1
    print(f"reports {s['reports']}, failed {s['failed']}, templates {s['templates']}")
    print(f"table reports {s['table_reports']}: Table 3 complete {s['t3_complete']}, Table 4 complete "
          f"{s['t4_complete']}, complete and passing every identity {s['complete_and_consistent']} "
          f"({100 * s['complete_and_consistent'] / n:.1f}%)")
    print("reports with each issue code:")
    for code, k in s["issue_codes"].items():
        print(f"  {code:32s} {k}")
    if args.json:
        args.json.write_text(json.dumps(s, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

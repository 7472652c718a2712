"""`ie evaluate`: compare extraction results with the hand-read gold.

    ie evaluate GOLD_DIR PRED_DIR              # PRED_DIR/<stem>.json as `ie extract -o` writes them
    ie evaluate GOLD_DIR --extract CORPUS_DIR  # extract CORPUS_DIR/<stem>.* first (--no-model: rules only)

Gold: GOLD_DIR/fields/<stem>.json {"meta", "prose", "documents"} and GOLD_DIR/tables/<stem>.json
{"template", "proactive", "applications", "review_litigation", "ambiguous"}. Metrics per group:
- meta: accuracy per field (strings compared with whitespace removed);
- table cells: accuracy over the gold cells; a cell listed in `ambiguous` also counts as correct when the
  prediction is null (the report does not settle it); predicted cells the gold lacks are counted as extra;
- prose: accuracy over the six prose fields in both directions (a gold key absent means the field should be
  absent or null), and precision over the fields the prediction fills;
- documents: precision/recall/F1 of normalized 文号 (micro-averaged over files).
"""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ie.numbers import normalize_doc_no

PROSE_FIELDS = ("proactive_total", "applications_received", "reviews", "lawsuits", "complaints", "fees_yuan")
META_FIELDS = ("title", "issuer", "year", "period_start", "period_end", "published_on", "template")
TABLE_GROUPS = ("proactive", "applications", "review_litigation")
INPUT_SUFFIXES = (".txt", ".md", ".html", ".htm", ".docx", ".pdf")


class EvaluateError(Exception):
    """Bad evaluation input; the message names the file and the problem."""


@dataclass
class Score:
    correct: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.correct += int(ok)
        self.total += 1

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.total if self.total else None

    def __iadd__(self, other: "Score") -> "Score":
        self.correct += other.correct
        self.total += other.total
        return self


@dataclass
class FileResult:
    stem: str
    meta: Score = field(default_factory=Score)
    meta_fields: dict[str, bool] = field(default_factory=dict)
    cells: Score = field(default_factory=Score)
    cells_extra: int = 0
    cells_wrong: int = 0          # a number given where the gold has another (a null is a miss, not wrong)
    prose: Score = field(default_factory=Score)
    prose_predicted: Score = field(default_factory=Score)   # precision: correct among predicted non-null
    doc_tp: int = 0
    doc_fp: int = 0
    doc_fn: int = 0
    wrong: list[tuple[str, object, object]] = field(default_factory=list)
    error: str | None = None


# ------------------------------------------------------------------------------------------ comparisons

def _same(gold, pred) -> bool:
    if gold is None or pred is None:
        return gold is None and pred is None
    if isinstance(gold, bool) or isinstance(pred, bool):
        return gold == pred
    if isinstance(gold, (int, float)) and isinstance(pred, (int, float)):
        return abs(gold - pred) <= 1e-6 * max(1.0, abs(gold))
    if isinstance(gold, str) and isinstance(pred, str):
        return "".join(gold.split()) == "".join(pred.split())
    return gold == pred


def flatten(obj, prefix: str = "") -> dict[str, object]:
    """{'applications': {'granted': {'total': 3}}} → {'applications.granted.total': 3} (leaves only)."""
    out = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.update(flatten(v, f"{prefix}.{k}" if prefix else k))
    else:
        out[prefix] = obj
    return out


def prf(tp: int, fp: int, fn: int) -> tuple[float | None, float | None, float | None]:
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else None
    if p is None and r is None:
        return None, None, None
    if not (p or 0) and not (r or 0):
        return p, r, 0.0
    f = 2 * (p or 0) * (r or 0) / ((p or 0) + (r or 0)) if (p or 0) + (r or 0) else 0.0
    return p, r, f


def compare_meta(gold: dict, pred: dict, res: FileResult) -> None:
    pm = pred.get("meta") or {}
    for k in META_FIELDS:
        if k not in gold:
            continue
        ok = _same(gold[k], pm.get(k))
        res.meta.add(ok)
        res.meta_fields[k] = ok
        if not ok:
            res.wrong.append((f"meta.{k}", gold[k], pm.get(k)))


def compare_prose(gold: dict, pred: dict, res: FileResult) -> None:
    pp = pred.get("prose") or {}
    for k in PROSE_FIELDS:
        g, p = gold.get(k), pp.get(k)
        ok = _same(g, p)
        res.prose.add(ok)
        if p is not None:
            res.prose_predicted.add(ok)
        if not ok:
            res.wrong.append((f"prose.{k}", g, p))


def compare_documents(gold: list[dict], pred: dict, res: FileResult) -> None:
    g = {normalize_doc_no(d["doc_no"]) for d in gold}
    p = {normalize_doc_no(d["doc_no"]) for d in pred.get("documents") or [] if d.get("doc_no")}
    res.doc_tp += len(g & p)
    res.doc_fp += len(p - g)
    res.doc_fn += len(g - p)
    for d in sorted(g - p):
        res.wrong.append(("documents", d, None))
    for d in sorted(p - g):
        res.wrong.append(("documents", None, d))


def compare_tables(gold: dict, pred: dict, res: FileResult) -> None:
    ambiguous = set((gold.get("ambiguous") or {}).keys())
    gcells = {k: v for grp in TABLE_GROUPS for k, v in flatten(gold.get(grp) or {}, grp).items()}
    pcells = {k: v for grp in TABLE_GROUPS for k, v in flatten(pred.get(grp) or {}, grp).items()}
    for path, g in gcells.items():
        p = pcells.get(path)
        ok = _same(g, p) or (path in ambiguous and p is None)
        res.cells.add(ok)
        if not ok:
            res.wrong.append((path, g, p))
            if p is not None:
                res.cells_wrong += 1
    res.cells_extra += sum(1 for k, v in pcells.items() if k not in gcells and k not in ambiguous and v is not None)


def compare_file(stem: str, gold_fields: dict | None, gold_tables: dict | None, pred: dict | None,
                 error: str | None = None) -> FileResult:
    res = FileResult(stem, error=error)
    pred = pred or {}
    if gold_fields is not None:
        compare_meta(gold_fields.get("meta") or {}, pred, res)
        compare_prose(gold_fields.get("prose") or {}, pred, res)
        compare_documents(gold_fields.get("documents") or [], pred, res)
    if gold_tables is not None:
        compare_tables(gold_tables, pred, res)
    return res


# ------------------------------------------------------------------------------------------ loading

def _load_json(path: Path) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except json.JSONDecodeError as e:
        raise EvaluateError(f"{path}: not valid JSON ({e.msg} at line {e.lineno})") from e
    except OSError as e:
        raise EvaluateError(f"{path}: cannot read ({e.strerror})") from e
    if not isinstance(data, dict):
        raise EvaluateError(f"{path}: expected a JSON object, found {type(data).__name__}")
    return data


def load_gold(gold_dir: Path) -> dict[str, tuple[dict | None, dict | None]]:
    """stem → (fields gold, tables gold)."""
    fields_dir, tables_dir = gold_dir / "fields", gold_dir / "tables"
    if not fields_dir.is_dir() and not tables_dir.is_dir():
        raise EvaluateError(f"{gold_dir}: no fields/ or tables/ folder of gold JSON")
    stems = sorted({p.stem for d in (fields_dir, tables_dir) if d.is_dir() for p in d.glob("*.json")})
    if not stems:
        raise EvaluateError(f"{gold_dir}: fields/ and tables/ hold no .json gold")
    out = {}
    for s in stems:
        f, t = fields_dir / f"{s}.json", tables_dir / f"{s}.json"
        out[s] = (_load_json(f) if f.exists() else None, _load_json(t) if t.exists() else None)
    return out


def find_input(corpus_dir: Path, stem: str) -> Path | None:
    for suf in INPUT_SUFFIXES:
        p = corpus_dir / f"{stem}{suf}"
        if p.exists():
            return p
    return None


def evaluate(gold: dict[str, tuple[dict | None, dict | None]], predict) -> list[FileResult]:
    """`predict(stem) -> (pred dict | None, error | None)`; one FileResult per gold stem."""
    results = []
    for stem, (gf, gt) in gold.items():
        pred, err = predict(stem)
        results.append(compare_file(stem, gf, gt, pred, err))
    return results


def predict_from_dir(pred_dir: Path):
    def predict(stem: str):
        p = pred_dir / f"{stem}.json"
        if not p.exists():
            return None, f"{p}: no prediction"
        return _load_json(p), None
    return predict


def predict_by_extracting(corpus_dir: Path, use_model: bool, model: str | None):
    from ie.extract import extract_file  # lazily: the pipeline pulls in the tagger

    def predict(stem: str):
        path = find_input(corpus_dir, stem)
        if path is None:
            return None, f"{corpus_dir}/{stem}.*: no input file"
        try:
            kwargs = {"use_model": use_model}
            if model is not None:
                kwargs["model"] = model
            return extract_file(path, **kwargs), None
        except Exception as e:  # a failed extraction scores as empty, and is shown
            return None, f"{path}: {e}"
    return predict


# ------------------------------------------------------------------------------------------ summary

def totals(results: list[FileResult]) -> dict:
    meta, cells, prose, prose_p = Score(), Score(), Score(), Score()
    per_meta: dict[str, Score] = {k: Score() for k in META_FIELDS}
    tp = fp = fn = extra = wrong = 0
    for r in results:
        meta += r.meta
        cells += r.cells
        prose += r.prose
        prose_p += r.prose_predicted
        for k, ok in r.meta_fields.items():
            per_meta[k].add(ok)
        tp, fp, fn, extra = tp + r.doc_tp, fp + r.doc_fp, fn + r.doc_fn, extra + r.cells_extra
        wrong += r.cells_wrong
    p, rc, f = prf(tp, fp, fn)
    return {
        "files": len(results),
        "meta_accuracy": meta.accuracy, "meta_correct": meta.correct, "meta_total": meta.total,
        "meta_fields": {k: s.accuracy for k, s in per_meta.items() if s.total},
        "cells_accuracy": cells.accuracy, "cells_correct": cells.correct, "cells_total": cells.total,
        "cells_extra": extra, "cells_wrong": wrong,
        "prose_accuracy": prose.accuracy, "prose_correct": prose.correct, "prose_total": prose.total,
        "prose_precision": prose_p.accuracy,
        "documents_precision": p, "documents_recall": rc, "documents_f1": f,
        "documents_tp": tp, "documents_fp": fp, "documents_fn": fn,
    }


def file_json(r: FileResult) -> dict:
    p, rc, f = prf(r.doc_tp, r.doc_fp, r.doc_fn)
    return {
        "meta_accuracy": r.meta.accuracy, "cells_accuracy": r.cells.accuracy, "cells_extra": r.cells_extra,
        "prose_accuracy": r.prose.accuracy, "prose_precision": r.prose_predicted.accuracy,
        "documents_precision": p, "documents_recall": rc, "documents_f1": f,
        "error": r.error,
        "wrong": [{"path": path, "gold": g, "predicted": pv} for path, g, pv in r.wrong],
    }


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.1f}%"


def _frac(s: Score) -> str:
    return "—" if not s.total else f"{s.correct}/{s.total}"


def format_table(results: list[FileResult], show_wrong: bool = True) -> str:
    rows = [("file", "meta", "cells", "prose", "prose P", "doc P", "doc R", "doc F1")]
    for r in results:
        p, rc, f = prf(r.doc_tp, r.doc_fp, r.doc_fn)
        rows.append((r.stem + (" !" if r.error else ""), _frac(r.meta), _frac(r.cells), _frac(r.prose),
                     _pct(r.prose_predicted.accuracy), _pct(p), _pct(rc), _pct(f)))
    t = totals(results)
    rows.append(("TOTAL", _pct(t["meta_accuracy"]), _pct(t["cells_accuracy"]), _pct(t["prose_accuracy"]),
                 _pct(t["prose_precision"]), _pct(t["documents_precision"]), _pct(t["documents_recall"]),
                 _pct(t["documents_f1"])))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.insert(len(lines) - 1, "  ".join("-" * w for w in widths))
    if t["meta_fields"]:
        lines.append("meta by field: " + ", ".join(f"{k} {_pct(v)}" for k, v in t["meta_fields"].items()))
    if t["cells_extra"]:
        lines.append(f"table cells predicted that the gold does not have: {t['cells_extra']}")
    if show_wrong:
        for r in results:
            if r.error:
                lines.append(f"{r.stem}: ERROR {r.error}")
            for path, g, p in r.wrong:
                lines.append(f"{r.stem}: {path}: gold={g!r} predicted={p!r}")
    return "\n".join(lines)


# ------------------------------------------------------------------------------------------ CLI

def register(sub) -> None:
    p = sub.add_parser("evaluate", help="score extraction results against the gold",
                       description=__doc__.split("\n\n")[0])
    p.add_argument("gold_dir", type=Path, help="folder with fields/ and tables/ gold JSON")
    p.add_argument("pred_dir", type=Path, nargs="?", help="folder of <stem>.json predictions")
    p.add_argument("--extract", type=Path, metavar="CORPUS_DIR", help="extract CORPUS_DIR/<stem>.* instead of reading predictions")
    p.add_argument("--no-model", action="store_true", help="with --extract: rules only, no tagger")
    p.add_argument("--model", default=None, help="with --extract: tagger folder (default: the packaged model)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--quiet", action="store_true", help="table only, without the list of wrong fields")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        if (args.pred_dir is None) == (args.extract is None):
            raise EvaluateError("give either PRED_DIR or --extract CORPUS_DIR (one of them)")
        gold = load_gold(args.gold_dir)
        if args.extract is not None:
            if not args.extract.is_dir():
                raise EvaluateError(f"{args.extract}: not a folder")
            predict = predict_by_extracting(args.extract, not args.no_model, args.model)
        else:
            if not args.pred_dir.is_dir():
                raise EvaluateError(f"{args.pred_dir}: not a folder")
            predict = predict_from_dir(args.pred_dir)
        results = evaluate(gold, predict)
    except EvaluateError as e:
        print(f"ie evaluate: {e}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps({"totals": totals(results), "files": {r.stem: file_json(r) for r in results}},
                         ensure_ascii=False, indent=1))
    else:
        print(format_table(results, show_wrong=not args.quiet))
    return 0

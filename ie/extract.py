"""`ie extract`: the whole pipeline for one report, and the batch command around it.

read → normalize → segment → tables (+ checks) → tag (model, rules) → map → merge → one schema-valid dict.
"""
from __future__ import annotations

import argparse
import glob
import sys
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ie import SCHEMA_VERSION
from ie.models import Document, Issue, ReadError, TableResult
from ie.paths import DEFAULT_MODEL_DIR
from ie.tag import available_cores

SUPPORTED_SUFFIXES = {".txt": "txt", ".md": "md", ".html": "html", ".htm": "html", ".docx": "docx", ".pdf": "pdf"}


class ExtractError(Exception):
    """A report that could not be extracted; the message names the file and the problem."""


class NotAReportError(ExtractError):
    """The input is not an annual disclosure report (a notice, a README): extracting it would only make a
    record full of nulls that a dataset would take for a report."""

    def __init__(self, path: str, why: str):
        super().__init__(f"not an annual report: {path}: {why}")


# ---------------------------------------------------------------- model loading

@lru_cache(maxsize=4)
def load_tagger(model: str | None, num_threads: int | None = None):
    """The tagger for `model` ('default', a save_pretrained dir, or a hub name); None when there is none.

    'default' quietly falls back to rules when no default model is installed: extraction must work on a
    fresh checkout before anyone trained a model. Loaded on the first report that needs it (ONNX Runtime, or
    torch where the folder has no current model.onnx, is imported then, not before); `num_threads`: inference
    threads (default: the available cores).
    """
    if model is None:
        return None
    if model == "default":
        if not (DEFAULT_MODEL_DIR / "config.json").exists():
            return None
        model = str(DEFAULT_MODEL_DIR)
    from ie.tag.infer import Tagger

    return Tagger.from_pretrained(model, num_threads=num_threads)


def threads_per_worker(workers: int) -> int:
    """Inference threads (ONNX Runtime or torch) for each of `workers` processes: the cores shared out, so that
    two workers with two threads each do not fight over two cores (which made --workers 2 slower than one
    worker); at most 8 (more stop paying for a small model, as in ie.tag.infer.sensible_threads)."""
    return max(1, min(8, available_cores() // max(1, workers)))


# Reports a worker should get before a process of its own pays: each worker starts in ~1 s (imports, model
# load; the workers start side by side), and on 2 cores two one-thread workers extract 10.2–10.6 reports/s where
# one two-thread process does 7.1–9.5 (benchmarks/results/speed_bench.md, the batch command's steady state).
REPORTS_PER_WORKER = 4


def auto_workers(n_reports: int) -> int:
    """`--workers`' default: a process per core (at most 8) for a batch big enough, one for a few reports."""
    return max(1, min(8, available_cores(), n_reports // REPORTS_PER_WORKER))


@lru_cache(maxsize=4)
def load_roles(model: str | None, num_threads: int | None = None):
    """The role model inside a model directory (its `roles/` subfolder), or None when it has none: then the
    prose fields come from the cue rules alone. `num_threads` as for load_tagger."""
    if model is None:
        return None
    path = DEFAULT_MODEL_DIR if model == "default" else Path(model)
    from ie.tag.roles import ROLES_DIR, ROLES_FILE

    if not (path / ROLES_DIR / ROLES_FILE).exists():
        return None
    from ie.tag.roles import RolePredictor

    return RolePredictor.from_pretrained(path / ROLES_DIR, num_threads=num_threads)


# ---------------------------------------------------------------- one report

def extract_document(doc: Document, tagger=None, include_text: bool = True, force: bool = False,
                     roles=None) -> dict:
    """One report → a schema dict. Raises NotAReportError for a text that is no annual report, unless
    `force`. `roles`: the role model that decides prose fields where it is confident (None: cue rules)."""
    from ie.map import map_report
    from ie.merge import merge
    from ie.meta import find_title, report_year
    from ie.normalize import normalize_document
    from ie.rules import find_entities
    from ie.segment import detect_template, report_evidence, template_by_headers
    from ie.tables import extract_tables
    from ie.validate import check_tables

    norm = normalize_document(doc)
    text = norm.text
    title = find_title(text)[0]
    evidence = report_evidence(text, title)
    if not evidence.is_report and not force:
        raise NotAReportError(doc.path, evidence.why_not())
    year = report_year(text, title)
    template = detect_template(text, year)
    tables = extract_tables(text, template) if template != "prose" else TableResult()
    issues: list[Issue] = list(tables.issues) + check_tables(tables.values, template)
    if template != "prose" and template_by_headers(text, year) is None:
        issues.append(_tables_absent(template, year))

    # the tagger reads the running text; the national tables are the table stage's (ie.tag.infer.Tagger.tag)
    entities = list(tagger.tag(text, skip=tables.regions)) if tagger is not None else []
    entities += find_entities(text)
    mapped = map_report(text, entities, template, tables, roles=roles)
    issues += mapped.issues + merge(tables, mapped, text)

    report: dict = {
        "schema_version": SCHEMA_VERSION,
        "source": {"path": doc.path, "sha256": doc.sha256, "format": doc.format, "encoding": doc.encoding},
        "meta": mapped.meta,
    }
    for key in ("proactive", "applications", "review_litigation"):
        if tables.values.get(key):
            report[key] = tables.values[key]
    report["prose"] = mapped.prose
    report["documents"] = mapped.documents
    report["dates"] = mapped.dates
    report["entities"] = mapped.entities
    report["evidence"] = {path: ev.to_json() for path, ev in {**tables.evidence, **mapped.evidence}.items()}
    report["issues"] = [i.to_json() for i in _dedupe(issues)]
    if include_text:
        report["text"] = text
    return report


def _tables_absent(template: str, year: int | None) -> Issue:
    """A report of the table era that prints none of the national tables: its template comes from its year."""
    return Issue("tables_absent", "warning",
                 f"report for {year}: the {template} format applies, but the text prints none of the national "
                 f"tables (no Table 2/3 headers); table fields are left out",
                 ["meta.template"])


def _dedupe(issues: list[Issue]) -> list[Issue]:
    """The same finding reached by two stages is reported once."""
    seen, out = set(), []
    for i in issues:
        if (i.code, i.message) not in seen:
            seen.add((i.code, i.message))
            out.append(i)
    return out


def extract_file(path: str | Path, model: str | None = "default", use_model: bool = True,
                 include_text: bool = True, force: bool = False, num_threads: int | None = None) -> dict:
    """Extract one report file into a dict that validates against report.schema.json.

    Raises ReadError (unreadable input), NotAReportError (not an annual report; `force` extracts it anyway) or
    ExtractError (a bug on our side, e.g. output not schema-valid), all naming the file.
    """
    from ie.read import read_document
    from ie.schema import schema_errors

    doc = read_document(path)
    tagger = load_tagger(model, num_threads) if use_model else None
    roles = load_roles(model, num_threads) if use_model else None
    report = extract_document(doc, tagger, include_text=include_text, force=force, roles=roles)
    errors = schema_errors(report)
    if errors:
        raise ExtractError(f"{path}: output does not validate against the schema: {errors[0]}"
                           + (f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""))
    return report


# ---------------------------------------------------------------- inputs and outputs

def collect_inputs(args: list[str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Files named, found under folders (recursively, supported suffixes only) or matched by globs.

    Returns (inputs, problems); a name that matches nothing is a problem, not a crash.
    """
    found: list[Path] = []
    problems: list[tuple[str, str]] = []
    for arg in args:
        p = Path(arg)
        if p.is_dir():
            found += sorted(f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES)
        elif p.is_file():
            found.append(p)
        else:
            matches = sorted(Path(m) for m in glob.glob(arg, recursive=True) if Path(m).is_file())
            if matches:
                found += matches
            else:
                problems.append((arg, "no such file, folder or matching glob"))
    unique, seen = [], set()
    for f in found:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, problems


@dataclass
class Outcome:
    path: Path
    report: dict | None = None
    error: str | None = None


@dataclass
class Summary:
    done: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    with_issues: int = 0

    def line(self) -> str:
        return f"done {self.done}, failed {len(self.failed)}, with issues {self.with_issues}"


_WORKER_OPTS: dict = {}


def _init_worker(opts: dict) -> None:
    _WORKER_OPTS.clear()
    _WORKER_OPTS.update(opts)


def _extract_one(path: str) -> Outcome:
    opts = _WORKER_OPTS
    try:
        use_model = opts.get("use_model", True)
        threads = threads_per_worker(opts.get("workers", 1)) if use_model else None
        report = extract_file(path, model=opts.get("model"), use_model=use_model, num_threads=threads,
                              include_text=opts.get("include_text", True), force=opts.get("force", False))
        return Outcome(Path(path), report=report)
    except (ReadError, ExtractError) as exc:
        return Outcome(Path(path), error=str(exc))
    except Exception as exc:  # a bug must not stop the batch; say where it happened
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        return Outcome(Path(path), error=f"{path}: internal error {type(exc).__name__}: {exc} "
                                         f"(at {Path(tb.filename).name}:{tb.lineno})")


def run_batch(paths: list[Path], workers: int, opts: dict, progress: bool = True):
    """Yield Outcomes as files finish; a failing file never stops the others."""
    from tqdm import tqdm

    bar = tqdm(total=len(paths), unit="report", disable=not progress, file=sys.stderr)
    try:
        if workers <= 1:
            _init_worker(opts)
            for p in paths:
                bar.set_postfix_str(p.name, refresh=False)
                yield _extract_one(str(p))
                bar.update()
        else:
            with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker,
                                     initargs=({**opts, "workers": workers},)) as pool:
                # results in input order (reports.jsonl and reports.csv rows the same every run); the workers
                # run ahead of a slow report meanwhile
                for outcome in pool.map(_extract_one, [str(p) for p in paths]):
                    yield outcome
                    bar.update()
    finally:
        bar.close()


# ---------------------------------------------------------------- CLI

def register(sub) -> None:
    p = sub.add_parser("extract", help="extract reports into schema JSON",
                       description="Extract 政府信息公开工作年度报告 files (txt, md, html, docx, pdf) into JSON that "
                                   "validates against the report schema.")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, folders (searched recursively) or globs")
    p.add_argument("-o", "--out", metavar="OUT_DIR", help="output folder (default: standard output)")
    p.add_argument("--format", choices=("json", "jsonl", "csv", "parquet"), default="json",
                   help="json: OUT_DIR/<stem>.json per input; jsonl: one line per report; csv, parquet: one row per "
                        "report plus OUT_DIR/issues.csv|parquet, one row per issue. With -o, OUT_DIR/crossyear.json "
                        "holds the checks across consecutive years of one issuer")
    p.add_argument("--workers", type=int, default=None,
                   help=f"processes extracting in parallel, each with cores / N inference threads (default: one "
                        f"per core, at most 8, when the batch has {REPORTS_PER_WORKER} reports a worker; else 1)")
    p.add_argument("--model", default="default",
                   help="tagger: 'default' (shipped model), a save_pretrained folder or a hub name")
    p.add_argument("--no-model", action="store_true", help="rules only: do not run the tagger")
    p.add_argument("--no-text", action="store_true", help="leave the normalized text out of the output")
    p.add_argument("--force", action="store_true",
                   help="extract files that do not look like an annual report too (by default they fail)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _record(outcome: Outcome, writer, summary: Summary) -> None:
    """Write one finished report, or count its failure; a file that cannot be written fails alone."""
    error = outcome.error
    if error is None:
        try:
            writer.write(outcome.path, outcome.report)
        except OSError as exc:  # includes OverwriteError
            error = str(exc)
    if error is not None:
        summary.failed.append((str(outcome.path), error))
        print(f"error: {error}", file=sys.stderr)
        return
    summary.done += 1
    if outcome.report["issues"]:
        summary.with_issues += 1


def run(args: argparse.Namespace) -> int:
    from ie.export import ReportWriter

    inputs, problems = collect_inputs(args.paths)
    summary = Summary(failed=list(problems))
    for name, why in problems:
        print(f"error: {name}: {why}", file=sys.stderr)
    opts = {"model": args.model, "use_model": not args.no_model, "include_text": not args.no_text,
            "force": args.force}
    try:
        with ReportWriter(args.format, Path(args.out) if args.out else None, inputs) as writer:
            workers = auto_workers(len(inputs)) if args.workers is None else max(1, args.workers)
            for outcome in run_batch(inputs, workers, opts, progress=not args.quiet):
                _record(outcome, writer, summary)
    except OSError as exc:  # the output folder or file itself cannot be used: nothing was written
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(summary.line(), file=sys.stderr)
    if writer.crossyear is not None and writer.crossyear.series:
        # without -o there is no crossyear.json: the findings themselves go to the log
        print(writer.crossyear.summary(details=args.out is None), file=sys.stderr)
    for path, why in summary.failed:
        print(f"  failed: {why}", file=sys.stderr)
    return 1 if summary.failed else 0

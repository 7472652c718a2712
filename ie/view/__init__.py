"""`ie view`: review pages of extracted reports.

`ie view FILE` writes one HTML page: the report's issues on top, the national tables laid out as the report
prints them with every cell coloured by status (read, placed by the solver, null with an issue, in a failed
check), prose fields, documents and dates, and the text with every piece of evidence; clicking a value scrolls the
text to its evidence. `ie view DIR` writes one page per report plus index.html. Input is a report file (extracted
first), an `ie extract` JSON output, a reports.jsonl, or a folder of either.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from dataclasses import dataclass
from typing import Callable, Iterator

from ie.view.page import GENERATOR, render

__all__ = ["render", "register", "run"]

JSON_SUFFIXES = (".json", ".jsonl")


def register(sub) -> None:
    p = sub.add_parser("view", help="HTML review pages of reports (tables by cell status, evidence, issues)")
    p.add_argument("path", help="a report file (extracted first), an `ie extract` JSON/JSONL output, or a folder "
                                "of either (one page per report plus index.html)")
    p.add_argument("-o", "--out", help="the HTML file to write for one report (default: <stem>.html), or the "
                                       "folder for several (default: <folder name>-view/)")
    p.add_argument("--no-model", action="store_true", help="rules only when extracting")
    p.set_defaults(func=run)


def load_json(path: Path) -> dict:
    return checked(json.loads(path.read_text(encoding="utf-8")))


def checked(report) -> dict:
    """An `ie extract` output; a clear error for any other JSON."""
    if not isinstance(report, dict) or "schema_version" not in report:
        raise ValueError("not an `ie extract` output (no schema_version)")
    return report


def load_report(path: Path, use_model: bool) -> dict:
    if path.suffix.lower() == ".json":
        return load_json(path)
    from ie.extract import extract_file

    return extract_file(path, use_model=use_model)


def run(args: argparse.Namespace) -> int:
    src = Path(args.path)
    if src.is_dir() or src.suffix.lower() == ".jsonl":
        return run_many(src, Path(args.out) if args.out else Path(f"{src.stem}-view"), not args.no_model)
    try:
        page = render(load_report(src, not args.no_model))
    except Exception as exc:  # noqa: BLE001 - one clear line for the user
        print(f"error: {src}: {exc}", file=sys.stderr)
        return 1
    out = Path(args.out) if args.out else Path(f"{src.stem}.html")
    if out.resolve() == src.resolve():
        print(f"error: {out}: refusing to overwrite the input", file=sys.stderr)
        return 1
    out.write_text(page, encoding="utf-8")
    print(out)
    return 0


# ---------------------------------------------------------------- several reports

@dataclass
class Item:
    name: str                       # for messages: the file, or `file:line` in a JSONL
    stem: str                       # the page's name
    source: Path                    # the input file (never written over)
    load: Callable[[], dict]


def items(src: Path, use_model: bool) -> Iterator[Item]:
    """Reports under `src` (recursively; a folder's README is no report) or the lines of a reports.jsonl."""
    from ie.extract import SUPPORTED_SUFFIXES

    if src.is_file():
        yield from _jsonl_items(src)
        return
    for f in sorted(src.rglob("*")):
        suffix = f.suffix.lower()
        if not f.is_file() or f.name.upper().startswith("README") or generated(f):
            continue
        if suffix == ".jsonl":
            yield from _jsonl_items(f)
        elif suffix == ".json" or suffix in SUPPORTED_SUFFIXES:
            yield Item(str(f), f.stem, f, lambda f=f: load_report(f, use_model))


def generated(path: Path) -> bool:
    """A page an earlier `ie view` wrote (an output folder inside the input folder is no report)."""
    if path.suffix.lower() not in (".html", ".htm"):
        return False
    with path.open("rb") as fh:
        return GENERATOR.encode() in fh.read(400)


def _jsonl_items(path: Path) -> Iterator[Item]:
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            name = f"{path}:{n}"
            try:
                report = checked(json.loads(line))
                stem = Path((report.get("source") or {}).get("path") or f"line{n}").stem
            except ValueError as exc:
                yield Item(name, f"line{n}", path, lambda exc=exc: _raise(exc))
                continue
            yield Item(name, stem, path, lambda r=report: r)


def _raise(exc: Exception):
    raise exc


def run_many(src: Path, out_dir: Path, use_model: bool) -> int:
    """One page per report plus index.html; a report that fails is named, listed in the index, and the rest go on."""
    from ie.view.index import Entry, render_index

    if not src.exists():
        print(f"error: {src}: no such file or folder", file=sys.stderr)
        return 1
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        print(f"error: {out_dir}: {exc}", file=sys.stderr)
        return 1
    todo = list(items(src, use_model))
    inputs = {item.source.resolve() for item in todo}
    index = out_dir / "index.html"
    if index.resolve() in inputs:
        print(f"error: {index}: refusing to overwrite an input; choose another -o", file=sys.stderr)
        return 1
    entries, failed, used = [], [], set()
    for item in todo:
        name = item.name
        page = _unique([item.stem, item.source.name], used)
        target = out_dir / page
        try:
            if target.resolve() in inputs:
                raise OSError(f"{target}: refusing to overwrite an input")
            report = item.load()
            target.write_text(render(report), encoding="utf-8")
            entries.append(Entry.of(page, report))
        except Exception as exc:  # noqa: BLE001 - a bad report must not stop the others
            msg = str(exc) if str(exc).startswith(name) else f"{name}: {exc}"
            failed.append((name, msg))
            print(f"error: {msg}", file=sys.stderr)
    index.write_text(render_index(entries, failed, f"ie view: {src}"), encoding="utf-8")
    print(f"{len(entries)} pages, failed {len(failed)}: {index}", file=sys.stderr)
    print(index)
    return 1 if failed else 0


_SAFE = re.compile(r"[^\w.-]+")


def _unique(stems: list[str], used: set[str]) -> str:
    """`<stem>.html`; where two reports share a stem, `<file name>.html` (hongze_2023.pdf.html), then `-2`, `-3` …
    (characters other than letters, digits, `.`, `-` and `_` become `_`)."""
    names = [(_SAFE.sub("_", s) or "report") + ".html" for s in stems]
    name = next((x for x in names if x not in used and x != "index.html"), None)
    n = 1
    while name is None or name in used:
        n += 1
        name = f"{names[0].removesuffix('.html')}-{n}.html"
    used.add(name)
    return name

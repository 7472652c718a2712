"""Writing extraction results: one JSON file per report, JSON Lines, or one CSV row per report."""
from __future__ import annotations

import csv
import json
import os
import sys
from pathlib import Path

from ie.schema import field_paths, get_path

META_COLUMNS = ["meta.template", "meta.title", "meta.issuer", "meta.year", "meta.period_start",
                "meta.period_end", "meta.published_on"]
SOURCE_COLUMNS = ["source.path", "source.format", "source.encoding", "source.sha256"]
TAIL_COLUMNS = ["documents", "issues.count", "issues.codes"]


class OverwriteError(OSError):
    """An output path that is one of the run's inputs: nothing a user gave us is written over."""


def output_names(inputs: list[Path]) -> dict[Path, str]:
    """`<stem>.json` per input; inputs sharing a stem (report.txt and report.pdf) get `<stem>.<ext>.json`."""
    stems: dict[str, int] = {}
    for f in inputs:
        stems[f.stem] = stems.get(f.stem, 0) + 1
    names, used = {}, set()
    for f in inputs:
        name = f"{f.stem}.json" if stems[f.stem] == 1 else f"{f.stem}{f.suffix.lower()}.json"
        base, n = name[:-5], 2
        while name in used:  # same stem and suffix in different folders
            name = f"{base}-{n}.json"
            n += 1
        used.add(name)
        names[f] = name
    return names


def refuse_inputs(path: Path, inputs: set[Path]) -> None:
    if path.resolve() in inputs:
        raise OverwriteError(f"{path}: refusing to overwrite an input file")


def write_atomic(path: Path, data: str, inputs: set[Path]) -> None:
    """Write via a temp file and rename; refuse to write over any input of this run."""
    refuse_inputs(path, inputs)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    tmp.write_text(data, encoding="utf-8")
    os.replace(tmp, path)




def csv_columns() -> list[str]:
    """Fixed columns, the same for every report, so files from different runs line up."""
    seen, cols = set(), []
    for path, _templates, _label in field_paths():
        if path not in seen:
            seen.add(path)
            cols.append(path)
    return SOURCE_COLUMNS + META_COLUMNS + cols + TAIL_COLUMNS


def csv_row(report: dict, columns: list[str]) -> dict:
    row = {}
    for col in columns:
        if col == "documents":
            row[col] = ";".join(d["doc_no"] for d in report.get("documents", []))
        elif col == "issues.count":
            row[col] = len(report.get("issues", []))
        elif col == "issues.codes":
            row[col] = ";".join(sorted({i["code"] for i in report.get("issues", [])}))
        else:
            v = get_path(report, col)
            row[col] = "" if v is None else v
    return row


class ReportWriter:
    """Context manager writing reports as they arrive; `inputs` are never written over."""

    def __init__(self, fmt: str, out_dir: Path | None, inputs: list[Path]):
        self.fmt = fmt
        self.out_dir = out_dir
        self.inputs = {p.resolve() for p in inputs}
        self._names = None
        self._fh = None
        self._csv = None
        if fmt == "json":
            self._names = output_names(inputs)

    def __enter__(self):
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        if self.fmt in ("jsonl", "csv"):
            if self.out_dir is None:
                self._fh = sys.stdout
            else:
                target = self.out_dir / ("reports.jsonl" if self.fmt == "jsonl" else "reports.csv")
                refuse_inputs(target, self.inputs)
                self._fh = open(target, "w", encoding="utf-8", newline="")
            if self.fmt == "csv":
                self._columns = csv_columns()
                self._csv = csv.DictWriter(self._fh, fieldnames=self._columns)
                self._csv.writeheader()
        return self

    def write(self, path: Path, report: dict) -> None:
        if self.fmt == "json":
            data = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
            if self.out_dir is None:
                sys.stdout.write(data)
            else:
                write_atomic(self.out_dir / self._names[path], data, self.inputs)
        elif self.fmt == "jsonl":
            self._fh.write(json.dumps(report, ensure_ascii=False) + "\n")
        else:
            self._csv.writerow(csv_row(report, self._columns))
        if self._fh is not None:
            self._fh.flush()

    def __exit__(self, *exc):
        if self._fh is not None and self._fh is not sys.stdout:
            self._fh.close()
        return False

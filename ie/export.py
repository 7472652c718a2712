"""Writing extraction results: one JSON file per report, JSON Lines, or one CSV/Parquet row per report.

A batch also gets the issues table (csv, parquet) and its cross-year checks (`ie.dataset`, `ie.crossyear`)."""
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
CROSSYEAR_FILE = "crossyear.json"  # the batch's cross-year summary, beside the reports


class OverwriteError(OSError):
    """An output path that is one of the run's inputs: nothing a user gave us is written over."""


def output_names(inputs: list[Path]) -> dict[Path, str]:
    """`<stem>.json` per input; inputs sharing a stem (report.txt and report.pdf) get `<stem>.<ext>.json`."""
    stems: dict[str, int] = {}
    for f in inputs:
        stems[f.stem] = stems.get(f.stem, 0) + 1
    names, used = {}, {CROSSYEAR_FILE}  # a report named crossyear.txt must not take the summary's name
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
        self._rows: list[dict] = []          # parquet: the reports table, written at the end
        self._issue_rows: list = []          # csv, parquet: ie.dataset.IssueRow
        self._entries: list = []             # ie.crossyear.Entry per report
        self.crossyear = None                # ie.crossyear.CrossYearResult once the batch is closed

    def __enter__(self):
        if self.fmt == "parquet" and self.out_dir is None:
            raise OSError("--format parquet writes files: give an output folder with -o OUT_DIR")
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            for name in self._batch_files():  # refuse before extracting anything, not after
                refuse_inputs(self.out_dir / name, self.inputs)
        self._columns = csv_columns() if self.fmt in ("csv", "parquet") else None
        if self.fmt in ("jsonl", "csv"):
            if self.out_dir is None:
                self._fh = sys.stdout
            else:
                target = self.out_dir / ("reports.jsonl" if self.fmt == "jsonl" else "reports.csv")
                refuse_inputs(target, self.inputs)
                self._fh = open(target, "w", encoding="utf-8", newline="")
            if self.fmt == "csv":
                self._csv = csv.DictWriter(self._fh, fieldnames=self._columns)
                self._csv.writeheader()
        return self

    def _batch_files(self) -> list[str]:
        """Files written when the batch closes."""
        names = [CROSSYEAR_FILE]
        if self.fmt in ("csv", "parquet"):
            names.append(f"issues.{self.fmt}")
        if self.fmt == "parquet":
            names.append("reports.parquet")
        return names

    def write(self, path: Path, report: dict) -> None:
        from ie.crossyear import Entry
        from ie.dataset import report_issue_rows

        report_id = report["source"]["path"]
        self._entries.append(Entry.from_report(report_id, report))
        if self.fmt in ("csv", "parquet"):
            self._issue_rows += report_issue_rows(report_id, report)
        if self.fmt == "parquet":
            self._rows.append(csv_row(report, self._columns))
            return
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

    def __exit__(self, exc_type, *exc):
        if self._fh is not None and self._fh is not sys.stdout:
            self._fh.close()
        if exc_type is None:
            self._close_batch()
        return False

    def _close_batch(self) -> None:
        """The batch-level outputs: cross-year checks over every report written, the issues table, Parquet."""
        from ie import dataset
        from ie.crossyear import check_batch

        self.crossyear = check_batch(self._entries)
        if self.out_dir is None:
            return
        issue_rows = self._issue_rows + dataset.finding_rows(self.crossyear.findings)
        if self.fmt == "parquet":
            dataset.write_parquet(self.out_dir / "reports.parquet", dataset.reports_table(self._rows, self._columns),
                                  self.inputs)
            dataset.write_parquet(self.out_dir / "issues.parquet", dataset.issues_table(issue_rows), self.inputs)
        elif self.fmt == "csv":
            dataset.write_issues_csv(self.out_dir / "issues.csv", issue_rows, self.inputs)
        dataset.write_crossyear_json(self.out_dir / CROSSYEAR_FILE, self.crossyear, self.inputs)

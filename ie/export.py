"""Writing extraction results: one JSON file per report, JSON Lines, or one CSV row per report."""
from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

from ie.schema import field_paths, get_path

META_COLUMNS = ["meta.template", "meta.title", "meta.issuer", "meta.year", "meta.period_start",
                "meta.period_end", "meta.published_on"]
SOURCE_COLUMNS = ["source.path", "source.format", "source.encoding", "source.sha256"]
TAIL_COLUMNS = ["documents", "issues.count", "issues.codes"]


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
            from ie.extract import output_names

            self._names = output_names(inputs)

    def __enter__(self):
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        if self.fmt in ("jsonl", "csv"):
            if self.out_dir is None:
                self._fh = sys.stdout
            else:
                target = self.out_dir / ("reports.jsonl" if self.fmt == "jsonl" else "reports.csv")
                if target.resolve() in self.inputs:
                    from ie.extract import ExtractError

                    raise ExtractError(f"{target}: refusing to overwrite an input file")
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
                from ie.extract import write_atomic

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


def report_to_csv(reports: list[dict]) -> str:
    buf = io.StringIO()
    cols = csv_columns()
    w = csv.DictWriter(buf, fieldnames=cols)
    w.writeheader()
    for r in reports:
        w.writerow(csv_row(r, cols))
    return buf.getvalue()

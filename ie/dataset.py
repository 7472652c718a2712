"""The dataset side of a batch: the issues table, the reports table as Parquet, the cross-year summary.

`ie extract DIR -o OUT --format csv|parquet` writes `reports.<ext>` (one row per report), `issues.<ext>` (one row
per issue, the cross-year findings included) and, when the batch holds several years of one issuer,
`crossyear.json`. Every file is written to a temporary name and renamed, and never over an input of the run.
"""
from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path

from ie.crossyear import CrossYearResult, Finding

ISSUE_COLUMNS = ["report", "code", "severity", "fields", "message"]
# money is a number (万元, 元); every other table or prose value is a count (SCHEMA.md "Values")
MONEY_SUFFIXES = ("amount_wan", "fees_yuan")
INT_COLUMNS = {"meta.year", "issues.count"}


@dataclass(frozen=True)
class IssueRow:
    """One issue of one report; `report` is the report's source path, as in the reports table."""
    report: str
    code: str
    severity: str
    fields: tuple[str, ...]
    message: str

    def to_csv(self) -> dict:
        return {"report": self.report, "code": self.code, "severity": self.severity,
                "fields": ";".join(self.fields), "message": self.message}

    def to_record(self) -> dict:
        return {"report": self.report, "code": self.code, "severity": self.severity,
                "fields": list(self.fields), "message": self.message}


def report_issue_rows(report_id: str, report: dict) -> list[IssueRow]:
    return [IssueRow(report_id, i["code"], i["severity"], tuple(i.get("fields", ())), i["message"])
            for i in report.get("issues", [])]


def finding_rows(findings: list[Finding]) -> list[IssueRow]:
    """A cross-year finding is a row of the later report (the one whose 上年结转 or stock is checked); its
    fields name both reports' cells as `<report>:<field path>`."""
    rows = []
    for f in findings:
        issue = f.to_issue()
        rows.append(IssueRow(f.later, f.code, f.severity, tuple(issue["fields"]), f.message))
    return rows


# ---------------------------------------------------------------- writing

def refuse(path: Path, inputs: set[Path]) -> None:
    from ie.export import refuse_inputs

    refuse_inputs(path, inputs)


def _replace_atomic(path: Path, write) -> None:
    """`write(tmp_path)` then rename over `path`: a reader never sees half a file."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_issues_csv(path: Path, rows: list[IssueRow], inputs: set[Path]) -> None:
    refuse(path, inputs)
    buf = io.StringIO(newline="")
    writer = csv.DictWriter(buf, fieldnames=ISSUE_COLUMNS)
    writer.writeheader()
    for r in rows:
        writer.writerow(r.to_csv())
    _replace_atomic(path, lambda tmp: tmp.write_text(buf.getvalue(), encoding="utf-8", newline=""))


def write_crossyear_json(path: Path, result: CrossYearResult, inputs: set[Path]) -> None:
    refuse(path, inputs)
    data = json.dumps(result.to_json(), ensure_ascii=False, indent=2) + "\n"
    _replace_atomic(path, lambda tmp: tmp.write_text(data, encoding="utf-8"))


def _column_type(name: str, values: list):
    import pyarrow as pa

    if name in INT_COLUMNS:
        return pa.int64()
    if name.startswith(("proactive.", "applications.", "review_litigation.", "prose.")):
        if name.endswith(MONEY_SUFFIXES):
            return pa.float64()
        # a count that is not a whole number would be a bug upstream; keep it rather than fail the batch
        if any(isinstance(v, float) and not v.is_integer() for v in values):
            return pa.float64()
        return pa.int64()
    return pa.string()


def _cell(value, typ):
    import pyarrow as pa

    if value is None or value == "":
        return None
    if typ == pa.int64():
        return int(value)
    if typ == pa.float64():
        return float(value)
    return str(value)


def reports_table(rows: list[dict], columns: list[str]):
    """The reports table (the CSV's columns and rows) typed: counts int64, money float64, text string, null
    where the CSV has an empty cell."""
    import pyarrow as pa

    arrays, fields = [], []
    for name in columns:
        raw = [r.get(name) for r in rows]
        typ = _column_type(name, raw)
        arrays.append(pa.array([_cell(v, typ) for v in raw], type=typ))
        fields.append(pa.field(name, typ))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def issues_table(rows: list[IssueRow]):
    import pyarrow as pa

    schema = pa.schema([("report", pa.string()), ("code", pa.string()), ("severity", pa.string()),
                        ("fields", pa.list_(pa.string())), ("message", pa.string())])
    return pa.Table.from_pylist([r.to_record() for r in rows], schema=schema)


def write_parquet(path: Path, table, inputs: set[Path]) -> None:
    import pyarrow.parquet as pq

    refuse(path, inputs)
    _replace_atomic(path, lambda tmp: pq.write_table(table, tmp))

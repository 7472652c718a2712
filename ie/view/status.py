"""What a reviewer needs to know about one value of an output: its status, evidence and the issues naming it.

Statuses, most urgent first (a cell shows the first that applies):
- `failed`  a value some check finds wrong: a warning or error issue names it (ie.validate's table identities,
            prose vs table, and any later check that names cells);
- `issue`   null, and an issue names it (placement ambiguous, row not found, OCR unconfirmed, …);
- `placed`  the table solver placed it: its row did not print one whole number per column (evidence note, see
            ie.models.placed_by);
- `read`    read as printed, with evidence;
- `blank`   null with nothing to say (a blank cell the report prints, `/`);
- `absent`  not in the output (the report has no such row or table).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ie.models import placed_by
from ie.schema import get_path

STATUSES = {
    "read": "read as printed",
    "placed": "placed by the solver",
    "issue": "null, with an issue",
    "failed": "in a failed check",
    "blank": "blank (null, no issue)",
    "absent": "not in the output",
}
_SERIOUS = ("warning", "error")


@dataclass
class Value:
    path: str
    status: str
    value: object = None
    evidence: dict | None = None
    placed: str | None = None
    issues: list[int] = field(default_factory=list)   # indexes into report["issues"]


def issues_by_field(report: dict) -> dict[str, list[int]]:
    """field path → indexes of the issues naming it."""
    out: dict[str, list[int]] = {}
    for i, issue in enumerate(report.get("issues") or []):
        for f in issue.get("fields") or []:
            out.setdefault(f, []).append(i)
    return out


def _present(report: dict, path: str) -> bool:
    head, _, last = path.rpartition(".")
    node = get_path(report, head) if head else report
    return isinstance(node, dict) and last in node


def value_of(report: dict, path: str, named: dict[str, list[int]]) -> Value:
    """The status of one field path of `report` (`named` from issues_by_field)."""
    issues = named.get(path, [])
    ev = (report.get("evidence") or {}).get(path)
    placed = placed_by(ev) if ev else None
    v = Value(path, "absent", get_path(report, path), ev, placed, issues)
    present = _present(report, path)
    severities = {(report["issues"][i].get("severity")) for i in issues}
    if v.value is not None and severities & set(_SERIOUS):
        v.status = "failed"
    elif v.value is None and issues:
        v.status = "issue"
    elif not present:
        v.status = "absent"
    elif placed:
        v.status = "placed"
    elif v.value is not None:
        v.status = "read"
    else:
        v.status = "blank"
    return v

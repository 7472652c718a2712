"""Cross-year checks: reports of one issuer for consecutive years, checked against each other.

A batch is grouped into series by `issuer_key(meta.issuer)`; the year is `meta.year`. For every pair of reports of
one series whose years are Y and Y+1 (never Y and Y+2: what happened in the missing year is unknown):

- `crossyear_carry_over` (error): Y+1's 二、上年结转 equals Y's 四、结转下年度继续办理, column by column — the
  same applications, counted at the end of Y and at the start of Y+1.
- `crossyear_in_force` (warning, gov2021 both years): Y's 现行有效件数 + Y+1's 本年制发件数 − 本年废止件数 equals
  Y+1's 现行有效件数, for 规章 and 行政规范性文件. A warning: bodies count documents differently (inherited or
  transferred documents, a clean-up of the stock).
- `crossyear_prior_items` (warning, gov2019 both years): Y+1's 上一年项目数量 equals Y's 上一年项目数量 + 本年增/减.

A cell that is missing or null in either report is not compared: an unknown cell is no contradiction. The rule
of the issuer key is in docs/dataset.md.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from itertools import product
from pathlib import Path

from ie.validate import ALL_COLS, COL_LABELS

# Short forms that name the same body as the long form (seen in the corpus: 莆田市科技局 2020 / 莆田市科学技术局 2021).
# Applied to the whole name; each short form is the standard abbreviation of exactly one long form.
ABBREVIATIONS = (
    ("管委会", "管理委员会"),
    ("科技局", "科学技术局"),
)
# 县政府 / 市政府 / 区政府 → …人民政府: the same body, the short form of its full name.
_SHORT_GOVERNMENT = re.compile(r"(?<=[省市县区旗州])政府$")
# every kind of bracket folds to ASCII parentheses after NFKC; spaces and the middle dot are dropped
_DROP = re.compile(r"[\s·•・]+")

IN_FORCE_ROWS = {"regulations": "规章", "normative_documents": "行政规范性文件"}
PRIOR_ITEMS_ROWS = {"licensing": "行政许可", "other_services": "其他对外管理服务事项", "penalty": "行政处罚",
                    "coercion": "行政强制", "fees": "行政事业性收费"}


def issuer_key(issuer: str | None) -> str | None:
    """The key that groups one body's reports across years; None when there is no issuer.

    NFKC (full width → half width), no whitespace or middle dots, 【】〔〕［］ → (), abbreviations expanded.
    Deliberately NOT merged: 办公室 variants (平潭综合实验区管委会办公室 publishes its own report beside the
    管委会's), a missing leading place name (洪泽区人民政府 vs 淮安市洪泽区人民政府 — the extractor gives the
    fullest printed form), renamed or merged bodies (莆田市文化广电新闻出版局 → 莆田市文化和旅游局).
    """
    if not issuer:
        return None
    s = unicodedata.normalize("NFKC", issuer)
    s = _DROP.sub("", s)
    s = re.sub(r"[【〔［\[]", "(", s)
    s = re.sub(r"[】〕］\]]", ")", s)
    for short, full in ABBREVIATIONS:
        s = s.replace(short, full)
    s = _SHORT_GOVERNMENT.sub("人民政府", s)
    return s or None


@dataclass(frozen=True)
class Cell:
    """One table cell of one report: the report (its source path), the year, the field path, the value."""
    report: str
    year: int
    path: str
    value: int | float | None

    def ref(self) -> str:
        """`<report>:<field path>`: the cell named across reports (a field path holds no colon)."""
        return f"{self.report}:{self.path}"

    def to_json(self) -> dict:
        return {"report": self.report, "year": self.year, "field": self.path, "value": self.value}


@dataclass(frozen=True)
class Finding:
    """A disagreement between two reports of one issuer, `earlier` for year Y and `later` for year Y+1."""
    code: str
    severity: str
    issuer_key: str
    earlier: str
    later: str
    cells: tuple[Cell, ...]
    message: str

    def to_issue(self) -> dict:
        """An `issues` item of the report schema; `fields` name the cells as `<report>:<field path>`."""
        return {"code": self.code, "severity": self.severity, "message": self.message,
                "fields": [c.ref() for c in self.cells]}

    def to_json(self) -> dict:
        return {**self.to_issue(), "issuer_key": self.issuer_key, "earlier": self.earlier, "later": self.later,
                "cells": [c.to_json() for c in self.cells]}


@dataclass(frozen=True)
class Entry:
    """What the checks need of one report (kept small: a batch holds one per report until the end)."""
    report: str
    issuer: str | None
    year: int | None
    template: str | None
    proactive: dict = field(default_factory=dict, hash=False, compare=False)
    applications: dict = field(default_factory=dict, hash=False, compare=False)

    @property
    def key(self) -> str | None:
        return issuer_key(self.issuer)

    @classmethod
    def from_report(cls, report_id: str, report: dict) -> Entry:
        meta = report.get("meta") or {}
        apps = report.get("applications") or {}
        return cls(report_id, meta.get("issuer"), meta.get("year"), meta.get("template"),
                   proactive=report.get("proactive") or {},
                   applications={k: apps[k] for k in ("carried_over", "carried_forward") if k in apps})

    def cell(self, path: str) -> Cell:
        node = {"proactive": self.proactive, "applications": self.applications}
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        return Cell(self.report, self.year, path, node if isinstance(node, (int, float)) else None)


@dataclass
class Series:
    key: str
    entries: list[Entry]

    def to_json(self) -> dict:
        return {"issuer_key": self.key,
                "reports": [{"report": e.report, "year": e.year, "issuer": e.issuer} for e in self.entries]}


@dataclass
class CrossYearResult:
    series: list[Series]
    pairs: list[tuple[str, str]]
    findings: list[Finding]

    def summary(self, details: bool = False) -> str:
        """One line of counts; with `details`, one more line per finding."""
        line = (f"cross-year: {len(self.series)} issuers with several years, {len(self.pairs)} consecutive pairs, "
                f"{len(self.findings)} findings")
        return "\n".join([line] + [f"  {f.severity} {f.code}: {f.message}" for f in self.findings] * details)

    def to_json(self) -> dict:
        return {"series": [s.to_json() for s in self.series],
                "pairs_compared": [{"earlier": a, "later": b} for a, b in self.pairs],
                "findings": [f.to_json() for f in self.findings]}


def group_series(entries: list[Entry]) -> list[Series]:
    """Issuers with reports for at least two different years, each series sorted by year then report."""
    groups: dict[str, list[Entry]] = {}
    for e in entries:
        if e.key is not None and isinstance(e.year, int):
            groups.setdefault(e.key, []).append(e)
    return [Series(k, sorted(v, key=lambda e: (e.year, e.report))) for k, v in sorted(groups.items())
            if len({e.year for e in v}) > 1]


def consecutive_pairs(series: Series) -> list[tuple[Entry, Entry]]:
    """(Y, Y+1) pairs; two reports for one year (a txt and a pdf of it) are each compared with the next year's."""
    by_year: dict[int, list[Entry]] = {}
    for e in series.entries:
        by_year.setdefault(e.year, []).append(e)
    return [pair for y in sorted(by_year) for pair in product(by_year[y], by_year.get(y + 1, []))]


def _name(report: str) -> str:
    return Path(report).name


def check_carry_over(a: Entry, b: Entry, key: str) -> list[Finding]:
    out = []
    for col in ALL_COLS:
        prev, cur = a.cell(f"applications.carried_forward.{col}"), b.cell(f"applications.carried_over.{col}")
        if prev.value is None or cur.value is None or prev.value == cur.value:
            continue
        msg = (f"表三 「{COL_LABELS[col]}」: {_name(b.report)} ({b.year}) 上年结转 {cur.value} ≠ "
               f"{_name(a.report)} ({a.year}) 结转下年度 {prev.value}")
        out.append(Finding("crossyear_carry_over", "error", key, a.report, b.report, (cur, prev), msg))
    return out


def check_in_force(a: Entry, b: Entry, key: str) -> list[Finding]:
    if a.template != "gov2021" or b.template != "gov2021":
        return []
    out = []
    for row, label in IN_FORCE_ROWS.items():
        prev = a.cell(f"proactive.{row}.in_force")
        issued, repealed, cur = (b.cell(f"proactive.{row}.{c}") for c in ("issued", "repealed", "in_force"))
        cells = (cur, prev, issued, repealed)
        if any(c.value is None for c in cells):
            continue
        expected = prev.value + issued.value - repealed.value
        if expected == cur.value:
            continue
        msg = (f"表二 「{label}」: {_name(b.report)} ({b.year}) 现行有效件数 {cur.value} ≠ {_name(a.report)} "
               f"({a.year}) 现行有效件数 {prev.value} + 本年制发 {issued.value} − 本年废止 {repealed.value} = {expected}")
        out.append(Finding("crossyear_in_force", "warning", key, a.report, b.report, cells, msg))
    return out


def check_prior_items(a: Entry, b: Entry, key: str) -> list[Finding]:
    if a.template != "gov2019" or b.template != "gov2019":
        return []
    out = []
    for row, label in PRIOR_ITEMS_ROWS.items():
        prev, change = a.cell(f"proactive.{row}.prior_items"), a.cell(f"proactive.{row}.change")
        cur = b.cell(f"proactive.{row}.prior_items")
        cells = (cur, prev, change)
        if any(c.value is None for c in cells):
            continue
        expected = prev.value + change.value
        if expected == cur.value:
            continue
        msg = (f"表二 「{label}」: {_name(b.report)} ({b.year}) 上一年项目数量 {cur.value} ≠ {_name(a.report)} "
               f"({a.year}) 上一年项目数量 {prev.value} + 本年增/减 {change.value} = {expected}")
        out.append(Finding("crossyear_prior_items", "warning", key, a.report, b.report, cells, msg))
    return out


CHECKS = (check_carry_over, check_in_force, check_prior_items)


def check_batch(entries: list[Entry]) -> CrossYearResult:
    """Every check on every consecutive-year pair of every series in the batch."""
    series = group_series(entries)
    pairs, findings = [], []
    for s in series:
        for a, b in consecutive_pairs(s):
            pairs.append((a.report, b.report))
            for check in CHECKS:
                findings += check(a, b, s.key)
    return CrossYearResult(series, pairs, findings)

"""Typed records passed between the stages (read → normalize → segment → tables / tag → map → validate → export).

Offsets are always Python string indices into `Normalized.text` unless a field says otherwise.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Format = Literal["txt", "md", "html", "docx", "pdf"]
Template = Literal["prose", "gov2019", "gov2021"]
Severity = Literal["error", "warning", "info"]
Method = Literal["table", "model", "rule"]


def _fields(record) -> dict:
    """A record's fields by name, in order: `dataclasses.asdict` without its recursive deep copy (a top item
    of a rules-only profile: thousands of evidence records per report, all fields plain values)."""
    return {name: getattr(record, name) for name in record.__dataclass_fields__}


class ReadError(Exception):
    """An input that cannot be read; the message names the file and the problem."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


@dataclass
class Document:
    """What a reader produced: one text in reading order.

    Tables from HTML, DOCX and PDF are rendered as one line per row, cells joined by ' | ' and the line
    wrapped in '| … |', so the table rules see one layout for every structured source.
    """

    path: str
    format: Format
    sha256: str
    text: str
    encoding: str | None = None


@dataclass
class Normalized:
    """Normalized text plus a map back into `Document.text`.

    `offsets[i]` is the index in the reader's text of normalized character i; `offsets[len(text)]` is the
    end of the reader's text, so a span [s, e) maps back to [offsets[s], offsets[e]).
    """

    text: str
    offsets: list[int]

    def to_source(self, start: int, end: int) -> tuple[int, int]:
        return self.offsets[start], self.offsets[end]


@dataclass
class Section:
    key: str          # e.g. "overview", "proactive", "applications", "review_litigation", "problems", "other"
    heading: str
    start: int
    end: int


@dataclass
class Entity:
    label: str
    start: int
    end: int
    text: str
    score: float | None = None
    source: Literal["model", "rule"] = "rule"
    role: str | None = None     # the prose field the span states (ie.labels.ROLES), None for any other span

    def to_json(self) -> dict:
        return _fields(self)


@dataclass
class Evidence:
    start: int
    end: int
    quote: str
    method: Method
    confidence: float | None = None
    approximate: bool | None = None
    note: str | None = None
    # A table cell the solver placed (its row was not read one printed number per column): how, e.g. "digits
    # cut". The schema allows no extra key in evidence, so it travels in `note` (see placed_by).
    placed: str | None = None

    def to_json(self) -> dict:
        # the fields by hand, in declaration order (the key order of the JSON): a hundred evidence records per
        # report, and a dict of every field filtered afterwards cost twice as much
        d = {"start": self.start, "end": self.end, "quote": self.quote, "method": self.method}
        if self.confidence is not None:
            d["confidence"] = self.confidence
        if self.approximate is not None:
            d["approximate"] = self.approximate
        if self.note is not None:
            d["note"] = self.note
        if self.placed:
            d["note"] = "; ".join(filter(None, [self.note, f"{PLACED_NOTE}: {self.placed}"]))
        return d


PLACED_NOTE = "placed by the solver"


def placed_by(evidence: dict) -> str | None:
    """How the solver placed a cell, from an output's evidence entry (None: read as printed, or not a cell)."""
    note = evidence.get("note") or ""
    i = note.find(PLACED_NOTE + ": ")
    return note[i + len(PLACED_NOTE) + 2:].split(";")[0] if i >= 0 else None


@dataclass
class Issue:
    code: str
    severity: Severity
    message: str
    fields: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        d = _fields(self)
        d["fields"] = list(self.fields)
        if not d["fields"]:
            d.pop("fields")
        return d


@dataclass
class TableResult:
    """Cells of the national tables keyed like the schema: values['applications']['granted']['total'] = 3."""

    values: dict = field(default_factory=dict)        # {"proactive": {...}, "applications": {...}, "review_litigation": {...}}
    evidence: dict[str, Evidence] = field(default_factory=dict)   # "applications.granted.total" -> Evidence
    issues: list[Issue] = field(default_factory=list)
    # where the national tables sit in the text, [start, end) (ie.tables.layout.find_regions): the table
    # stage owns these characters, so the tagger need not read them (ie.extract)
    regions: list[tuple[int, int]] = field(default_factory=list)

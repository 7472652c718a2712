"""Every table cell the stage extracts, on every corpus and pool report, is a number the text prints at its
evidence: the solver only decides where printed numbers go, it never makes one up."""
from __future__ import annotations

import re

import pytest

from ie.normalize import normalize
from ie.paths import corpus_dir
from ie.read import read_document
from ie.segment import detect_template
from ie.tables import extract_tables
from ie.tables.cells import ocr_digits, parse_number

SECTIONS = ("proactive", "applications", "review_litigation")


def _reports():
    root = corpus_dir()
    return sorted(root.glob("*.txt")) + sorted((root / "unlabeled").glob("*.txt")) if root.is_dir() else []


def _leaves(d: dict, prefix: str):
    for k, v in d.items():
        if isinstance(v, dict):
            yield from _leaves(v, f"{prefix}.{k}")
        else:
            yield f"{prefix}.{k}", v


def test_tables_evidence_every_cell_is_a_printed_number():
    paths = _reports()
    if not paths:
        pytest.skip("corpus not available")
    bad = []
    for path in paths:
        text = normalize(read_document(path).text).text
        res = extract_tables(text, detect_template(text))
        for sec in SECTIONS:
            for field, value in _leaves(res.values.get(sec) or {}, sec):
                if value is None:
                    continue
                ev = res.evidence.get(field)
                if ev is None:
                    bad.append(f"{path.name} {field}={value}: no evidence")
                    continue
                # OCR letters read as digits, and a number split over lines (`1`/`60`) read as one
                printed = parse_number(re.sub(r"\s+", "", ocr_digits(ev.quote)))
                if ev.note and "元 to 万元" in ev.note:
                    printed = round(printed / 10000, 10)
                if printed is None or abs(printed - value) > 1e-9 or text[ev.start:ev.end] != ev.quote:
                    bad.append(f"{path.name} {field}={value}: evidence {ev.quote!r}")
    assert not bad, "\n".join(bad[:20])

"""The span label set shared by the annotations, the tagger, the mapping step and Label Studio.

Generic types plus a mapping step (ie.map) rather than field-specific labels: the same number shape
(`25件`) is an application count in one sentence and a lawsuit count in the next, and with ~15 reports the
field-specific classes would have a handful of examples each. See annotations/GUIDELINES.md.
"""
from __future__ import annotations

LABELS: tuple[str, ...] = ("COUNT", "MONEY", "PERCENT", "DATE", "DOC_NO", "DOC_TITLE")

LABEL_DESCRIPTIONS = {
    "COUNT": "a number with its counting unit: 4022条, 1600多人次, 3千余条, 21件",
    "MONEY": "an amount with its currency unit: 13724.02万元, 380元",
    "PERCENT": "a percentage: 98.5%, 百分之十",
    "DATE": "a date or month or year expression: 2018年1月1日, 2019-03-22, 二○一三年一月二十日",
    "DOC_NO": "a document number: 渝府办发〔2018〕76号, 国令第711号",
    "DOC_TITLE": "a document title inside 《》, brackets included",
}


def bio_labels(labels: tuple[str, ...] = LABELS) -> list[str]:
    """IOB2 tag list, O first: ["O", "B-COUNT", "I-COUNT", ...]."""
    tags = ["O"]
    for lab in labels:
        tags += [f"B-{lab}", f"I-{lab}"]
    return tags

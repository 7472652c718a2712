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


# Field roles: what a span states, where it states one of the schema's prose fields (schema/fields.tsv,
# `prose.*`). A span of any other meaning keeps no role. A role rides on a span as a second, per-region layer
# (Label Studio: <Choices name="role" perRegion="true">), so the span labels above stay generic.
ROLES: tuple[str, ...] = ("proactive_total", "applications_received", "reviews", "lawsuits", "complaints",
                          "fees_yuan")
ROLE_FROM_NAME = "role"    # the per-region <Choices> of the labeling config

ROLE_DESCRIPTIONS = {
    "proactive_total": "the year's total of proactively disclosed items (not a channel, part or cumulative count)",
    "applications_received": "the year's total of disclosure applications received",
    "reviews": "administrative reviews (行政复议) over disclosure",
    "lawsuits": "administrative lawsuits (行政诉讼) over disclosure",
    "complaints": "complaints / reports / appeals (举报、投诉、申诉) over disclosure",
    "fees_yuan": "fees charged for disclosure on application, in yuan",
}


def bio_labels(labels: tuple[str, ...] = LABELS) -> list[str]:
    """IOB2 tag list, O first: ["O", "B-COUNT", "I-COUNT", ...]."""
    tags = ["O"]
    for lab in labels:
        tags += [f"B-{lab}", f"I-{lab}"]
    return tags

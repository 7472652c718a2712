"""The output contract: the report schema shipped in the package (a copy of ../shared/schema) and checking a report against it."""
from __future__ import annotations

import csv
import json
from functools import lru_cache

from ie.paths import schema_dir


@lru_cache(maxsize=1)
def report_schema() -> dict:
    path = schema_dir() / "report.schema.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise FileNotFoundError(
            f"{path}: report schema not found (IE_SCHEMA_DIR names a folder without report.schema.json, or the "
            "package was installed without its data files)"
        ) from exc


@lru_cache(maxsize=1)
def _validator():
    """The reference validator (jsonschema, Draft 2020-12, formats checked): slow, but its messages are the
    ones users see. Only called when the compiled check below rejects a report."""
    from jsonschema import Draft202012Validator, FormatChecker

    return Draft202012Validator(report_schema(), format_checker=FormatChecker())


@lru_cache(maxsize=1)
def _fast_validator():
    from ie.fastschema import compile_validator

    return compile_validator(report_schema())


def schema_errors(report: dict) -> list[str]:
    """Human-readable schema violations ('' path means the top level); empty when the report is valid.

    A valid report passes the compiled validator (ie.fastschema, ~0.3 ms); only a report it rejects is
    walked by jsonschema, which lists every violation with its path. jsonschema has the last word: a report
    it accepts is valid even if the compiled check was stricter (e.g. 3.0 where an integer is expected).
    """
    if _fast_validator()(report):
        return []
    errors = sorted(_validator().iter_errors(report), key=lambda e: list(e.absolute_path))
    return [f"{'.'.join(map(str, e.absolute_path)) or '<top>'}: {e.message}" for e in errors]


@lru_cache(maxsize=1)
def field_paths() -> list[tuple[str, tuple[str, ...], str]]:
    """(path, templates, chinese_label) rows of fields.tsv, in file order."""
    rows = []
    with open(schema_dir() / "fields.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            rows.append((row["path"], tuple(row["templates"].split(",")), row["chinese_label"]))
    return rows


def get_path(obj: dict, dotted: str):
    """The value at a field path such as `applications.new_received.total`; None where any part is missing."""
    node = obj
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node

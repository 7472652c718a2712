"""The compiled report-schema check: same verdict as jsonschema, messages from jsonschema, cached code."""
import copy

import jsonschema
import pytest

from ie.extract import ExtractError, extract_file
from ie.fastschema import compile_validator, for_codegen, is_date
from ie.schema import report_schema, schema_errors


def _reference_valid(report: dict) -> bool:
    v = jsonschema.Draft202012Validator(report_schema(), format_checker=jsonschema.FormatChecker())
    return not list(v.iter_errors(report))


def _set(report, dotted, value):
    node = report
    *parts, last = dotted.split(".")
    for p in parts:
        node = node[int(p)] if isinstance(node, list) else node[p]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


MUTATIONS = [
    ("meta.year", "2023"), ("meta.year", True), ("meta.year", None), ("meta.year", 2023.0),
    ("meta.template", "gov2030"), ("meta.period_start", "2023-02-30"), ("meta.period_start", "２０２３-01-01"),
    ("meta.period_start", "2023-1-1"), ("meta.period_start", "2024-02-29"), ("source.sha256", "ABC"),
    ("schema_version", "2"), ("schema_version", 1), ("unexpected_key", 1), ("prose", []),
    ("applications.new_received.total", -1.5), ("applications.new_received.total", "21"),
    ("applications.new_received.bogus_column", 1), ("issues", {}), ("entities", [{"label": "COUNT"}]),
]


@pytest.fixture(scope="module")
def valid_report(corpus):
    return extract_file(corpus / "hongze_2023.txt", use_model=False)


def test_fastschema_same_verdict_as_jsonschema(valid_report):
    assert schema_errors(valid_report) == [] and _reference_valid(valid_report)
    for path, value in MUTATIONS:
        report = copy.deepcopy(valid_report)
        _set(report, path, value)
        assert (schema_errors(report) == []) == _reference_valid(report), (path, value)
    report = copy.deepcopy(valid_report)
    del report["meta"]
    assert schema_errors(report) == ["<top>: 'meta' is a required property"]


def test_fastschema_invalid_output_fails_with_clear_message(valid_report, small_report, monkeypatch):
    bad = copy.deepcopy(valid_report)
    bad["meta"]["year"] = "2023"
    monkeypatch.setattr("ie.extract.extract_document", lambda *a, **k: bad)
    with pytest.raises(ExtractError) as exc:
        extract_file(small_report, use_model=False)
    msg = str(exc.value)
    assert str(small_report) in msg and "does not validate against the schema" in msg
    assert "meta.year: '2023' is not of type 'integer', 'null'" in msg


def test_fastschema_code_is_cached_and_a_broken_cache_is_recompiled(valid_report, tmp_path, monkeypatch):
    monkeypatch.setenv("IE_CACHE_DIR", str(tmp_path))
    assert compile_validator(report_schema())(valid_report)
    (cached,) = tmp_path.glob("report-schema-*.marshal")
    cached.write_bytes(b"not marshal data")
    valid = compile_validator(report_schema())
    assert valid(valid_report) and not valid({**valid_report, "schema_version": "2"})
    assert cached.read_bytes() != b"not marshal data"


def test_fastschema_codegen_drops_annotations_not_properties_named_title():
    schema = {"title": "T", "description": "D", "type": "object", "const": None,
              "properties": {"title": {"type": "string", "title": "the title"}}}
    assert for_codegen(schema) == {"type": "object", "enum": [None], "properties": {"title": {"type": "string"}}}


def test_fastschema_date_format_like_jsonschema():
    assert is_date("2024-02-29") and is_date(None)
    assert not is_date("2023-02-29") and not is_date("２０２３-01-01") and not is_date("2023-1-01")

"""The schema shipped in the package is the contract in ../shared/schema, byte for byte."""
from __future__ import annotations

import subprocess
import sys

import pytest

from ie.paths import PACKAGED_SCHEMA_DIR, shared_dir
from ie.schema import report_schema, schema_errors

FILES = ("report.schema.json", "fields.tsv", "SCHEMA.md")


@pytest.mark.parametrize("name", FILES)
def test_schema_copy_identical_to_shared(name):
    shared = shared_dir() / "schema" / name
    if not shared.exists():
        pytest.skip(f"{shared} not found: no ../shared beside this checkout to compare the packaged copy with")
    assert (PACKAGED_SCHEMA_DIR / name).read_bytes() == shared.read_bytes(), (
        f"ie/data/schema/{name} differs from {shared}: copy the contract again (cp ../shared/schema/* ie/data/schema/)")


def test_schema_loads_without_shared(monkeypatch, tmp_path):
    """Nothing beside the package is needed: pointing IE_SHARED_DIR at an empty folder changes nothing."""
    monkeypatch.setenv("IE_SHARED_DIR", str(tmp_path))
    monkeypatch.delenv("IE_SCHEMA_DIR", raising=False)
    report_schema.cache_clear()
    try:
        assert report_schema()["$id"] == "report.schema.json"
        assert schema_errors({}), "an empty object must not validate"
    finally:
        report_schema.cache_clear()


def test_schema_missing_dir_names_the_path(monkeypatch, tmp_path):
    monkeypatch.setenv("IE_SCHEMA_DIR", str(tmp_path / "nowhere"))
    report_schema.cache_clear()
    try:
        with pytest.raises(FileNotFoundError, match="nowhere"):
            report_schema()
    finally:
        report_schema.cache_clear()


def test_cli_version_prints_package_and_schema_version():
    from ie import SCHEMA_VERSION, __version__

    out = subprocess.run([sys.executable, "-m", "ie.cli", "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == f"ie {__version__} (report schema {SCHEMA_VERSION})"

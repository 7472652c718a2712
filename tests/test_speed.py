"""What keeps `ie extract` fast: imports only what the command needs, the compiled schema check, workers that
share the cores. Timing bounds are generous (best of several runs on a busy 2-core machine)."""
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ie.extract import extract_file, threads_per_worker
from ie.paths import DEFAULT_MODEL_DIR
from ie.schema import _fast_validator, schema_errors

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "transformers", "datasets", "accelerate", "jsonschema")


def _modules_after(code: str) -> set[str]:
    """Top-level modules imported by a fresh interpreter running `code` (which may print to stderr only)."""
    probe = code + "\nimport sys\nprint(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return set(out.stdout.split())


def test_speed_cli_and_help_import_nothing_heavy():
    loaded = _modules_after("import ie.cli\nfrom ie.cli import main\ntry:\n    main(['--help'])\n"
                            "except SystemExit:\n    pass")
    assert not loaded & {*HEAVY, "numpy", "safetensors", "onnxruntime"}, loaded & {*HEAVY, "numpy", "safetensors"}


def test_speed_rules_only_extract_imports_no_torch(small_report, tmp_path):
    loaded = _modules_after(f"from ie.cli import main\n"
                            f"assert main(['extract', '--quiet', '--no-model', '-o', {str(tmp_path)!r}, "
                            f"{str(small_report)!r}]) == 0")
    assert (tmp_path / "hongze_2023.json").exists()
    assert not loaded & {*HEAVY, "onnxruntime"}, loaded & {*HEAVY, "onnxruntime"}


@pytest.mark.skipif(not (DEFAULT_MODEL_DIR / "config.json").exists(), reason="no default model")
def test_speed_model_path_runs_without_transformers(small_report, tmp_path):
    loaded = _modules_after(f"from ie.cli import main\n"
                            f"assert main(['extract', '--quiet', '-o', {str(tmp_path)!r}, {str(small_report)!r}]) == 0")
    report = json.loads((tmp_path / "hongze_2023.json").read_text(encoding="utf-8"))
    assert any(e["source"] == "model" for e in report["entities"])
    # the shipped model runs on ONNX Runtime (ie.tag.onnx): neither torch nor transformers is imported
    assert "onnxruntime" in loaded and "torch" not in loaded
    assert not loaded & {"transformers", "datasets", "accelerate", "jsonschema"}


@pytest.mark.skipif(not (DEFAULT_MODEL_DIR / "config.json").exists(), reason="no default model")
def test_speed_two_workers_give_the_outputs_of_one(corpus, tmp_path):
    names = ("hongze_2023", "pingtan_2012")
    files = [str(corpus / f"{name}.txt") for name in names]
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    for n in (1, 2):
        subprocess.run([sys.executable, "-m", "ie.cli", "extract", "--quiet", "--workers", str(n),
                        "-o", str(tmp_path / f"w{n}"), *files], check=True, env=env, cwd=ROOT, timeout=600)
    for name in names:
        one = json.loads((tmp_path / "w1" / f"{name}.json").read_text(encoding="utf-8"))
        two = json.loads((tmp_path / "w2" / f"{name}.json").read_text(encoding="utf-8"))
        # one and two torch threads may sum in another order: scores agree to float precision, not bits
        assert _rounded(one) == _rounded(two), name


def _rounded(obj):
    if isinstance(obj, float):
        return round(obj, 5)
    if isinstance(obj, dict):
        return {k: _rounded(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_rounded(v) for v in obj]
    return obj


def test_speed_threads_per_worker_share_the_cores(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(2)), raising=False)
    assert [threads_per_worker(n) for n in (1, 2, 3)] == [2, 1, 1]
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)), raising=False)
    assert [threads_per_worker(n) for n in (1, 2, 4)] == [8, 8, 4]


def test_speed_schema_check_is_compiled(small_report):
    """jsonschema took ~17 ms per corpus report (half of a rules-only extraction); the compiled check ~0.3 ms.
    50 ms for 10 checks (best of 5) only fails if the interpreted validator came back."""
    report = extract_file(small_report, use_model=False)
    valid = _fast_validator()
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(10):
            assert valid(report)
        best = min(best, time.perf_counter() - t0)
    assert best < 0.05, f"10 schema checks took {best:.3f} s"
    assert schema_errors(report) == []


def test_speed_rule_patterns_are_searched_from_their_first_characters():
    """A pattern that starts with a look-behind or a group is tried at every character of a report unless
    ie.fastre can read its first characters: a change that makes one unreadable (a back-reference, a leading
    `.`) silently doubles the rules stage. The spans themselves are checked in test_rules / test_fastre."""
    from ie import normalize, prose, rules, segment

    fast = [*rules._FAST.values(), *prose._ZERO_FAST.values(), segment._HEADING_FAST, normalize._PINYIN_FAST,
            normalize._SPACED_FAST, normalize._LINE_EDGES_FAST, rules._DOC_NO_ANCHOR]
    assert all(f.fast is not None for f in fast), [f.rx.pattern[:60] for f in fast if f.fast is None]

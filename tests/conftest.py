import shutil
from pathlib import Path

import pytest

from ie.paths import corpus_dir


@pytest.fixture(scope="session")
def corpus() -> Path:
    d = corpus_dir()
    if not d.is_dir():
        pytest.skip(f"corpus not found at {d} (set IE_CORPUS_DIR or put ../shared beside the checkout)")
    return d


@pytest.fixture
def small_report(tmp_path, corpus) -> Path:
    """A copy of a short real report, so tests may put files beside it."""
    dst = tmp_path / "in" / "hongze_2023.txt"
    dst.parent.mkdir()
    shutil.copy(corpus / "hongze_2023.txt", dst)
    return dst

"""Where the repository keeps its shared resources.

The schema lives in ../shared/schema beside the checkout (the contract is not forked, so it is not copied
into the package); `IE_SHARED_DIR` or `IE_SCHEMA_DIR` point elsewhere. The default model ships inside the package so that a fresh install can tag.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
DEFAULT_MODEL_DIR = PACKAGE_DIR / "default_model"
ANNOTATIONS_DIR = REPO_DIR / "annotations"
GOLD_DIR = REPO_DIR / "gold"


def shared_dir() -> Path:
    return Path(os.environ.get("IE_SHARED_DIR", REPO_DIR.parent / "shared"))


def schema_dir() -> Path:
    env = os.environ.get("IE_SCHEMA_DIR")
    if env:
        return Path(env)
    return shared_dir() / "schema"


def corpus_dir() -> Path:
    return Path(os.environ.get("IE_CORPUS_DIR", shared_dir() / "corpus"))

"""Where the package and the repository keep their resources.

The report schema ships inside the package (ie/data/schema, a copy of ../shared/schema that
tests/test_schema_copy.py keeps identical), so an installed `ie` needs nothing beside it; `IE_SCHEMA_DIR`
points elsewhere (another schema version). The default model ships inside the package too. The corpus and
the shared notes live in ../shared beside a checkout (`IE_SHARED_DIR`, `IE_CORPUS_DIR` point elsewhere).
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
DEFAULT_MODEL_DIR = PACKAGE_DIR / "default_model"
PACKAGED_SCHEMA_DIR = PACKAGE_DIR / "data" / "schema"
ANNOTATIONS_DIR = REPO_DIR / "annotations"
GOLD_DIR = REPO_DIR / "gold"


def shared_dir() -> Path:
    return Path(os.environ.get("IE_SHARED_DIR", REPO_DIR.parent / "shared"))


def schema_dir() -> Path:
    env = os.environ.get("IE_SCHEMA_DIR")
    return Path(env) if env else PACKAGED_SCHEMA_DIR


def corpus_dir() -> Path:
    return Path(os.environ.get("IE_CORPUS_DIR", shared_dir() / "corpus"))

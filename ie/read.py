"""PROVISIONAL stub (to be replaced by the readers work): UTF-8 text files only."""
from __future__ import annotations

import hashlib
from pathlib import Path

from ie.models import Document, ReadError


def read_document(path: str | Path) -> Document:
    path = Path(path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReadError(str(path), f"not UTF-8: {exc}") from exc
    return Document(str(path), "txt", hashlib.sha256(data).hexdigest(), text, "utf-8")

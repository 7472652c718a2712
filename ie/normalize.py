"""PROVISIONAL stub (to be replaced by the normalization work): identity plus \\r\\n folding."""
from __future__ import annotations

from ie.models import Document, Normalized


def normalize(text: str) -> Normalized:
    out, offs = [], []
    i = 0
    while i < len(text):
        if text[i] == "\r":
            i += 1
            continue
        out.append(text[i])
        offs.append(i)
        i += 1
    offs.append(len(text))
    return Normalized("".join(out), offs)


def normalize_document(doc: Document) -> Normalized:
    return normalize(doc.text)

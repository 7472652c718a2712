"""Merge per-window predictions into one prediction per character of the whole document, then decode once.

Each character takes its probabilities from the window in which it sits farthest from a window edge (a
document edge is not a window edge: the model saw everything there is on that side). Tags are decoded over
the whole document in one pass, strict IOB2, so an entity that straddles a window boundary is decoded
from one merged sequence: it comes out once, whole.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ie.convert import bio_to_spans
from ie.models import Entity


@dataclass
class WindowOutput:
    start: int              # window [start, end) in document characters
    end: int
    char_pos: list[int]     # per token: character index within the window, -1 for none
    probs: np.ndarray       # (n_tokens, n_tags) softmax probabilities


def merge_windows(n_chars: int, outputs: list[WindowOutput], n_tags: int) -> np.ndarray:
    """(n_chars, n_tags) probabilities; rows of characters no token covered are NaN."""
    merged = np.full((n_chars, n_tags), np.nan, dtype=np.float32)
    best = np.full(n_chars, -1.0)
    for w in outputs:
        pos = np.asarray(w.char_pos)
        keep = pos >= 0
        pos, probs = pos[keep], np.asarray(w.probs)[: len(keep)][keep]
        left = pos.astype(float) if w.start > 0 else np.full(len(pos), np.inf)
        right = (w.end - w.start - 1 - pos).astype(float) if w.end < n_chars else np.full(len(pos), np.inf)
        dist = np.minimum(left, right)
        idx = w.start + pos
        # a character seen equally far from the edges in two windows keeps the first (earlier) one
        better = dist > best[idx]
        merged[idx[better]] = probs[better]
        best[idx[better]] = dist[better]
    return merged


def calibrated_softmax(logits: np.ndarray, o_index: int, o_weight: float = 1.0) -> np.ndarray:
    """Softmax over the last axis, undoing the O-tag loss weight of training.

    A model trained with the O tag weighted by w (`o_weight` in the config) learns p_w(O) ∝ w·p(O): it is
    pushed toward entity tags on purpose, to leave "all O" early. Subtracting log w from the O logit gives
    back probabilities for the unweighted task (logit adjustment), so scores and the O-versus-entity choice
    in `decode` are not biased toward entities. The correction follows from the training config alone.
    """
    z = np.asarray(logits, dtype=np.float32).copy()
    if o_weight != 1.0:
        z[..., o_index] -= np.float32(np.log(o_weight))
    z = np.exp(z - z.max(-1, keepdims=True))
    return z / z.sum(-1, keepdims=True)


SPLIT_THRESHOLD = 0.9


def decode(probs: np.ndarray, tags: list[str], split: float = SPLIT_THRESHOLD) -> tuple[list[str], list[float]]:
    """One strict IOB2 tag sequence for the whole document, and a probability per character.

    A small model knows well *that* a character is inside a COUNT but is unsure whether it is the first
    one (B-) or not (I-): in "176个" it may give "7" B-COUNT 0.53. So each character first gets a type from
    P(B-X) + P(I-X) against P(O) (that sum is its score); a run of one type is one entity, split only where
    the model is sure a new entity starts (P(B-X) >= `split`). The result is valid IOB2 by construction.
    Uncovered characters (NaN rows: whitespace a wordpiece tokenizer dropped) continue an entity only when
    both neighbours say so (a space inside "2018 年" stays inside), else they are O.
    """
    n = len(probs)
    covered = ~np.isnan(probs).any(axis=1) if n else np.zeros(0, bool)
    p = np.nan_to_num(probs, nan=0.0)
    types = [t[2:] for t in tags if t.startswith("B-")]
    b_idx = np.array([tags.index("B-" + t) for t in types], dtype=int)
    i_idx = np.array([tags.index("I-" + t) for t in types], dtype=int)
    typed = np.concatenate([p[:, [tags.index("O")]], p[:, b_idx] + p[:, i_idx]], axis=1)   # (n, 1 + types)
    ty = np.where(covered, typed.argmax(axis=1), 0)
    top = np.where(covered, typed.max(axis=1), 1.0)
    # the type of the last covered character before each one, so an uncovered gap does not start a new entity
    last = np.maximum.accumulate(np.where(covered, np.arange(n), -1)) if n else np.zeros(0, int)
    last_before = np.concatenate([[-1], last[:-1]]) if n else last
    prev = np.where(last_before >= 0, ty[np.maximum(last_before, 0)], 0)
    b_prob = p[np.arange(n), b_idx[np.maximum(ty - 1, 0)]] if n else np.zeros(0)
    start = (ty > 0) & ((ty != prev) | (b_prob >= split))
    out = ["O" if t == 0 else ("B-" if st else "I-") + types[t - 1] for t, st in zip(ty.tolist(), start.tolist())]
    if not covered.all():
        i = 1
        while i < n:
            if covered[i] or out[i - 1] == "O":
                i += 1
                continue
            j = i
            while j < n and not covered[j]:
                j += 1
            cont = "I-" + out[i - 1][2:]
            if j < n and out[j] == cont:
                for k in range(i, j):
                    out[k], top[k] = cont, top[i - 1]
            i = j + 1
    return out, top.astype(float).tolist()


def spans_from_windows(text: str, outputs: list[WindowOutput], tags: list[str]) -> list[Entity]:
    probs = merge_windows(len(text), outputs, len(tags))
    seq, scores = decode(probs, tags)
    return bio_to_spans(text, seq, scores, source="model")

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

    A small model knows better *that* a character belongs to an entity than *which* one, and whether it is
    the first character (B-) or not (I-): in "176个" it may give "7" B-COUNT 0.53, in "2018年" it may call
    "0" a COUNT between DATE characters. So decoding goes in two steps:
    1. each character is inside an entity when the summed entity probability beats P(O);
    2. each maximal run of such characters is one entity, split only where the model is sure a new entity
       starts (some P(B-X) >= `split`), and each piece takes the type with the most probability mass over
       its characters (chosen on training-side validation documents over typing each character on its own:
       scripts/select_tagger.py, docs/tagger.md).
    A character's score is its probability of the type it got (P(B-X) + P(I-X)), or P(O) outside entities.
    The result is valid IOB2 by construction. Uncovered characters (NaN rows: whitespace a wordpiece
    tokenizer dropped) are inside an entity only when the covered characters on both sides are.
    """
    n = len(probs)
    if n == 0:
        return [], []
    covered = ~np.isnan(probs).any(axis=1)
    p = np.nan_to_num(probs, nan=0.0)
    o_idx = tags.index("O")
    types = [t[2:] for t in tags if t.startswith("B-")]
    b_idx = np.array([tags.index("B-" + t) for t in types], dtype=int)
    i_idx = np.array([tags.index("I-" + t) for t in types], dtype=int)
    mass = p[:, b_idx] + p[:, i_idx]                                    # (n, types)
    inside = covered & (mass.sum(axis=1) > p[:, o_idx])
    if not covered.all():
        # an uncovered character joins an entity only between two covered entity characters
        idx = np.arange(n)
        left = np.maximum.accumulate(np.where(covered, idx, -1))
        right = np.minimum.accumulate(np.where(covered, idx, n)[::-1])[::-1]
        ok = (left >= 0) & (right < n)
        inside |= ~covered & ok & inside[np.clip(left, 0, n - 1)] & inside[np.clip(right, 0, n - 1)]
    out = ["O"] * n
    score = np.where(covered, p[:, o_idx], 1.0)
    sure_start = covered & (p[:, b_idx].max(axis=1) >= split)
    # runs of inside characters: [k, j) from the edges of `inside` (numpy finds them; a Python loop visiting
    # every character cost milliseconds a report)
    edges = np.flatnonzero(np.diff(np.concatenate(([False], inside, [False])).astype(np.int8)))
    for k, j in zip(edges[::2].tolist(), edges[1::2].tolist()):
        cuts = [k, *(k + 1 + np.flatnonzero(sure_start[k + 1: j])).tolist(), j]
        for a, b in zip(cuts, cuts[1:]):
            t = int(mass[a:b].sum(axis=0).argmax())
            out[a: b] = ["B-" + types[t]] + ["I-" + types[t]] * (b - a - 1)
            score[a:b] = mass[a:b, t]
    # an uncovered character inside an entity takes the score of the covered one before it
    for m in np.flatnonzero(~covered & inside).tolist():
        if m > 0:
            score[m] = score[m - 1]
    return out, score.astype(float).tolist()


def trim_whitespace(text: str, tags: list[str]) -> list[str]:
    """Entities never begin or end with whitespace (annotations/GUIDELINES.md); whitespace inside stays.

    The model sees spaces and line breaks as characters and sometimes takes the one next to an entity in
    with it (` 二〇一三年一月 `); those edge characters become O and the entity keeps its B- on its first
    non-space character. An entity that is nothing but whitespace disappears.
    """
    out = list(tags)
    n = len(out)
    for i in [i for i, t in enumerate(out) if t.startswith("B-")]:
        label, j = out[i][2:], i + 1
        while j < n and out[j] == "I-" + label:
            j += 1
        a, b = i, j
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        out[i:j] = ["O"] * (a - i) + (["B-" + label] + ["I-" + label] * (b - a - 1) if b > a else []) \
            + ["O"] * (j - b)
    return out


def decode_text(text: str, probs: np.ndarray, tags: list[str]) -> tuple[list[str], list[float]]:
    """`decode`, then `trim_whitespace`: the one decoding of a document's merged probabilities that `ie tag`,
    the held-out scores of training and `spans_from_windows` all use."""
    seq, scores = decode(probs, tags)
    return trim_whitespace(text, seq), scores


def spans_from_windows(text: str, outputs: list[WindowOutput], tags: list[str]) -> list[Entity]:
    seq, scores = decode_text(text, merge_windows(len(text), outputs, len(tags)), tags)
    return bio_to_spans(text, seq, scores, source="model")

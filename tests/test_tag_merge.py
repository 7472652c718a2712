"""Window merging: each character from the window where it is farthest from an edge; one decode per document."""
from __future__ import annotations

import numpy as np
import pytest

from ie.convert import windows
from ie.labels import bio_labels
from ie.tag.encoding import CharEncoder
from ie.tag.infer import Tagger, kept_stretches
from ie.tag.merge import WindowOutput, decode, merge_windows, spans_from_windows
from ie.tag.vocab import CharVocab

TAGS = bio_labels()
T = {t: i for i, t in enumerate(TAGS)}


def onehot(tags: list[str], p: float = 0.9) -> np.ndarray:
    out = np.full((len(tags), len(TAGS)), (1 - p) / (len(TAGS) - 1), dtype=np.float32)
    for i, t in enumerate(tags):
        out[i, T[t]] = p
    return out


def window_output(start: int, end: int, tags: list[str]) -> WindowOutput:
    n = end - start
    probs = np.vstack([onehot(["O"]), onehot(tags), onehot(["O"])])      # [CLS] ... [SEP]
    return WindowOutput(start, end, [-1, *range(n), -1], probs)


def test_tag_merge_entity_straddling_a_window_edge_comes_out_once_whole():
    text = "本年共收到申请一千二百件，均已办结。"          # 18 chars; COUNT = 一千二百件 at 7..12
    gold = ["O"] * 7 + ["B-COUNT"] + ["I-COUNT"] * 4 + ["O"] * 6
    spans = windows(len(text), 10, 6)
    assert spans == [(0, 10), (6, 16), (12, 18)]
    outs = []
    for s, e in spans:
        seen = gold[s:e]
        if s == 0:
            # the first window is cut inside the entity: at its last two chars ("千二") it says O
            seen = seen[:8] + ["O", "O"]
        if s == 6:
            # the second window starts inside nothing, sees the entity whole, but garbles its own last char
            seen = seen[:-1] + ["B-DATE"]
        outs.append(window_output(s, e, seen))
    ents = spans_from_windows(text, outs, TAGS)
    assert [(x.label, x.start, x.end, x.text) for x in ents] == [("COUNT", 7, 12, "一千二百件")]
    assert all(x.source == "model" and 0 < x.score <= 1 for x in ents)


def test_tag_merge_prefers_the_window_farther_from_an_edge():
    outs = [window_output(0, 10, ["O"] * 9 + ["B-DATE"]),        # char 9 at w0's right edge: distance 0
            window_output(6, 16, ["O"] * 10)]                   # char 9 at distance 3 from w1's left edge
    probs = merge_windows(16, outs, len(TAGS))
    assert probs[9].argmax() == T["O"]
    # a document edge is not a window edge: char 0 and char 15 are taken from their only window
    assert not np.isnan(probs).any()


def test_tag_decode_uncovered_space_inside_an_entity_stays_inside():
    probs = np.vstack([onehot(["B-DATE", "I-DATE"]), np.full((1, len(TAGS)), np.nan), onehot(["I-DATE", "O"])])
    tags, scores = decode(probs, TAGS)
    assert tags == ["B-DATE", "I-DATE", "I-DATE", "I-DATE", "O"]
    probs[3] = onehot(["O"])[0]
    tags, _ = decode(probs, TAGS)
    assert tags[2] == "O"                                         # no continuation after the gap: O


def mix(**p: float) -> np.ndarray:
    row = np.full(len(TAGS), 0.0, dtype=np.float32)
    for k, v in p.items():
        row[T[k.replace("_", "-")]] = v
    row[T["O"]] += 1 - row.sum()
    return row


def test_tag_decode_unsure_b_inside_a_run_does_not_split_the_entity():
    # "体176个，": the model is sure 1..个 are a COUNT but hesitates between B- and I- on "7"
    probs = np.vstack([mix(), mix(B_COUNT=0.84, I_COUNT=0.11), mix(B_COUNT=0.53, I_COUNT=0.15, I_PERCENT=0.26),
                       mix(I_COUNT=0.58, B_COUNT=0.13), mix(I_COUNT=0.97), mix()])
    tags, scores = decode(probs, TAGS)
    assert tags == ["O", "B-COUNT", "I-COUNT", "I-COUNT", "I-COUNT", "O"]
    assert scores[2] == pytest.approx(0.68)               # P(B-COUNT) + P(I-COUNT)
    # a confident B- does start a second entity of the same type
    probs[3] = mix(B_COUNT=0.95)
    assert decode(probs, TAGS)[0][3] == "B-COUNT"


def test_tag_calibrated_softmax_undoes_the_o_weight_of_training():
    import numpy as np

    from ie.tag.merge import calibrated_softmax

    logits = np.array([[2.0, 1.0, 0.5], [0.0, 0.5, 0.0]], dtype=np.float32)
    plain = calibrated_softmax(logits, 0, 1.0)
    assert np.allclose(plain.sum(-1), 1.0)
    adjusted = calibrated_softmax(logits, 0, 0.5)
    assert np.allclose(adjusted.sum(-1), 1.0)
    # trained with O weighted by w, the model's odds of O against any tag are w times the true odds
    odds_plain = plain[:, 0] / plain[:, 1]
    odds_adjusted = adjusted[:, 0] / adjusted[:, 1]
    assert np.allclose(odds_adjusted, odds_plain / 0.5)
    # the other tags keep their ratio
    assert np.allclose(adjusted[:, 1] / adjusted[:, 2], plain[:, 1] / plain[:, 2])
    # a close call the weighted model gives to an entity tag goes back to O once the weight is undone
    assert plain[1].argmax() == 1 and adjusted[1].argmax() == 0


def test_tag_decode_a_run_takes_one_type_by_probability_mass():
    # "于2018年": the model is sure all five characters are inside an entity, but calls "0" a COUNT
    probs = np.vstack([mix(), mix(B_DATE=0.8), mix(I_COUNT=0.5, I_DATE=0.4), mix(I_DATE=0.7, I_COUNT=0.2),
                       mix(I_DATE=0.9), mix(I_DATE=0.85), mix()])
    tags, scores = decode(probs, TAGS)
    assert tags == ["O", "B-DATE", "I-DATE", "I-DATE", "I-DATE", "I-DATE", "O"]
    assert scores[2] == pytest.approx(0.4)                  # its probability of the type it got
    # a character whose entity mass does not beat O ends the run
    probs[3] = mix(I_DATE=0.3, I_COUNT=0.15)
    assert decode(probs, TAGS)[0] == ["O", "B-DATE", "I-DATE", "O", "B-DATE", "I-DATE", "O"]


def test_tag_trim_whitespace_moves_entity_edges_off_spaces():
    from ie.tag.merge import trim_whitespace

    text = "于 二〇一三年 一月 。"
    tags = ["O", "B-DATE", "I-DATE", "I-DATE", "I-DATE", "I-DATE", "I-DATE", "I-DATE", "I-DATE", "I-DATE",
            "I-DATE", "O"]
    assert len(tags) == len(text)
    out = trim_whitespace(text, tags)
    assert out[1] == "O" and out[2] == "B-DATE" and out[10] == "O"
    assert out[7] == "I-DATE"                         # the space inside stays inside
    # an entity of whitespace only is dropped; adjacent entities keep their own boundaries
    assert trim_whitespace("a \nb", ["O", "B-COUNT", "I-COUNT", "B-DATE"]) == ["O", "O", "O", "B-DATE"]


# ------------------------------------------------------------------ Tagger.tag(skip=...): stretches tagged alone


def digit_tagger(window: int = 16, stride: int = 12) -> tuple[Tagger, list[list[int]]]:
    """A Tagger whose 'model' calls every digit a COUNT (B- after a non-digit, else I-); it records the ids of
    every window it is shown."""
    vocab = CharVocab.build("0123456789")
    digits = {vocab.id_of(c) for c in "0123456789"}
    seen: list[list[int]] = []

    def runner(ids, mask, types=None):
        out = np.full(ids.shape + (len(TAGS),), -5.0, dtype=np.float32)
        for b, row in enumerate(ids):
            seen.append([int(x) for x, m in zip(row, mask[b]) if m])
            for i, x in enumerate(row):
                tag = "O" if x not in digits else ("I-COUNT" if i and row[i - 1] in digits else "B-COUNT")
                out[b, i, T[tag]] = 5.0
        return out

    meta = {"window": window, "stride": stride, "tags": TAGS}
    return Tagger(None, CharEncoder(vocab), meta, runner=runner), seen


def test_tag_kept_stretches_are_the_complement_of_the_skipped_ranges():
    assert kept_stretches(10, []) == [(0, 10)]
    assert kept_stretches(10, [(6, 8), (2, 4), (3, 5)]) == [(0, 2), (5, 6), (8, 10)]
    assert kept_stretches(10, [(0, 3), (8, 20)]) == [(3, 8)]
    assert kept_stretches(10, [(0, 10)]) == []


def test_tag_skip_tags_no_character_inside_a_skipped_range():
    text = "收到申请12件，办结12件。表三 本年新收 7 3 0 1 结转 5。复议2起，诉讼0起。"
    a, b = text.index("表三"), text.index("复议")
    tagger, seen = digit_tagger()
    ents = tagger.tag(text, skip=[(a, b)])
    assert [e.text for e in ents] == ["12", "12", "2", "0"]
    assert all(text[e.start:e.end] == e.text for e in ents)
    assert all(e.end <= a or e.start >= b for e in ents)
    # the skipped characters never reach the model: fewer windows than the whole text needs
    skipped = set(tagger.encoder.vocab.encode(text[a:b])) - set(tagger.encoder.vocab.encode(text[:a] + text[b:]))
    assert skipped and not any(skipped & set(w) for w in seen)


def test_tag_skip_cuts_an_entity_at_the_edge_of_a_skipped_range():
    text = "共计123456件"
    tagger, _ = digit_tagger()
    assert [e.text for e in tagger.tag(text)] == ["123456"]
    assert [(e.text, e.start) for e in tagger.tag(text, skip=[(4, 6)])] == [("12", 2), ("56", 6)]

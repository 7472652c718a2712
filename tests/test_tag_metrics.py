"""Document-level seqeval scores (strict IOB2) on hand-built documents."""
from __future__ import annotations

import pytest

from ie.tag.metrics import entity_scores


def test_tag_metrics_document_level_per_type():
    gold = [["B-COUNT", "I-COUNT", "O", "B-DATE", "I-DATE"], ["O", "B-COUNT", "I-COUNT", "O"]]
    pred = [["B-COUNT", "I-COUNT", "O", "B-DATE", "O"],          # DATE cut short: wrong in strict mode
            ["O", "I-COUNT", "I-COUNT", "O"]]                    # no B-: strict IOB2 gives no entity
    s = entity_scores(gold, pred)
    # 3 gold entities, 2 predicted, 1 right
    assert s["support"] == 3
    assert s["precision"] == pytest.approx(1 / 2)
    assert s["recall"] == pytest.approx(1 / 3)
    assert s["f1"] == pytest.approx(0.4)
    assert s["per_type"]["COUNT"] == {"precision": 1.0, "recall": 0.5, "f1": pytest.approx(2 / 3), "support": 2}
    assert s["per_type"]["DATE"]["f1"] == 0.0


def test_tag_metrics_no_entities_anywhere_is_guarded():
    s = entity_scores([["O", "O"]], [["O", "O"]])
    assert s["f1"] == 1.0 and s["support"] == 0
    s = entity_scores([["O", "O"]], [["B-DATE", "O"]])
    assert s["precision"] == 0.0 and s["support"] == 0


def test_tag_metrics_rejects_misaligned_documents():
    with pytest.raises(ValueError):
        entity_scores([["O", "O"]], [["O"]])

"""Document-level entity scores with seqeval (strict IOB2): one sequence per whole document, not per window."""
from __future__ import annotations


def _has_entity(seqs: list[list[str]]) -> bool:
    return any(t != "O" for s in seqs for t in s)


def entity_scores(gold: list[list[str]], pred: list[list[str]]) -> dict:
    """Micro P/R/F1 plus per-type P/R/F1/support, entity level, strict IOB2.

    seqeval raises when neither side holds an entity; nothing to find and nothing found is scored as
    perfect agreement (1.0) with zero support, so an empty held-out set cannot crash a training run.
    """
    if len(gold) != len(pred) or any(len(g) != len(p) for g, p in zip(gold, pred)):
        raise ValueError("gold and predicted documents differ in number or length")
    if not _has_entity(gold) and not _has_entity(pred):
        return {"precision": 1.0, "recall": 1.0, "f1": 1.0, "support": 0, "per_type": {}}
    from seqeval.metrics import classification_report
    from seqeval.scheme import IOB2

    rep = classification_report(gold, pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
    micro = rep.pop("micro avg")
    for k in ("macro avg", "weighted avg"):
        rep.pop(k, None)
    per_type = {
        lab: {"precision": float(v["precision"]), "recall": float(v["recall"]), "f1": float(v["f1-score"]),
              "support": int(v["support"])}
        for lab, v in sorted(rep.items())
    }
    return {"precision": float(micro["precision"]), "recall": float(micro["recall"]),
            "f1": float(micro["f1-score"]), "support": int(micro["support"]), "per_type": per_type}


def flat(scores: dict, prefix: str = "") -> dict[str, float]:
    """{'f1': .., 'COUNT_f1': ..} for Trainer logs (numbers only)."""
    out = {f"{prefix}{k}": float(scores[k]) for k in ("precision", "recall", "f1")}
    for lab, v in scores["per_type"].items():
        out[f"{prefix}{lab}_f1"] = v["f1"]
    return out


def markdown_table(scores: dict) -> str:
    rows = ["| type | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
    for lab, v in scores["per_type"].items():
        rows.append(f"| {lab} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} |")
    rows.append(f"| **all (micro)** | {scores['precision']:.3f} | {scores['recall']:.3f} | {scores['f1']:.3f} | "
                f"{scores['support']} |")
    return "\n".join(rows)

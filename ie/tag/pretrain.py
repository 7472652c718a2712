"""Masked-language-model warm-up of a locally initialised BERT on the training documents' own text.

A BERT trained from scratch on ~11 reports learns which characters are entities faster than how their
neighbours decide it (`年` alone came out as a DATE at 0.99 in `全年`). A short MLM phase on the same text
first ("task-adaptive pre-training", Gururangan et al. 2020) teaches the encoder to predict a character from
its context — exactly the skill the tagger lacks — before any label is seen. Only training documents (and
their augmented copies) are read; held-out documents never are. The encoder weights then start the tagger.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass


@dataclass
class MaskCollator:
    """BERT masking over character ids: `prob` of the real tokens are chosen; of those 80% become [MASK],
    10% a random character, 10% stay. Labels are the original ids at chosen positions, -100 elsewhere; the
    rows' own tag labels, if any, are ignored (the same RandomCrops rows serve the warm-up and the tagging)."""

    pad_id: int
    mask_id: int
    special_ids: tuple[int, ...]
    vocab_size: int
    prob: float = 0.15

    def __call__(self, rows: list[dict]):
        import torch

        from ie.tag.data import PadCollator

        batch = PadCollator(self.pad_id)([{k: v for k, v in r.items() if k != "labels"} for r in rows])
        ids, mask = batch["input_ids"], batch["attention_mask"]
        maskable = mask.bool() & ~torch.isin(ids, torch.tensor(self.special_ids))
        chosen = maskable & (torch.rand(ids.shape) < self.prob)
        labels = torch.where(chosen, ids, torch.full_like(ids, -100))
        roll = torch.rand(ids.shape)
        inputs = ids.clone()
        inputs[chosen & (roll < 0.8)] = self.mask_id
        swap = chosen & (roll >= 0.8) & (roll < 0.9)
        # random replacements are drawn from the ids after the specials (characters, not [CLS] or [PAD])
        inputs[swap] = torch.randint(max(self.special_ids) + 1, self.vocab_size, (int(swap.sum()),))
        batch.update(input_ids=inputs, labels=labels)
        return batch


def _masked_lm(config):
    """BertForMaskedLM that scores only the masked positions: the output layer spans the whole character
    vocabulary (~8,000 entries), and running it over every position made a warm-up step twice as slow as a
    tagging step. Same modules and parameter names as BertForMaskedLM, so `.bert` is the encoder."""
    import torch
    from transformers import BertForMaskedLM

    class MaskedPositionsLM(BertForMaskedLM):
        def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, labels=None, **kwargs):
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                               token_type_ids=token_type_ids).last_hidden_state
            chosen = labels != -100
            logits = self.cls(hidden[chosen])
            loss = torch.nn.functional.cross_entropy(logits.float(), labels[chosen]) if chosen.any() \
                else hidden.sum() * 0.0
            return {"loss": loss, "logits": logits}

    return MaskedPositionsLM(config)


def mlm_warmup(cfg, model, encoder, crops, output_dir) -> dict:
    """Train `model.bert` (a BertForTokenClassification's encoder) as a masked LM on `crops` in place.

    Returns {"mlm_seconds", "mlm_steps", "mlm_loss"}. The MLM head is thrown away afterwards; the word
    embeddings it is tied to are the tagger's own, so they keep what the warm-up taught them.
    """
    import time

    import torch
    from transformers import Trainer, TrainingArguments

    from ie.tag.train import _precision_flags

    mlm = _masked_lm(model.config)
    mlm.bert.load_state_dict(model.bert.state_dict(), strict=False)   # same initial encoder (sinusoid positions)
    vocab = encoder.vocab
    collate = MaskCollator(pad_id=vocab.pad_id, mask_id=vocab.mask_id,
                           special_ids=tuple(vocab.special_ids), vocab_size=len(vocab), prob=cfg.mlm_mask_prob)
    args = TrainingArguments(
        output_dir=str(output_dir), learning_rate=cfg.learning_rate, weight_decay=cfg.weight_decay,
        warmup_steps=cfg.warmup_ratio, num_train_epochs=cfg.mlm_epochs, per_device_train_batch_size=cfg.batch_size,
        seed=cfg.seed, save_strategy="no", logging_steps=cfg.logging_steps, report_to=[], disable_tqdm=False,
        dataloader_num_workers=0, remove_unused_columns=False, dataloader_pin_memory=torch.cuda.is_available(),
        **_precision_flags(cfg.precision),
    )
    t0 = time.perf_counter()
    result = Trainer(model=mlm, args=args, train_dataset=crops, data_collator=collate).train()
    shutil.rmtree(output_dir, ignore_errors=True)    # the Trainer's scratch directory; nothing is saved there
    missing, unexpected = model.bert.load_state_dict(mlm.bert.state_dict(), strict=False)
    if unexpected or any("pooler" not in k for k in missing):
        raise RuntimeError(f"MLM encoder does not fit the tagger: missing {missing}, unexpected {unexpected}")
    return {"mlm_seconds": time.perf_counter() - t0, "mlm_steps": result.global_step,
            "mlm_loss": result.training_loss}

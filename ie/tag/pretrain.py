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


# ------------------------------------------------------------------------------------ `ie pretrain`

@dataclass
class PretrainConfig:
    """Every field is documented in configs/pretrain.yaml."""

    texts: list = None                   # globs of plain-text reports (relative to the working directory)
    output_dir: str = "checkpoints/pretrained"
    init_layers: int = 3
    init_hidden: int = 192
    init_heads: int = 4
    init_intermediate: int = 768
    init_dropout: float = 0.1
    window: int = 128
    stride: int = 96
    learning_rate: float = 1e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.05
    epochs: float = 6.0
    max_steps: int = -1
    max_minutes: float = 25.0            # stop (and save) after this much training time, whatever the schedule
    batch_size: int = 32
    mask_prob: float = 0.15
    seed: int = 42
    num_threads: int = 1
    save_dtype: str = "float16"
    logging_steps: int = 50

    def __post_init__(self):
        if not self.texts:
            raise ValueError("texts: give at least one glob of report texts")
        from ie.tag.train import coerce_numbers

        coerce_numbers(self)
        if not 0 < self.stride <= self.window:
            raise ValueError(f"need 0 < stride ({self.stride}) <= window ({self.window})")
        if self.save_dtype not in ("float32", "float16"):
            raise ValueError(f"save_dtype must be float32|float16, not {self.save_dtype!r}")


def load_pretrain_config(path, **overrides) -> PretrainConfig:
    from ie.tag.train import build_config, read_config

    return build_config(PretrainConfig, read_config(path), path, overrides)


def read_texts(globs: list[str]) -> list[tuple[str, str]]:
    """(name, normalized text) of every file the globs match, read and normalized exactly as `ie extract`
    reads a report, so the encoder learns the characters it will see. Files that cannot be read are skipped
    with a message naming them."""
    import glob
    import sys

    from ie.models import ReadError
    from ie.normalize import normalize_document
    from ie.read import read_document

    files = sorted({p for g in globs for p in glob.glob(g, recursive=True)})
    out = []
    for f in files:
        if f.endswith(("README.md", ".tsv")):
            continue
        try:
            out.append((f, normalize_document(read_document(f)).text))
        except (ReadError, OSError) as exc:
            print(f"ie pretrain: skipped {exc}", file=sys.stderr)
    if not out:
        raise ValueError(f"texts {globs}: no readable report matched")
    return out


class TextCrops:
    """Windows of raw text cut at a fresh random start each time (as ie.tag.data.RandomCrops, no labels)."""

    def __init__(self, texts: list[str], encoder, window: int, stride: int, seed: int = 0):
        import numpy as np

        from ie.convert import windows

        self.texts = texts
        self.items = [i for i, t in enumerate(texts) for _ in windows(len(t), window, stride)]
        self.encoder, self.window = encoder, window
        self.rng = np.random.default_rng(seed)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> dict:
        text = self.texts[self.items[i]]
        n, w = len(text), self.window
        start = int(self.rng.integers(0, n - w + 1)) if n > w else 0
        return {"input_ids": self.encoder.encode(text[start: start + w]).input_ids}


def pretrain(cfg: PretrainConfig, config_path: str | None = None) -> dict:
    """Masked-LM pretraining of a fresh character BERT on report texts; saves a checkpoint that
    `model_name_or_path` of a tagger or role config can name (config.json, model.safetensors, vocab.txt,
    tagger.json with the char encoder, pretrain_config.yaml, metrics.json)."""
    import dataclasses
    import json
    import time
    from pathlib import Path

    import torch
    import yaml
    from transformers import Trainer, TrainerCallback, TrainingArguments, set_seed

    from ie.tag.encoding import CharEncoder, save_encoder
    from ie.tag.model import init_sinusoidal, small_bert_config
    from ie.tag.train import _precision_flags
    from ie.tag.vocab import CharVocab

    torch.set_num_threads(cfg.num_threads)
    set_seed(cfg.seed)
    docs = read_texts(cfg.texts)
    texts = [t for _, t in docs if t]
    encoder = CharEncoder(CharVocab.build(texts))
    vocab = encoder.vocab
    config = small_bert_config(cfg, len(vocab), vocab.pad_id, cfg.window + 2)
    mlm = _masked_lm(config)
    init_sinusoidal(mlm.bert.embeddings.position_embeddings.weight, config.initializer_range)
    crops = TextCrops(texts, encoder, cfg.window, cfg.stride, cfg.seed)
    collate = MaskCollator(pad_id=vocab.pad_id, mask_id=vocab.mask_id, special_ids=tuple(vocab.special_ids),
                           vocab_size=len(vocab), prob=cfg.mask_prob)
    out = Path(cfg.output_dir)
    limit = cfg.max_minutes * 60

    class TimeLimit(TrainerCallback):
        # a shared CPU runs at an unknown speed: stop on the clock, the learning-rate schedule notwithstanding
        def on_step_end(self, args, state, control, **kw):
            if time.perf_counter() - t0 > limit:
                control.should_training_stop = True

    args = TrainingArguments(
        output_dir=str(out / "_scratch"), learning_rate=cfg.learning_rate, weight_decay=cfg.weight_decay,
        warmup_steps=cfg.warmup_ratio, num_train_epochs=cfg.epochs, max_steps=cfg.max_steps,
        per_device_train_batch_size=cfg.batch_size, seed=cfg.seed, save_strategy="no",
        logging_steps=cfg.logging_steps, report_to=[], disable_tqdm=False, dataloader_num_workers=0,
        remove_unused_columns=False, dataloader_pin_memory=torch.cuda.is_available(),
        **_precision_flags("auto"))
    trainer = Trainer(model=mlm, args=args, train_dataset=crops, data_collator=collate, callbacks=[TimeLimit()])
    t0 = time.perf_counter()
    result = trainer.train()
    seconds = time.perf_counter() - t0
    shutil.rmtree(out / "_scratch", ignore_errors=True)
    losses = [h["loss"] for h in trainer.state.log_history if "loss" in h]
    metrics = {"documents": len(texts), "characters": sum(map(len, texts)), "windows_per_epoch": len(crops),
               "steps": result.global_step, "epochs_done": result.global_step * cfg.batch_size / max(len(crops), 1),
               "seconds": seconds, "final_loss": losses[-1] if losses else None, "first_loss": losses[0] if losses else None,
               "torch_threads": torch.get_num_threads()}
    if trainer.is_world_process_zero():
        out.mkdir(parents=True, exist_ok=True)
        model = trainer.model
        if cfg.save_dtype == "float16":
            model = model.to(torch.float16)
        model.save_pretrained(str(out))
        save_encoder(encoder, out, cfg.window, cfg.stride, [])
        header = f"# copy of {config_path}\n" if config_path else ""
        (out / "pretrain_config.yaml").write_text(
            header + yaml.safe_dump(dataclasses.asdict(cfg), allow_unicode=True, sort_keys=False), encoding="utf-8")
        (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return metrics


def register(subparsers) -> None:
    p = subparsers.add_parser("pretrain", help="masked-LM pretraining of the character BERT on report texts",
                              description="Masked-LM pretraining of the character BERT on report texts "
                                          "(every field of the config documented in configs/pretrain.yaml).")
    p.add_argument("--config", required=True, help="YAML config (see configs/pretrain.yaml)")
    p.add_argument("--output-dir", help="override `output_dir`")
    p.add_argument("--max-steps", type=int, help="override `max_steps`")
    p.add_argument("--max-minutes", type=float, help="override `max_minutes`")
    p.set_defaults(func=run)


def run(args) -> int:
    import sys

    try:
        cfg = load_pretrain_config(args.config, output_dir=args.output_dir, max_steps=args.max_steps,
                                   max_minutes=args.max_minutes)
        m = pretrain(cfg, args.config)
    except (ValueError, FileNotFoundError) as exc:
        print(f"ie pretrain: {exc}", file=sys.stderr)
        return 2
    print(f"saved {cfg.output_dir}: {m['steps']} steps ({m['epochs_done']:.1f} epochs) in {m['seconds']:.0f} s, "
          f"MLM loss {m['first_loss']} -> {m['final_loss']}")
    return 0

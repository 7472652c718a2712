"""Build a token-classification model: a small BERT initialised here ("init:small"), or a hub checkpoint."""
from __future__ import annotations

from pathlib import Path

INIT_PREFIX = "init:"


def is_local_init(name: str) -> bool:
    return name.startswith(INIT_PREFIX)


def is_char_checkpoint(name: str) -> bool:
    """A local directory holding a character BERT of ours (`ie pretrain` output, or a trained tagger)."""
    import json

    meta = Path(name) / "tagger.json"
    try:
        return meta.is_file() and json.loads(meta.read_text(encoding="utf-8")).get("encoder") == "char"
    except (OSError, ValueError):
        return False


def make_encoder(cfg, texts: list[str]):
    """Our character vocab for locally initialised models (built from the texts) and for our own character
    checkpoints (theirs, unchanged: the embeddings belong to it); the checkpoint's own tokenizer for hub models."""
    from ie.tag.encoding import CharEncoder, WordpieceEncoder
    from ie.tag.vocab import CharVocab

    if is_local_init(cfg.model_name_or_path):
        return CharEncoder(CharVocab.build(texts), char_classes=cfg.init_char_classes)
    if is_char_checkpoint(cfg.model_name_or_path):
        if cfg.init_char_classes:
            raise ValueError("init_char_classes: a pretrained character checkpoint has no character-class types")
        return CharEncoder(CharVocab.load(cfg.model_name_or_path))
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(cfg.model_name_or_path)
    return WordpieceEncoder(tok, max_tokens=cfg.max_tokens)


def small_bert_config(cfg, vocab_size: int, pad_id: int, positions: int, **extra):
    """The BertConfig of a model trained from scratch (`init:small` in ie train, and ie pretrain): sizes from the
    config's init_* fields, position embeddings for `positions` tokens rounded up to a multiple of 8."""
    from transformers import BertConfig

    return BertConfig(
        vocab_size=vocab_size, hidden_size=cfg.init_hidden, num_hidden_layers=cfg.init_layers,
        num_attention_heads=cfg.init_heads, intermediate_size=cfg.init_intermediate,
        hidden_dropout_prob=cfg.init_dropout, attention_probs_dropout_prob=cfg.init_dropout,
        max_position_embeddings=-(-positions // 8) * 8, pad_token_id=pad_id, **extra)


def kept_layers(cfg) -> dict:
    """from_pretrained's config override for `keep_layers`: the checkpoint's first N encoder layers, the rest
    of its weights unused. Fewer layers, proportionally less arithmetic per character (extract's speed)."""
    if cfg.keep_layers < 0:
        raise ValueError(f"keep_layers {cfg.keep_layers}: 0 (all the checkpoint's layers) or a count")
    if not cfg.keep_layers:
        return {}
    from transformers import AutoConfig

    have = AutoConfig.from_pretrained(cfg.model_name_or_path).num_hidden_layers
    if cfg.keep_layers > have:
        raise ValueError(f"keep_layers {cfg.keep_layers}: {cfg.model_name_or_path} has {have} layers")
    return {"num_hidden_layers": cfg.keep_layers}


def build_model(cfg, encoder, tags: list[str]):
    from transformers import AutoModelForTokenClassification, BertForTokenClassification

    from ie.tag.encoding import CHAR_CLASSES

    id2label = dict(enumerate(tags))
    label2id = {t: i for i, t in enumerate(tags)}
    if is_local_init(cfg.model_name_or_path):
        config = small_bert_config(
            cfg, encoder.vocab_size, encoder.pad_id, cfg.window + 2,     # [CLS] + window + [SEP]
            # token types carry the character classes when asked for (plain BERT: a bigger type table)
            type_vocab_size=len(CHAR_CLASSES) if cfg.init_char_classes else 2,
            num_labels=len(tags), id2label=id2label, label2id=label2id,
        )
        model = BertForTokenClassification(config)
        if cfg.init_sinusoidal_positions:
            init_sinusoidal(model.bert.embeddings.position_embeddings.weight, config.initializer_range)
        return model
    if is_char_checkpoint(cfg.model_name_or_path):
        # our pretrained character BERT (ie pretrain): its encoder, a new token-classification head
        import torch

        model = BertForTokenClassification.from_pretrained(
            cfg.model_name_or_path, num_labels=len(tags), id2label=id2label, label2id=label2id,
            use_safetensors=True, dtype=torch.float32, **kept_layers(cfg))
        if model.config.max_position_embeddings < cfg.window + 2:
            raise ValueError(f"{cfg.model_name_or_path}: {model.config.max_position_embeddings} positions, window "
                             f"{cfg.window} needs {cfg.window + 2}")
        return model
    # a hub checkpoint or a local directory; never trust_remote_code (plain BERT architectures only)
    return AutoModelForTokenClassification.from_pretrained(
        cfg.model_name_or_path, num_labels=len(tags), id2label=id2label, label2id=label2id,
        ignore_mismatched_sizes=True, **kept_layers(cfg),
    )


def init_sinusoidal(weight, std: float) -> None:
    """Start learned position embeddings from the sinusoid table (scaled to the init std): relative offsets
    are then linear in the embeddings from step one, so a small model trained from scratch learns
    "look at the previous/next character" much sooner. Only the start value: the model stays plain BERT."""
    import math

    import torch

    n, d = weight.shape
    pos = torch.arange(n, dtype=torch.float32)[:, None]
    div = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * (-math.log(10000.0) / d))
    table = torch.zeros(n, d)
    table[:, 0::2] = torch.sin(pos * div)
    table[:, 1::2] = torch.cos(pos * div)[:, : d // 2]
    with torch.no_grad():
        weight.copy_(table * (std / table.std()))


def load_trained(path: str | Path, dtype=None):
    """A saved tagger model: safetensors only, no remote code; weights stored as fp16 come back as fp32."""
    import torch
    from transformers import AutoModelForTokenClassification

    from transformers.utils import logging as hf_logging

    path = Path(path)
    if not (path / "model.safetensors").exists():
        raise FileNotFoundError(f"{path}: no model.safetensors (only safetensors weights are loaded)")
    hf_logging.disable_progress_bar()   # a "Loading weights" bar per worker would garble a batch's own bar
    model = AutoModelForTokenClassification.from_pretrained(
        str(path), use_safetensors=True, trust_remote_code=False, dtype=dtype or torch.float32)
    model.eval()
    return model

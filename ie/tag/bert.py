"""Inference for a saved BERT token classifier in plain torch: config.json + model.safetensors, no transformers.

`ie extract` with the shipped tagger needs only the forward pass of a small plain BERT. Importing
transformers and building its model costs more than tagging a whole report (seconds on the project's 2
cores), so the forward pass is written out here: the same arithmetic as transformers'
`BertForTokenClassification` in eval mode (absolute positions, post-LayerNorm blocks, GELU, no dropout), with
query, key and value in one matrix product. `supported(config)` names what this covers; any other model
(another architecture, relative positions, an unusual activation) loads through transformers as before
(`ie.tag.model.load_trained`). tests/test_tag_bert.py checks the logits against transformers'.
"""
from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace

import torch
import torch.nn.functional as F

_ACTIVATIONS = {"gelu": F.gelu, "relu": F.relu,
                "gelu_new": lambda x: F.gelu(x, approximate="tanh"),
                "gelu_pytorch_tanh": lambda x: F.gelu(x, approximate="tanh")}


def supported(config: dict, architecture: str = "BertForTokenClassification") -> str | None:
    """None when this module runs the model exactly; else why not (the caller falls back to transformers)."""
    if config.get("model_type") != "bert" or config.get("architectures") != [architecture]:
        return f"architecture {config.get('architectures')} of type {config.get('model_type')}"
    if config.get("position_embedding_type", "absolute") != "absolute":
        return f"position embeddings {config['position_embedding_type']}"
    if config.get("hidden_act") not in _ACTIVATIONS:
        return f"activation {config.get('hidden_act')}"
    if config.get("is_decoder") or config.get("add_cross_attention"):
        return "a decoder"
    return None


def _weight_names(layers: int) -> list[str]:
    names = ["embeddings.word_embeddings", "embeddings.position_embeddings", "embeddings.token_type_embeddings"]
    out = [n + ".weight" for n in names]
    blocks = ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense",
              "attention.output.LayerNorm", "intermediate.dense", "output.dense", "output.LayerNorm"]
    for part in ["embeddings.LayerNorm", "classifier"] + [f"encoder.layer.{i}.{n}" for i in range(layers) for n in blocks]:
        out += [part + ".weight", part + ".bias"]
    return out


class BertTagger(torch.nn.Module):
    """Eval-only BERT + token classification head; `forward(...)` returns an object with `.logits` like
    transformers' models do, so Tagger and the ONNX export treat both alike."""

    def __init__(self, config: dict, weights: dict[str, torch.Tensor]):
        super().__init__()
        # the saved config as attributes, like a transformers config (labels keyed by int, num_labels)
        self.config = SimpleNamespace(**{
            **config, "num_labels": len(config["id2label"]),
            "id2label": {int(k): v for k, v in config["id2label"].items()}})
        self.heads = int(config["num_attention_heads"])
        # sizes as Python ints, not read off tensors: the ONNX export (ie.tag.onnx) traces them as constants
        self.hidden = int(config["hidden_size"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.act = _ACTIVATIONS[config["hidden_act"]]
        self.layers = int(config["num_hidden_layers"])
        w = {k.removeprefix("bert."): v.float() for k, v in weights.items()}
        missing = [n for n in _weight_names(self.layers) if n not in w]
        if missing:
            raise KeyError(f"weights missing: {missing[:3]}")
        self.w = w
        # one matrix product for query, key and value
        self.qkv = [(torch.cat([w[f"encoder.layer.{i}.attention.self.{n}.weight"] for n in ("query", "key", "value")]),
                     torch.cat([w[f"encoder.layer.{i}.attention.self.{n}.bias"] for n in ("query", "key", "value")]))
                    for i in range(self.layers)]

    # The ONNX export (ie.tag.onnx) traces attention written out with an additive mask, the form ONNX Runtime
    # runs fastest (fused or as plain MatMul/Softmax); SDPA with a boolean mask traces into NaN guards.
    explicit_attention = False

    def _attention(self, q, k, v, attention_mask, d: int):
        scores = torch.matmul(q, k.transpose(-1, -2)) * (1 / math.sqrt(d))
        if attention_mask is not None:
            scores = scores + (1.0 - attention_mask[:, None, None, :].to(scores.dtype)) * -1e9
        return torch.matmul(torch.softmax(scores, dim=-1), v)

    def as_buffers(self) -> "BertTagger":
        """Register the weights as buffers, so that an export stores them as initializers (what ONNX Runtime's
        graph optimizations and int8 quantization work on) instead of inline constants."""
        for i, key in enumerate(list(self.w)):
            self.register_buffer(f"w{i}", self.w[key])
            self.w[key] = getattr(self, f"w{i}")
        for i, (wq, bq) in enumerate(self.qkv):
            self.register_buffer(f"qkv{i}_w", wq)
            self.register_buffer(f"qkv{i}_b", bq)
            self.qkv[i] = (getattr(self, f"qkv{i}_w"), getattr(self, f"qkv{i}_b"))
        return self

    def _ln(self, x, name):
        return F.layer_norm(x, (self.hidden,), self.w[name + ".weight"], self.w[name + ".bias"], self.eps)

    def _linear(self, x, name):
        return F.linear(x, self.w[name + ".weight"], self.w[name + ".bias"])

    def forward(self, input_ids, attention_mask=None, token_type_ids=None):
        return SimpleNamespace(logits=self._linear(self.encode(input_ids, attention_mask, token_type_ids),
                                                   "classifier"))

    def encode(self, input_ids, attention_mask=None, token_type_ids=None):
        """The last layer's hidden states (batch x tokens x hidden)."""
        w = self.w
        b, t = input_ids.shape
        types = token_type_ids if token_type_ids is not None else torch.zeros_like(input_ids)
        x = (F.embedding(input_ids, w["embeddings.word_embeddings.weight"])
             + w["embeddings.position_embeddings.weight"][:t]
             + F.embedding(types, w["embeddings.token_type_embeddings.weight"]))
        x = self._ln(x, "embeddings.LayerNorm")
        mask = None
        if attention_mask is not None:
            mask = attention_mask[:, None, None, :].bool()        # True = attend
        h = self.hidden
        d = h // self.heads
        for i in range(self.layers):
            p = f"encoder.layer.{i}."
            q, k, v = F.linear(x, *self.qkv[i]).view(b, t, 3, self.heads, d).permute(2, 0, 3, 1, 4)
            if self.explicit_attention:
                ctx = self._attention(q, k, v, attention_mask, d)
            else:
                ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, scale=1 / math.sqrt(d))
            ctx = ctx.transpose(1, 2).reshape(b, t, h)
            x = self._ln(self._linear(ctx, p + "attention.output.dense") + x, p + "attention.output.LayerNorm")
            f = self._linear(self.act(self._linear(x, p + "intermediate.dense")), p + "output.dense")
            x = self._ln(f + x, p + "output.LayerNorm")
        return x


class BertSpanRole(BertTagger):
    """Eval-only ie.tag.roles.BertForSpanRole: the classifier reads [CLS] beside the mean of the span's
    characters; `forward` returns {"logits": ...} as that model does."""

    def forward(self, input_ids, attention_mask=None, token_type_ids=None, span_mask=None, **_):
        h = self.encode(input_ids, attention_mask, token_type_ids)
        m = span_mask.unsqueeze(-1).to(h.dtype)
        span = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return {"logits": self._linear(torch.cat([h[:, 0], span], dim=-1), "classifier")}


def load(path: str | Path, architecture: str = "BertForTokenClassification") -> BertTagger | None:
    """The model in `path` for inference without transformers; None where `supported` says no."""
    from safetensors.torch import load_file

    path = Path(path)
    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    if supported(config, architecture) is not None or not (path / "model.safetensors").exists():
        return None
    cls = BertSpanRole if architecture == "BertForSpanRole" else BertTagger
    try:
        model = cls(config, load_file(str(path / "model.safetensors")))
    except KeyError:         # weights named otherwise than a plain BERT's: leave it to transformers
        return None
    model.eval()
    return model

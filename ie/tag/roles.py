"""The role model: which prose field (ie.labels.ROLES) a COUNT/MONEY span states, or none.

A span classifier over the character BERT encoder. One input per candidate span:

    [CLS] section heading [SEP] left context · SPAN · right context [SEP]

with token type 1 on the span's characters (the marker) and 0 elsewhere. The head reads the [CLS] state and
the mean state of the span's characters and scores NONE plus each role. Why a span classifier and not role tags
in the token classifier: the roles are ~100 spans in 47 reports against ~2,000 role-less numbers, and a
per-span decision can look at the whole clause at once (`累计…1770条，其中2019年度我局共…202条`: the 202 is the
field, the 1770 is not), with a probability that ie.map can hold against a threshold.

Candidates are COUNT/MONEY spans outside flattened table lines (the tables are read by ie.tables); in training
the gold spans of the hand-annotated reports, plus rule spans of weakly labelled reports (annotations/weak).
"""
from __future__ import annotations

import dataclasses
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ie.labels import ROLES
from ie.models import Entity

ROLE_LABELS: tuple[str, ...] = ("NONE", *ROLES)
ROLES_DIR = "roles"            # the role model's subfolder of a model directory
ROLES_FILE = "roles.json"      # window sizes, labels and the decision threshold
CANDIDATE_LABELS = ("COUNT", "MONEY")


# ------------------------------------------------------------------------------------------ inputs

def in_table_line(text: str, pos: int) -> bool:
    """A cell of a flattened table (`| … |`) is the tables' business, not prose."""
    line_start = text.rfind("\n", 0, pos) + 1
    return text[line_start:pos].lstrip().startswith("|")


def candidates(text: str, spans: list[Entity]) -> list[Entity]:
    """The spans the role model decides on: COUNT/MONEY outside table lines, one per (start, end)."""
    seen, out = set(), []
    for e in sorted(spans, key=lambda e: (e.start, e.end)):
        if e.label in CANDIDATE_LABELS and (e.start, e.end) not in seen and not in_table_line(text, e.start):
            seen.add((e.start, e.end))
            out.append(e)
    return out


def heading_at(sections, pos: int) -> str:
    """The heading of the section holding `pos` ('' before the first heading)."""
    for s in sections:
        if s.start <= pos < s.end:
            return s.heading
    return ""


_WS = re.compile(r"\s+")


def _squash(s: str) -> str:
    # PDF and scraped texts break lines and put spaces inside sentences; the context is read without them
    return _WS.sub("", s)


@dataclass
class RoleInput:
    input_ids: list[int]
    token_type_ids: list[int]     # 1 on the span's characters, 0 elsewhere
    span_mask: list[int]          # the same, as the head's pooling mask


def role_input(text: str, e: Entity, heading: str, encoder, left: int, right: int, heading_chars: int) -> RoleInput:
    """The model input of one candidate: heading, then `left` characters before the span, the span, `right`
    after (whitespace squeezed out of the context; the span itself kept as printed)."""
    lctx = _squash(text[max(0, e.start - 3 * left): e.start])[-left:]
    rctx = _squash(text[e.end: e.end + 3 * right])[:right]
    head = _squash(heading)[:heading_chars]
    span = e.text[:24]
    v = encoder.vocab
    ids = [v.cls_id, *v.encode(head), v.sep_id, *v.encode(lctx)]
    n_before = len(ids)
    ids += [*v.encode(span), *v.encode(rctx), v.sep_id]
    types = [0] * len(ids)
    for i in range(n_before, n_before + len(span)):
        types[i] = 1
    return RoleInput(ids, types, list(types))


# ------------------------------------------------------------------------------------------ model

def role_model_class():
    """BertForSpanRole, built lazily so that importing this module does not import torch."""
    import torch
    from transformers import BertConfig, BertModel, BertPreTrainedModel

    class BertForSpanRole(BertPreTrainedModel):
        config_class = BertConfig
        base_model_prefix = "bert"

        def __init__(self, config):
            super().__init__(config)
            self.num_labels = config.num_labels
            self.bert = BertModel(config, add_pooling_layer=False)
            self.dropout = torch.nn.Dropout(config.hidden_dropout_prob)
            self.classifier = torch.nn.Linear(2 * config.hidden_size, config.num_labels)
            self.post_init()

        def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, span_mask=None, labels=None,
                    **kwargs):
            h = self.bert(input_ids=input_ids, attention_mask=attention_mask,
                          token_type_ids=token_type_ids).last_hidden_state
            m = span_mask.unsqueeze(-1).to(h.dtype)
            span = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
            logits = self.classifier(self.dropout(torch.cat([h[:, 0], span], dim=-1)))
            out = {"logits": logits}
            if labels is not None:
                out["loss"] = role_loss(logits, labels, getattr(self, "class_weights", None),
                                        kwargs.get("label_mask"))
            return out

    return BertForSpanRole


def role_loss(logits, labels, weights=None, label_mask=None):
    """Cross-entropy of the role head; with `label_mask` (one row of 0/1 per example over ROLE_LABELS) the target
    of an example is the SET of labels it marks: the loss is -log of their summed probability. A one-hot row is
    plain cross-entropy; a role-less span of a weakly labelled report marks NONE plus every role its tables do not
    state (it may state one of those: no label says it does not). `weights` weigh each example by the class of
    its `labels` entry (NONE for such a set), averaged like torch's weighted cross_entropy."""
    import torch

    logits = logits.float()
    w = torch.ones(logits.shape[-1], device=logits.device) if weights is None else weights.to(logits.device)
    if label_mask is None:
        return torch.nn.functional.cross_entropy(logits, labels, weight=w)
    logp = torch.log_softmax(logits, -1).masked_fill(label_mask.to(logits.device) == 0, float("-inf"))
    per = -torch.logsumexp(logp, -1)
    wi = w[labels]
    return (per * wi).sum() / wi.sum().clamp(min=1e-12)


class RoleCollator:
    def __init__(self, pad_id: int):
        self.pad_id = pad_id

    def __call__(self, rows: list[dict]):
        import torch

        n = max(len(r["input_ids"]) for r in rows)
        out = {k: torch.zeros((len(rows), n), dtype=torch.long)
               for k in ("input_ids", "attention_mask", "token_type_ids", "span_mask")}
        out["input_ids"].fill_(self.pad_id)
        for i, r in enumerate(rows):
            k = len(r["input_ids"])
            out["input_ids"][i, :k] = torch.as_tensor(r["input_ids"])
            out["attention_mask"][i, :k] = 1
            out["token_type_ids"][i, :k] = torch.as_tensor(r["token_type_ids"])
            out["span_mask"][i, :k] = torch.as_tensor(r["span_mask"])
        if "labels" in rows[0]:
            out["labels"] = torch.as_tensor([r["labels"] for r in rows], dtype=torch.long)
        if "label_mask" in rows[0]:
            out["label_mask"] = torch.as_tensor([r["label_mask"] for r in rows], dtype=torch.long)
        return out


# ------------------------------------------------------------------------------------------ predictor

@dataclass
class RolePrediction:
    entity: Entity
    role: str | None        # the most probable role (None: NONE is most probable)
    prob: float             # its probability
    probs: dict[str, float]


class RolePredictor:
    """A trained role model: `predict(text, spans)` scores every candidate span; `threshold` is the probability
    at which ie.map takes the model's field (chosen on training-side documents, saved in roles.json).
    `runner(**numpy inputs) -> logits` (ONNX Runtime, ie.tag.onnx) stands in for the torch `model`."""

    def __init__(self, model, encoder, meta: dict, path: str | None = None, batch_size: int = 64,
                 runner=None):
        self.model, self.encoder, self.meta = model, encoder, meta
        self.labels: list[str] = list(meta["labels"])
        self.threshold = float(meta["threshold"])
        self.path = path
        self.batch_size = batch_size
        self.runner = runner
        self.backend = "torch" if runner is None else "onnxruntime"

    @classmethod
    def from_pretrained(cls, path: str | Path, num_threads: int | None = None,
                        backend: str | None = None) -> "RolePredictor":
        """`num_threads`: inference threads (default: the available cores, at most 8); `backend` as in
        ie.tag.infer.Tagger.from_pretrained (ONNX Runtime where a current model.onnx is there)."""
        from ie.tag.encoding import CharEncoder
        from ie.tag.infer import ort_runner, check_labels, config_labels, sensible_threads
        from ie.tag.vocab import CharVocab

        path = Path(path)
        meta_path = path / ROLES_FILE
        if not meta_path.exists():
            raise FileNotFoundError(f"{path}: not a role model directory (no {ROLES_FILE})")
        if not (path / "model.safetensors").exists():
            raise FileNotFoundError(f"{path}: no model.safetensors (only safetensors weights are loaded)")
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        encoder = CharEncoder(CharVocab.load(path))
        threads = num_threads or sensible_threads()
        runner = ort_runner(path, threads, backend)
        if runner is not None:
            check_labels(path, config_labels(path), meta["labels"], ROLES_FILE)
            return cls(None, encoder, meta, str(path), runner=runner)
        import os

        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")     # as in Tagger.from_pretrained
        import torch

        from ie.tag.bert import load as load_plain

        torch.set_num_threads(threads)
        # the plain-torch forward pass (ie.tag.bert): importing transformers would cost more than the model
        model = load_plain(path, "BertForSpanRole")
        if model is None:
            model = role_model_class().from_pretrained(str(path), use_safetensors=True, dtype=torch.float32)
        model.eval()
        want = [model.config.id2label[i] for i in range(model.config.num_labels)]
        check_labels(path, want, meta["labels"], ROLES_FILE)
        return cls(model, encoder, meta, str(path))

    def inputs(self, text: str, spans: list[Entity], sections=None) -> list[RoleInput]:
        from ie.segment import split_sections

        sections = split_sections(text) if sections is None else sections
        m = self.meta
        return [role_input(text, e, heading_at(sections, e.start), self.encoder, m["left_chars"],
                           m["right_chars"], m["heading_chars"]) for e in spans]

    def _logits(self, batch: dict):
        if self.runner is not None:
            return self.runner(**batch)
        import torch

        with torch.inference_mode():
            out = self.model(**{k: torch.from_numpy(v) for k, v in batch.items()})["logits"]
        return out.float().numpy()

    def predict(self, text: str, spans: list[Entity], sections=None) -> list[RolePrediction]:
        """One prediction per candidate among `spans` (COUNT/MONEY outside table lines), in reading order."""
        import numpy as np

        cands = candidates(text, spans)
        if not cands:
            return []
        rows = self.inputs(text, cands, sections)
        # batches of similar length pad less (the attention mask keeps the padding out of the result)
        order = sorted(range(len(rows)), key=lambda i: len(rows[i].input_ids))
        p = np.zeros((len(rows), len(self.labels)), dtype=np.float32)
        for b in range(0, len(order), self.batch_size):
            idx = order[b: b + self.batch_size]
            z = self._logits(numpy_batch([rows[i] for i in idx], self.encoder.pad_id)).astype(np.float32)
            z = np.exp(z - z.max(-1, keepdims=True))
            p[idx] = z / z.sum(-1, keepdims=True)
        out = []
        for e, row in zip(cands, p):
            k = int(row.argmax())
            out.append(RolePrediction(e, None if self.labels[k] == "NONE" else self.labels[k], float(row[k]),
                                      {lab: float(x) for lab, x in zip(self.labels, row)}))
        return out


def numpy_batch(rows: list[RoleInput], pad_id: int) -> dict:
    """Model inputs of `rows`, padded to the longest (int64 arrays, as RoleCollator makes for training)."""
    import numpy as np

    n = max(len(r.input_ids) for r in rows)
    out = {k: np.zeros((len(rows), n), dtype=np.int64)
           for k in ("input_ids", "attention_mask", "token_type_ids", "span_mask")}
    out["input_ids"].fill(pad_id)
    for i, r in enumerate(rows):
        k = len(r.input_ids)
        out["input_ids"][i, :k] = r.input_ids
        out["attention_mask"][i, :k] = 1
        out["token_type_ids"][i, :k] = r.token_type_ids
        out["span_mask"][i, :k] = r.span_mask
    return out


def model_fields(preds: list[RolePrediction], threshold: float) -> dict[str, RolePrediction]:
    """field -> the prediction ie.map takes for it: among spans whose most probable role is the field with a
    probability >= threshold, the most probable one (the first in reading order on a tie)."""
    best: dict[str, RolePrediction] = {}
    for p in preds:
        if p.role is None or p.prob < threshold:
            continue
        if p.role not in best or p.prob > best[p.role].prob:
            best[p.role] = p
    return best


# ------------------------------------------------------------------------------------------ training data

@dataclass
class RoleExample:
    doc_id: str
    entity: Entity
    label: str          # "NONE" or a role
    weak: bool = False
    # the labels the span may have when its label is not known for sure (None: exactly `label`); a role-less
    # span of a weakly labelled report: NONE plus the roles its tables do not state
    allowed: tuple[str, ...] | None = None


def weak_negative_roles(task: dict) -> set[str]:
    """The roles for which a role-less span of this weak task is a negative: those its tables state
    (`data.roles_from_tables`, written by scripts/weak_labels.py). A role no table states could not be weakly
    labelled at all, so a span without it may still state it. A weak task without the list names none."""
    stated = task.get("data", {}).get("roles_from_tables") or []
    return {r for r in stated if r in ROLES}


def task_examples(task: dict, weak: bool = False, wrong: set | None = None) -> list[RoleExample]:
    """Candidates of one Label Studio task with their roles.

    A hand-annotated task: its gold COUNT/MONEY spans, role from the span's per-region choice (NONE without).
    A weak task (annotations/weak): the rules' COUNT/MONEY spans of its text plus its own spans, role from an
    annotated span at the same offsets. A weak span without a role is NONE only for the roles the report's
    tables state (weak_negative_roles); for the others its label is unknown (`allowed`: NONE or any of them).
    `wrong`: (start, end, role) of weak labels a reader found wrong (annotations/weak_review.yaml): the span
    keeps no role, so it is a negative for that role."""
    from ie.convert import task_spans
    from ie.tag.data import doc_key

    text = task["data"]["text"]
    spans = task_spans(task)
    roles = {(s.start, s.end): s.role for s in spans if s.role and (s.start, s.end, s.role) not in (wrong or ())}
    bad = {r for r in roles.values() if r not in ROLES}
    if bad:
        raise ValueError(f"{doc_key(task)}: unknown roles {sorted(bad)} (known: {ROLES})")
    pool = list(spans)
    unknown: tuple[str, ...] | None = None
    if weak:
        from ie.rules import find_entities

        pool += find_entities(text)
        negative = weak_negative_roles(task) | {r for _, _, r in (wrong or ())}
        unknown = tuple(r for r in ROLES if r not in negative) or None
    out = []
    for e in candidates(text, pool):
        role = roles.get((e.start, e.end))
        allowed = ("NONE", *unknown) if role is None and unknown else None
        out.append(RoleExample(doc_key(task), e, role or "NONE", weak, allowed))
    return out


def read_weak_review(path: str | Path | None) -> dict[str, set]:
    """doc id -> {(start, end, role)} of the weak labels a reader marked `wrong` in a weak_review.yaml."""
    import yaml

    if not path:
        return {}
    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"weak_review {p}: no such file")
    try:
        rows = (yaml.safe_load(p.read_text(encoding="utf-8")) or {}).get("labels") or []
    except (yaml.YAMLError, AttributeError) as exc:
        raise ValueError(f"weak_review {p}: not a mapping with a `labels` list ({exc})") from exc
    out: dict[str, set] = {}
    for r in rows:
        if r.get("verdict") == "wrong":
            out.setdefault(str(r["doc"]), set()).add((int(r["start"]), int(r["end"]), str(r["role"])))
    return out


# ------------------------------------------------------------------------------------------ training

@dataclass
class RoleTrainConfig:
    """Every field is documented in configs/roles.yaml."""

    task: str = "roles"
    data: str = "annotations/corpus"
    weak_data: list = field(default_factory=list)
    weak_weight: float = 0.5
    weak_review: str = ""
    output_dir: str = "runs/roles"
    model_name_or_path: str = "init:small"
    init_layers: int = 3
    init_hidden: int = 192
    init_heads: int = 4
    init_intermediate: int = 768
    init_dropout: float = 0.1
    keep_layers: int = 0             # from a checkpoint: only its first N encoder layers (0: all)
    left_chars: int = 48
    right_chars: int = 16
    heading_chars: int = 16
    learning_rate: float = 5e-4
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    epochs: float = 6.0
    max_steps: int = -1
    batch_size: int = 32
    none_weight: float = 0.3
    seed: int = 42
    eval_documents: list | int = 6
    threshold: float | str = "auto"
    min_precision: float = 0.99
    threshold_floor: float = 0.8
    default_threshold: float = 0.9
    num_threads: int = 0
    save_dtype: str = "float16"
    logging_steps: int = 20

    def __post_init__(self):
        from ie.tag.train import coerce_numbers

        coerce_numbers(self)
        if self.task != "roles":
            raise ValueError(f"task must be 'roles', not {self.task!r}")
        if isinstance(self.weak_data, str):
            self.weak_data = [self.weak_data]
        if self.threshold != "auto":
            try:
                self.threshold = float(self.threshold)
            except (TypeError, ValueError):
                raise ValueError(f"threshold: 'auto' or a number, not {self.threshold!r}") from None
        if self.save_dtype not in ("float32", "float16"):
            raise ValueError(f"save_dtype must be float32|float16, not {self.save_dtype!r}")


def load_role_config(raw: dict, path: str | Path, **overrides) -> RoleTrainConfig:
    from ie.tag.train import build_config

    return build_config(RoleTrainConfig, raw, path, overrides)


def _encoder_and_model(cfg: RoleTrainConfig, texts: list[str]):
    """A char encoder and a fresh BertForSpanRole: initialised here (init:small) or with the encoder of a
    pretrained character checkpoint (a directory with tagger.json, e.g. `ie pretrain`'s output)."""
    import torch  # noqa: F401

    from ie.tag.encoding import CharEncoder, load_encoder
    from ie.tag.model import init_sinusoidal, is_local_init, kept_layers, small_bert_config
    from ie.tag.vocab import CharVocab

    cls = role_model_class()
    id2label = dict(enumerate(ROLE_LABELS))
    label2id = {v: k for k, v in id2label.items()}
    need = 2 + cfg.heading_chars + cfg.left_chars + 24 + cfg.right_chars + 1
    if is_local_init(cfg.model_name_or_path):
        encoder = CharEncoder(CharVocab.build(texts))
        config = small_bert_config(cfg, encoder.vocab_size, encoder.pad_id, need,
                                   num_labels=len(ROLE_LABELS), id2label=id2label, label2id=label2id)
        model = cls(config)
        init_sinusoidal(model.bert.embeddings.position_embeddings.weight, config.initializer_range)
        return encoder, model
    encoder, meta = load_encoder(cfg.model_name_or_path)
    if meta["encoder"] != "char":
        raise ValueError(f"{cfg.model_name_or_path}: the role model needs a character checkpoint (tagger.json "
                         f"encoder 'char'), not {meta['encoder']!r}")
    model = cls.from_pretrained(cfg.model_name_or_path, num_labels=len(ROLE_LABELS), id2label=id2label,
                                label2id=label2id, use_safetensors=True, dtype=torch.float32, **kept_layers(cfg))
    if model.config.max_position_embeddings < need:
        raise ValueError(f"{cfg.model_name_or_path}: {model.config.max_position_embeddings} positions, the role "
                         f"inputs need {need}: shorten left_chars/right_chars/heading_chars")
    return CharEncoder(encoder.vocab), model


def build_rows(examples: list[RoleExample], texts: dict[str, str], encoder, cfg) -> list[dict]:
    from ie.segment import split_sections

    sections = {d: split_sections(t) for d, t in texts.items()}
    rows = []
    for ex in examples:
        text = texts[ex.doc_id]
        r = role_input(text, ex.entity, heading_at(sections[ex.doc_id], ex.entity.start), encoder,
                       cfg.left_chars, cfg.right_chars, cfg.heading_chars)
        row = {**dataclasses.asdict(r), "labels": ROLE_LABELS.index(ex.label)}
        if any(x.allowed for x in examples):     # set-valued targets somewhere: every row gets its mask
            allowed = set(ex.allowed or (ex.label,))
            row["label_mask"] = [int(lab in allowed) for lab in ROLE_LABELS]
        rows.append(row)
    return rows


def span_scores(gold: list[str], pred: list[str]) -> dict:
    """Per-role precision/recall/F1 over candidate spans (NONE is no role), plus micro over roles."""
    out = {}
    tp_all = fp_all = fn_all = 0
    for role in ROLES:
        tp = sum(g == p == role for g, p in zip(gold, pred))
        fp = sum(p == role != g for g, p in zip(gold, pred))
        fn = sum(g == role != p for g, p in zip(gold, pred))
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        out[role] = _prf(tp, fp, fn)
    out["micro"] = _prf(tp_all, fp_all, fn_all)
    return out


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "support": tp + fn, "predicted": tp + fp}


def choose_threshold(gold: list[str], roles: list[str | None], probs: list[float], min_precision: float,
                     default: float, floor: float = 0.5) -> tuple[float, dict]:
    """The lowest threshold on the grid 0.50, 0.55, … 0.95, 0.97, 0.99, not below `floor`, from which on
    every threshold's taken spans (most probable role, probability >= threshold) are right at least
    `min_precision` of the time; `default` when nothing is taken at all (nothing to choose on); 1.0 (the
    model never decides) when even the top of the grid takes a wrong span. The floor is a prior, not a fit: ~10 held-out role spans cannot tell a
    threshold of 0.5 from 0.8 apart, and a wrong model value costs more than a field left to the rules."""
    grid = [round(0.5 + 0.05 * i, 2) for i in range(10)] + [0.97, 0.99]
    table, ok = {}, {}
    for t in grid:
        taken = [(g, r) for g, r, p in zip(gold, roles, probs) if r is not None and p >= t]
        right = sum(g == r for g, r in taken)
        prec = right / len(taken) if taken else None
        table[str(t)] = {"taken": len(taken), "right": right, "precision": prec,
                         "recall": right / max(1, sum(g != "NONE" for g in gold))}
        ok[t] = prec is None or prec >= min_precision
    if not any(v["taken"] for v in table.values()):
        return default, table
    chosen, broke = None, False
    for t in reversed(grid):      # walk down while every threshold above still qualifies
        if not ok[t]:
            broke = t >= floor
            break
        if t >= floor and table[str(t)]["taken"]:
            chosen = t
    if chosen is None:
        return (1.0 if broke else default), table
    return chosen, table


def train_roles(cfg: RoleTrainConfig, config_path: str | None = None) -> dict:
    """Train the role model on hand-made (cfg.data) plus weak (cfg.weak_data) labels; save it to output_dir."""
    import torch
    import yaml
    from transformers import Trainer, TrainingArguments, set_seed

    from ie.convert import load_tasks
    from ie.tag.data import doc_key, load_corpus_tasks, split_by_document
    from ie.tag.train import _precision_flags

    if cfg.num_threads:
        torch.set_num_threads(cfg.num_threads)
    set_seed(cfg.seed)
    tasks = load_corpus_tasks(cfg.data)
    train_tasks, eval_tasks = split_by_document(tasks, cfg.eval_documents, cfg.seed)
    held = {doc_key(t) for t in eval_tasks}
    weak_tasks = []
    for w in cfg.weak_data:
        if not Path(w).exists():
            raise FileNotFoundError(f"weak_data {w}: no such file or folder")
        # a weak label of a held-out report (the corpus is weakly labelled too) must not leak into training
        weak_tasks += [t for t in load_tasks(w) if t.get("data", {}).get("text") and doc_key(t) not in held
                       and doc_key(t) not in {doc_key(x) for x in train_tasks}]
    texts = {doc_key(t): t["data"]["text"] for t in tasks + weak_tasks}
    wrong = read_weak_review(cfg.weak_review) if weak_tasks else {}
    train_ex = [x for t in train_tasks for x in task_examples(t)]
    train_ex += [x for t in weak_tasks for x in task_examples(t, weak=True, wrong=wrong.get(doc_key(t)))]
    eval_ex = [x for t in eval_tasks for x in task_examples(t)]
    if not any(x.label != "NONE" for x in train_ex):
        raise ValueError(f"{cfg.data}: no span with a role in the training documents")
    encoder, model = _encoder_and_model(cfg, list(texts.values()))
    weights = torch.ones(len(ROLE_LABELS))
    weights[0] = cfg.none_weight
    model.class_weights = weights
    train_rows = build_rows(train_ex, texts, encoder, cfg)
    if cfg.weak_weight != 1.0 and weak_tasks:
        # weak rows count less: repeat hand-made rows instead of weighting per row (the Trainer's loss is a mean)
        reps = max(1, round(1 / max(cfg.weak_weight, 1e-6)))
        train_rows = [r for r, x in zip(train_rows, train_ex) for _ in range(1 if x.weak else reps)]
    eval_rows = build_rows(eval_ex, texts, encoder, cfg)
    out = Path(cfg.output_dir)
    args = TrainingArguments(
        output_dir=str(out / "_scratch"), learning_rate=cfg.learning_rate, weight_decay=cfg.weight_decay,
        warmup_steps=cfg.warmup_ratio, num_train_epochs=cfg.epochs, max_steps=cfg.max_steps,
        per_device_train_batch_size=cfg.batch_size, seed=cfg.seed, save_strategy="no", eval_strategy="no",
        logging_steps=cfg.logging_steps, report_to=[], disable_tqdm=False, dataloader_num_workers=0,
        remove_unused_columns=False, dataloader_pin_memory=torch.cuda.is_available(),
        **_precision_flags("auto"))
    trainer = Trainer(model=model, args=args, train_dataset=train_rows, data_collator=RoleCollator(encoder.pad_id))
    t0 = time.perf_counter()
    result = trainer.train()
    seconds = time.perf_counter() - t0
    import shutil

    shutil.rmtree(out / "_scratch", ignore_errors=True)
    model = trainer.model.eval().cpu()      # scored and saved on the CPU (RolePredictor's inputs are CPU tensors)
    meta = {"labels": list(ROLE_LABELS), "left_chars": cfg.left_chars, "right_chars": cfg.right_chars,
            "heading_chars": cfg.heading_chars, "threshold": cfg.default_threshold}
    metrics = {"train_documents": len(train_tasks), "weak_documents": len(weak_tasks),
               "train_spans": len(train_ex), "train_role_spans": sum(x.label != "NONE" for x in train_ex),
               "weak_role_spans": sum(x.label != "NONE" and x.weak for x in train_ex),
               "weak_partial_spans": sum(x.allowed is not None for x in train_ex),
               "weak_labels_read_wrong": sum(len(v) for k, v in wrong.items() if k in {doc_key(t) for t in weak_tasks}),
               "eval_documents": sorted(held), "eval_spans": len(eval_ex),
               "train_seconds": seconds, "train_steps": result.global_step, "train_loss": result.training_loss,
               "torch_threads": torch.get_num_threads()}
    if eval_rows:
        pred = RolePredictor(model, encoder, meta)
        preds = []
        for t in eval_tasks:
            ex = [x.entity for x in eval_ex if x.doc_id == doc_key(t)]
            preds += pred.predict(t["data"]["text"], ex)
        gold = [x.label for x in eval_ex]
        roles = [p.role for p in preds]
        metrics["eval"] = span_scores(gold, [r or "NONE" for r in roles])
        thr, table = choose_threshold(gold, roles, [p.prob for p in preds], cfg.min_precision,
                                      cfg.default_threshold, cfg.threshold_floor)
        metrics["threshold_table"] = table
        metrics["eval_at_threshold"] = span_scores(gold, [r if r and p.prob >= thr else "NONE"
                                                          for r, p in zip(roles, preds)])
    else:
        thr = cfg.default_threshold
    if cfg.threshold != "auto":
        thr = float(cfg.threshold)
    meta["threshold"] = thr
    metrics["threshold"] = thr
    out.mkdir(parents=True, exist_ok=True)
    if cfg.save_dtype == "float16":
        model = model.to(torch.float16)
    model.save_pretrained(str(out))
    encoder.vocab.save(out)
    (out / ROLES_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    header = f"# copy of {config_path}\n" if config_path else ""
    (out / "train_config.yaml").write_text(
        header + yaml.safe_dump(dataclasses.asdict(cfg), allow_unicode=True, sort_keys=False), encoding="utf-8")
    (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    write_card(out, cfg, metrics)
    from ie.tag.onnx import export_after_training

    export_after_training(out)           # model.onnx beside the weights: extract runs it without torch
    return metrics


def write_card(out: Path, cfg: RoleTrainConfig, m: dict) -> None:
    lines = ["# ie role model", "",
             "Span classifier over the character BERT: which prose field (" + ", ".join(ROLES) + ") a COUNT/MONEY "
             "span states, or NONE. Input: section heading, the span's left and right context, the span marked by "
             "token type 1; head: [CLS] and the span's mean state (`ie/tag/roles.py`).", "",
             f"- base `{cfg.model_name_or_path}`; {m['train_documents']} hand-annotated training documents "
             f"({m['train_spans']} candidate spans, {m['train_role_spans']} with a role, {m['weak_role_spans']} of "
             f"them weak labels from {m['weak_documents']} weakly labelled reports).",
             f"- context: heading {cfg.heading_chars}, left {cfg.left_chars}, right {cfg.right_chars} characters; "
             f"{cfg.epochs} epochs, lr {cfg.learning_rate}, NONE weight {cfg.none_weight}; trained in "
             f"{m['train_seconds']:.0f} s.",
             f"- decision threshold {m['threshold']} (ie.map takes a field from the model at or above it), chosen on "
             f"the held-out documents {', '.join(m['eval_documents']) or '(none: default)'}: the lowest threshold "
             f"whose taken spans are right >= {cfg.min_precision:.0%} of the time.", ""]
    if m.get("eval"):
        lines += ["## Held-out spans (most probable role, no threshold)", "",
                  "| role | precision | recall | F1 | support |", "|---|---:|---:|---:|---:|"]
        for r, s in m["eval"].items():
            lines.append(f"| {r} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['support']} |")
    (out / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_config(raw: dict, path: str, **overrides) -> int:
    """`ie train --config` for a config with `task: roles`."""
    try:
        cfg = load_role_config(raw, path, **overrides)
        m = train_roles(cfg, path)
    except (ValueError, FileNotFoundError) as exc:
        print(f"ie train: {exc}", file=sys.stderr)
        return 2
    ev = m.get("eval")
    print(f"saved {cfg.output_dir}; held-out role micro F1 " + (f"{ev['micro']['f1']:.3f}" if ev else "n/a")
          + f"; threshold {m['threshold']}")
    return 0

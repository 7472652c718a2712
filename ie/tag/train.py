"""`ie train --config configs/<name>.yaml`: train the character tagger with the Hugging Face Trainer.

Runs unchanged on CPU, one GPU (bf16, else fp16) and several (`accelerate launch -m ie.cli train ...` or
`torchrun -m ie.cli train ...`): the Trainer handles devices; only the main process writes the model dir.
"""
from __future__ import annotations

import dataclasses
import json
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ie.labels import LABELS, bio_labels


def coerce_numbers(config) -> None:
    """YAML reads "3e-5" as a string: coerce a config dataclass's float/int fields so an error names the field."""
    for f in dataclasses.fields(config):
        v = getattr(config, f.name)
        try:
            if f.type == "float" and not isinstance(v, float):
                setattr(config, f.name, float(v))
            elif f.type == "int" and not isinstance(v, int):
                setattr(config, f.name, int(v))
        except (TypeError, ValueError):
            raise ValueError(f"{f.name}: expected a number, got {v!r}") from None


@dataclass
class TrainConfig:
    """Every field is documented in configs/default.yaml."""

    data: str = "annotations/corpus"
    output_dir: str = "runs/tagger"
    model_name_or_path: str = "init:small"
    init_layers: int = 3
    init_hidden: int = 192
    init_heads: int = 4
    init_intermediate: int = 768
    init_dropout: float = 0.1
    keep_layers: int = 0             # from a checkpoint: only its first N encoder layers (0: all)
    init_sinusoidal_positions: bool = True
    init_char_classes: bool = False  # feed character shape classes as token_type_ids (ie.tag.encoding)
    max_tokens: int = 512
    labels: list[str] = field(default_factory=lambda: list(LABELS))
    window: int = 256
    stride: int = 224
    train_stride: int = 0            # 0: same as stride
    learning_rate: float = 5e-4
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    epochs: float = 20.0
    max_steps: int = -1
    batch_size: int = 16
    eval_batch_size: int = 32
    seed: int = 42
    eval_documents: list[str] | int = 2
    logging_steps: int = 10
    precision: str = "auto"          # auto | fp32 | bf16 | fp16
    save_dtype: str = "float32"      # float32 | float16
    num_threads: int = 0             # 0: leave torch's default
    o_weight: float = 1.0            # loss weight of the O tag (entity tags weigh 1.0)
    augment_digits: float = 0.0      # fraction of training windows whose digits are replaced at random
    augment_copies: int = 0          # mention-replacement copies of each training document (ie.tag.augment)
    train_random_crops: bool = False  # training windows start anywhere, drawn afresh each time (ie.tag.data)
    mlm_epochs: float = 0.0          # init models: masked-LM warm-up epochs on the training text first (0: none)
    mlm_mask_prob: float = 0.15      # share of characters masked in the warm-up

    def __post_init__(self):
        coerce_numbers(self)
        if self.augment_copies < 0:
            raise ValueError(f"augment_copies must be >= 0, not {self.augment_copies}")
        if self.train_stride and not 0 < self.train_stride <= self.window:
            raise ValueError(f"need 0 < train_stride ({self.train_stride}) <= window ({self.window})")
        if not 0 < self.stride <= self.window:
            raise ValueError(f"need 0 < stride ({self.stride}) <= window ({self.window})")
        unknown = set(self.labels) - set(LABELS)
        if unknown:
            raise ValueError(f"labels not in ie.labels.LABELS: {sorted(unknown)}")
        if self.precision not in ("auto", "fp32", "bf16", "fp16"):
            raise ValueError(f"precision must be auto|fp32|bf16|fp16, not {self.precision!r}")
        if self.save_dtype not in ("float32", "float16"):
            raise ValueError(f"save_dtype must be float32|float16, not {self.save_dtype!r}")


def read_config(path: str | Path) -> dict:
    """A config file's mapping; a ValueError naming the file where it cannot be read or is not a mapping."""
    import yaml

    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read config: {exc}") from exc
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: config must be a mapping")
    return raw


def build_config(cls, raw: dict, path: str | Path, overrides: dict):
    """`cls(**raw)` with the overrides that are not None; unknown keys and bad values name the file."""
    unknown = set(raw) - {f.name for f in dataclasses.fields(cls)}
    if unknown:
        raise ValueError(f"{path}: unknown config keys {sorted(unknown)}")
    raw = {**raw, **{k: v for k, v in overrides.items() if v is not None}}
    try:
        return cls(**raw)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{path}: {exc}") from exc


def load_config(path: str | Path, **overrides) -> TrainConfig:
    raw = read_config(path)
    task = raw.pop("task", "tagger")
    if task != "tagger":
        raise ValueError(f"{path}: not a tagger config (task: {task!r})")
    return build_config(TrainConfig, raw, path, overrides)


def _precision_flags(choice: str) -> dict:
    import torch

    if choice == "fp32" or not torch.cuda.is_available():
        if choice in ("bf16", "fp16") and not torch.cuda.is_available():
            print(f"precision {choice} needs a GPU; training in fp32", file=sys.stderr)
        return {}
    if choice == "auto":
        choice = "bf16" if torch.cuda.is_bf16_supported() else "fp16"
    return {choice: True}


def _doc_metrics_fn(eval_meta, gold, tags, keep: dict, o_weight: float = 1.0):
    """compute_metrics that merges eval windows back into whole documents and scores them with seqeval."""
    from ie.tag.merge import WindowOutput, calibrated_softmax, decode_text, merge_windows
    from ie.tag.metrics import entity_scores, flat

    def compute(eval_pred):
        logits = eval_pred.predictions
        logits = logits[0] if isinstance(logits, tuple) else logits
        by_doc: dict[str, list] = {}
        for i, m in enumerate(eval_meta):
            probs = calibrated_softmax(logits[i, : len(m.char_pos)], tags.index("O"), o_weight)
            by_doc.setdefault(m.doc_id, []).append(WindowOutput(m.start, m.end, m.char_pos, probs))
        g_all, p_all = [], []
        for doc, (text, g) in gold.items():
            probs = merge_windows(len(text), by_doc.get(doc, []), len(tags))
            p = decode_text(text, probs, tags)[0]      # exactly as Tagger.tag_sequence
            g_all.append(g)
            p_all.append(p)
        scores = entity_scores(g_all, p_all)
        keep["scores"] = scores
        return flat(scores)

    return compute


def eval_curve(log_history: list[dict]) -> list[dict]:
    """Held-out F1 by step (one point per evaluation), for metrics.json: how many steps a recipe needs."""
    return [{"step": h["step"], "epoch": round(h.get("epoch", 0.0), 3), "f1": h["eval_f1"]}
            for h in log_history if "eval_f1" in h]


def plot_curve(log_history: list[dict], path: Path) -> None:
    try:
        import matplotlib
    except ImportError:     # a bare GPU box (scripts/crossval.py) need not carry matplotlib for a picture
        print(f"matplotlib not installed: no {path.name}", file=sys.stderr)
        return

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    loss = [(h["step"], h["loss"]) for h in log_history if "loss" in h]
    f1 = [(h["step"], h["eval_f1"]) for h in log_history if "eval_f1" in h]
    fig, ax = plt.subplots(figsize=(7, 4))
    if loss:
        ax.plot(*zip(*loss), label="training loss", color="tab:blue")
        ax.legend(loc="upper right")
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    if f1:
        ax2 = ax.twinx()
        ax2.plot(*zip(*f1), "o-", label="eval F1 (documents)", color="tab:orange")
        ax2.set_ylabel("entity F1")
        ax2.set_ylim(0, 1)
        ax2.legend(loc="center right")
    ax.set_title("tagger training")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_card(out: Path, cfg: TrainConfig, metrics: dict) -> None:
    from ie.tag.metrics import markdown_table

    lines = [
        "# ie character tagger", "",
        "BERT token classifier over characters (one token per character) for the span labels of `ie.labels`:",
        ", ".join(cfg.labels) + ". Tags are IOB2.", "",
        "## Data", "",
        f"- Label Studio tasks from `{cfg.data}`: {metrics['train_documents']} training documents "
        f"({metrics['train_windows']} windows), {metrics['eval_documents']} held-out documents: "
        f"{', '.join(metrics['eval_document_ids']) or 'none'}.",
        f"- Silver data: {metrics.get('silver', False)}.", "",
        "## Config", "",
        f"- base: `{cfg.model_name_or_path}`"
        + (f" ({cfg.init_layers} layers, hidden {cfg.init_hidden}, {cfg.init_heads} heads, intermediate "
           f"{cfg.init_intermediate})" if cfg.model_name_or_path.startswith("init:") else ""),
        f"- window {cfg.window} characters, stride {cfg.stride}; lr {cfg.learning_rate}, epochs {cfg.epochs}, "
        f"max_steps {cfg.max_steps}, batch {cfg.batch_size}, seed {cfg.seed}; weights stored as {cfg.save_dtype}.",
        f"- training windows every {cfg.train_stride or cfg.stride} characters"
        f"{' (random crops)' if cfg.train_random_crops else ''}; O-tag loss weight {cfg.o_weight}; "
        f"{cfg.augment_copies} mention-replacement copies of each training document (`ie.tag.augment`)"
        + (f"; masked-LM warm-up of {cfg.mlm_epochs} epochs on the training text first "
           f"({metrics.get('mlm_seconds', 0):.0f} s, `ie.tag.pretrain`)." if cfg.mlm_epochs else "."),
        f"- trained in {metrics['train_seconds']:.0f} s ({metrics['train_windows_per_second']:.1f} windows/s) "
        f"on {metrics['device']}; full config in `train_config.yaml`.", "",
        "## Held-out scores (whole documents, seqeval strict IOB2, entity level)", "",
    ]
    if metrics.get("eval"):
        lines.append(markdown_table(metrics["eval"]))
    else:
        lines.append("No held-out documents.")
    lines += ["", "Use: `ie tag FILE --model <this dir>` or `ie.tag.infer.Tagger.from_pretrained(<this dir>)`.", ""]
    (out / "README.md").write_text("\n".join(lines), encoding="utf-8")


def train(cfg: TrainConfig, config_path: str | None = None) -> dict:
    import torch
    import yaml
    from transformers import Trainer, TrainingArguments, set_seed

    from ie.tag.data import (DIGITS, DigitSwap, PadCollator, RandomCrops, doc_key, encode_tasks, gold_tags,
                             load_corpus_tasks, split_by_document)
    from ie.tag.augment import augment_tasks
    from ie.tag.encoding import save_encoder
    from ie.tag.model import build_model, is_local_init, make_encoder

    if cfg.num_threads:
        torch.set_num_threads(cfg.num_threads)
    set_seed(cfg.seed)
    tags = bio_labels(tuple(cfg.labels))
    tasks = load_corpus_tasks(cfg.data)
    train_tasks, eval_tasks = split_by_document(tasks, cfg.eval_documents, cfg.seed)
    if not train_tasks:
        raise ValueError(f"{cfg.data}: no training documents left after holding out {cfg.eval_documents}")
    encoder = make_encoder(cfg, [t["data"]["text"] for t in tasks])
    model = build_model(cfg, encoder, tags)
    # copies come from the training documents only (their surface pools too), windowed like the originals
    copies = augment_tasks(train_tasks, cfg.augment_copies, cfg.seed) if cfg.augment_copies else []
    train_stride = cfg.train_stride or cfg.stride
    if cfg.train_random_crops:
        train_ds = RandomCrops(train_tasks + copies, encoder, cfg.window, train_stride, tags, cfg.seed)
    else:
        train_ds, _ = encode_tasks(train_tasks + copies, encoder, cfg.window, train_stride, tags)
    eval_ds, eval_meta = (encode_tasks(eval_tasks, encoder, cfg.window, cfg.stride, tags) if eval_tasks
                          else (None, []))
    warmup: dict = {}
    if cfg.mlm_epochs > 0:
        if not is_local_init(cfg.model_name_or_path):
            raise ValueError("mlm_epochs: the masked-LM warm-up is for init: models (hub models are pre-trained)")
        from ie.tag.pretrain import mlm_warmup

        # the same training text (never held-out documents), cut at random starts
        crops = RandomCrops(train_tasks + copies, encoder, cfg.window, train_stride, tags, cfg.seed + 1)
        warmup = mlm_warmup(cfg, model, encoder, crops, Path(cfg.output_dir) / "mlm")
    if cfg.augment_digits > 0:
        digit_ids = sorted({i for d in DIGITS for i in encoder.encode(d).input_ids if i not in encoder.encode("").input_ids})
        train_ds = DigitSwap(train_ds, digit_ids, cfg.augment_digits, seed=cfg.seed)
    keep: dict = {}
    out = Path(cfg.output_dir)
    loss_fn = None
    if cfg.o_weight != 1.0:
        weights = torch.ones(len(tags))
        weights[tags.index("O")] = cfg.o_weight

        def loss_fn(outputs, labels, num_items_in_batch=None):
            # O outnumbers entity characters ~10:1; a lower O weight gets a small model out of "all O" sooner
            logits = outputs["logits"] if isinstance(outputs, dict) else outputs[0]
            return torch.nn.functional.cross_entropy(
                logits.reshape(-1, logits.shape[-1]).float(), labels.reshape(-1),
                weight=weights.to(logits.device), ignore_index=-100)

    args = TrainingArguments(
        output_dir=str(out),
        learning_rate=cfg.learning_rate,
        weight_decay=cfg.weight_decay,
        warmup_steps=cfg.warmup_ratio,   # transformers 5: a float < 1 is a ratio (warmup_ratio is gone)
        num_train_epochs=cfg.epochs,
        max_steps=cfg.max_steps,
        per_device_train_batch_size=cfg.batch_size,
        per_device_eval_batch_size=cfg.eval_batch_size,
        seed=cfg.seed,
        eval_strategy="epoch" if eval_ds is not None else "no",
        save_strategy="no",
        logging_steps=cfg.logging_steps,
        report_to=[],
        disable_tqdm=False,
        dataloader_num_workers=0,
        dataloader_pin_memory=torch.cuda.is_available(),
        **_precision_flags(cfg.precision),
    )
    trainer = Trainer(
        model=model, args=args, train_dataset=train_ds, eval_dataset=eval_ds,
        data_collator=PadCollator(encoder.pad_id),
        compute_loss_func=loss_fn,
        compute_metrics=_doc_metrics_fn(eval_meta, gold_tags(eval_tasks), tags, keep, cfg.o_weight) if eval_ds is not None else None,
    )
    t0 = time.perf_counter()
    result = trainer.train()
    seconds = time.perf_counter() - t0
    if eval_ds is not None:
        trainer.evaluate()
    metrics = {
        "train_documents": len({doc_key(t) for t in train_tasks}),
        "train_windows": len(train_ds),
        "augment_copies": cfg.augment_copies,
        "eval_documents": len({doc_key(t) for t in eval_tasks}),
        "eval_document_ids": sorted({doc_key(t) for t in eval_tasks}),
        "silver": any(t.get("meta", {}).get("silver") for t in tasks),
        "train_seconds": seconds,
        "train_steps": result.global_step,
        "train_windows_per_second": result.global_step * cfg.batch_size * args.world_size / max(seconds, 1e-9),
        "train_loss": result.training_loss,
        "device": str(args.device) + (f" x{args.world_size}" if args.world_size > 1 else ""),
        "torch_threads": torch.get_num_threads(),
        "eval": keep.get("scores"),
        "eval_curve": eval_curve(trainer.state.log_history),
        **warmup,
    }
    if trainer.is_world_process_zero():
        out.mkdir(parents=True, exist_ok=True)
        model = trainer.model
        if cfg.save_dtype == "float16":
            model = model.to(torch.float16)
        model.save_pretrained(str(out))
        save_encoder(encoder, out, cfg.window, cfg.stride, tags, cfg.o_weight)
        text = yaml.safe_dump(dataclasses.asdict(cfg), allow_unicode=True, sort_keys=False)
        header = f"# copy of {config_path}\n" if config_path else ""
        (out / "train_config.yaml").write_text(header + text, encoding="utf-8")
        (out / "metrics.json").write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        plot_curve(trainer.state.log_history, out / "training_curve.png")
        write_card(out, cfg, metrics)
        from ie.tag.onnx import export_after_training

        export_after_training(out)       # model.onnx beside the weights: extract runs it without torch
    return metrics


def register(subparsers) -> None:
    p = subparsers.add_parser("train", help="train the character tagger from Label Studio tasks",
                              description=__doc__.splitlines()[0])
    p.add_argument("--config", required=True, help="YAML config (see configs/default.yaml)")
    p.add_argument("--data", help="override `data` (Label Studio export file or folder)")
    p.add_argument("--output-dir", help="override `output_dir`")
    p.add_argument("--max-steps", type=int, help="override `max_steps`")
    p.set_defaults(func=run)


def _task_of(path: str) -> tuple[str, dict]:
    """The config's `task` (tagger, the default, or roles) and its raw mapping."""
    raw = read_config(path)
    return str(raw.get("task", "tagger")), raw


def run(args) -> int:
    try:
        task, raw = _task_of(args.config)
    except ValueError as exc:
        print(f"ie train: {exc}", file=sys.stderr)
        return 2
    if task == "roles":
        from ie.tag.roles import run_config

        return run_config(raw, args.config, data=args.data, output_dir=args.output_dir, max_steps=args.max_steps)
    try:
        cfg = load_config(args.config, data=args.data, output_dir=args.output_dir, max_steps=args.max_steps)
        metrics = train(cfg, args.config)
    except (ValueError, FileNotFoundError) as exc:
        print(f"ie train: {exc}", file=sys.stderr)
        return 2
    if int(os.environ.get("RANK", "0")) != 0:
        return 0
    ev = metrics.get("eval")
    print(f"saved {cfg.output_dir}; held-out F1 " + (f"{ev['f1']:.3f}" if ev else "n/a"))
    return 0

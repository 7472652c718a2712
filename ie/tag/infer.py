"""`Tagger`: load a trained model directory and tag whole documents (windows batched, merged per character)."""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ie.convert import bio_to_spans, windows
from ie.models import Entity
from ie.tag import available_cores
from ie.tag.merge import WindowOutput, calibrated_softmax, decode_text, merge_windows


def sensible_threads() -> int:
    """The cores this process may use, capped at 8 (more threads stop paying for a small model)."""
    return max(1, min(available_cores(), 8))


BACKENDS = ("auto", "torch", "onnxruntime")


def ort_runner(path: Path, threads: int, backend: str | None):
    """The ONNX Runtime forward pass of the model in `path` (ie.tag.onnx.OrtRunner), or None: use torch."""
    backend = backend or os.environ.get("IE_BACKEND") or "auto"
    if backend not in BACKENDS:
        raise ValueError(f"backend {backend!r}: one of {', '.join(BACKENDS)}")
    if backend == "torch":
        return None
    from ie.tag.onnx import ONNX_FILE, OrtRunner, session

    sess = session(path, threads)
    if sess is None:
        if backend == "onnxruntime":
            raise FileNotFoundError(f"{path}: no current {ONNX_FILE} or no onnxruntime (ie export-onnx {path})")
        return None
    return OrtRunner(sess)


def _tagger_runner(path: Path, threads: int, backend: str | None):
    """As `ort_runner`, called the way Tagger calls its runner."""
    run = ort_runner(path, threads, backend)
    if run is None:
        return None
    return lambda ids, mask, types=None: run(input_ids=ids, attention_mask=mask, token_type_ids=types)


def config_labels(path: Path) -> list[str]:
    """The label names of config.json in id order."""
    import json

    config = json.loads((path / "config.json").read_text(encoding="utf-8"))
    id2label = {int(k): v for k, v in config["id2label"].items()}
    return [id2label[i] for i in range(len(id2label))]


def check_labels(path: Path, model_labels: list[str], meta_labels: list[str], meta_file: str) -> None:
    if list(model_labels) != list(meta_labels):
        raise ValueError(f"{path}: config.json labels {list(model_labels)} disagree with {meta_file} "
                         f"{list(meta_labels)}")


class Tagger:
    """Character tagger. `runner(input_ids, attention_mask, token_type_ids) -> logits` (numpy; the type ids are
    None unless the model was trained with character classes) lets another backend
    (ONNX Runtime, see benchmarks/onnx_bench.py) stand in for torch with the same windows and merge."""

    def __init__(self, model, encoder, meta: dict, path: str | Path | None = None,
                 batch_size: int = 16, runner: Callable | None = None):
        self.model = model
        self.encoder = encoder
        self.window = int(meta["window"])
        self.stride = int(meta["stride"])
        self.tags: list[str] = list(meta["tags"])
        # the O-tag loss weight the model was trained with; undone in the softmax (see calibrated_softmax)
        self.o_weight = float(meta.get("o_weight", 1.0))
        self.path = str(path) if path else None
        self.batch_size = batch_size
        self.runner = runner or self._torch_runner
        self.backend = "torch" if runner is None else "custom"

    @classmethod
    def from_pretrained(cls, path: str | Path | None = None, num_threads: int | None = None,
                        batch_size: int = 16, backend: str | None = None) -> "Tagger":
        """`backend`: "auto" (ONNX Runtime where the folder holds a current model.onnx and onnxruntime is
        installed, else torch), "torch" or "onnxruntime"; default: $IE_BACKEND, else "auto"."""
        from ie.paths import DEFAULT_MODEL_DIR
        from ie.tag.encoding import load_encoder

        path = Path(path) if path else DEFAULT_MODEL_DIR
        if not path.is_dir():
            raise FileNotFoundError(f"{path}: no such model directory")
        threads = num_threads or sensible_threads()
        encoder, meta = load_encoder(path)
        runner = _tagger_runner(path, threads, backend)
        if runner is not None:
            check_labels(path, config_labels(path), meta["tags"], "tagger.json")
            tagger = cls(None, encoder, meta, path, batch_size=batch_size, runner=runner)
            tagger.backend = "onnxruntime"
            return tagger
        # OpenMP threads that spin between operations burn the cores the other thread (or other processes)
        # need: on the shared 2-core machine two torch threads tagged 3-4x slower than one with spinning, as
        # fast with passive waiting (benchmarks/speed_bench.py). Read when torch loads; the user's setting wins.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        import torch

        from ie.tag.bert import load as load_plain
        from ie.tag.model import load_trained

        torch.set_num_threads(threads)
        # a plain BERT runs without transformers (ie.tag.bert: seconds less to start); anything else through it
        model = load_plain(path)
        if model is None:
            model = load_trained(path)
        want = [model.config.id2label[i] for i in range(model.config.num_labels)]
        check_labels(path, want, meta["tags"], "tagger.json")
        return cls(model, encoder, meta, path, batch_size=batch_size)

    def _torch_runner(self, ids: np.ndarray, mask: np.ndarray, types: np.ndarray | None = None) -> np.ndarray:
        import torch

        extra = {"token_type_ids": torch.from_numpy(types)} if types is not None else {}
        with torch.inference_mode():
            out = self.model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask), **extra)
        return out.logits.float().numpy()

    def window_outputs(self, text: str) -> list[WindowOutput]:
        spans = windows(len(text), self.window, self.stride)
        encs = [self.encoder.encode(text[s:e]) for s, e in spans]
        outs: list[WindowOutput] = []
        for b in range(0, len(encs), self.batch_size):
            batch = encs[b: b + self.batch_size]
            n = max(len(e) for e in batch)
            ids = np.full((len(batch), n), self.encoder.pad_id, dtype=np.int64)
            mask = np.zeros((len(batch), n), dtype=np.int64)
            types = np.zeros((len(batch), n), dtype=np.int64) if batch[0].token_type_ids is not None else None
            for i, e in enumerate(batch):
                ids[i, : len(e)] = e.input_ids
                mask[i, : len(e)] = 1
                if types is not None:
                    types[i, : len(e)] = e.token_type_ids
            probs = calibrated_softmax(self.runner(ids, mask, types), self.tags.index("O"), self.o_weight)
            for i, e in enumerate(batch):
                s, t = spans[b + i]
                outs.append(WindowOutput(s, t, e.char_pos, probs[i, : len(e)]))
        return outs

    def tag_sequence(self, text: str) -> tuple[list[str], list[float]]:
        """One IOB2 tag and its probability per character of `text`."""
        if not text:
            return [], []
        probs = merge_windows(len(text), self.window_outputs(text), len(self.tags))
        return decode_text(text, probs, self.tags)

    def tag(self, text: str, skip: Sequence[tuple[int, int]] = ()) -> list[Entity]:
        """Entities with source="model"; score = the lowest per-character top probability inside the span.

        `skip`: character ranges [start, end) not to read. ie.extract passes the national tables, whose cells
        the table stage reads (a fifth of the corpus's characters, benchmarks/model_cost.py). Each stretch
        between them is tagged as a document of its own: no window spans a skipped range, and no entity
        crosses one."""
        out: list[Entity] = []
        for a, b in kept_stretches(len(text), skip):
            part = text[a:b]
            seq, scores = self.tag_sequence(part)
            out += [replace(e, start=e.start + a, end=e.end + a) for e in bio_to_spans(part, seq, scores, "model")]
        return out


def kept_stretches(n: int, skip: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The ranges of [0, n) outside every range of `skip` (which may overlap and come in any order)."""
    out, pos = [], 0
    for a, b in sorted((max(0, a), min(n, b)) for a, b in skip):
        if a > pos:
            out.append((pos, a))
        pos = max(pos, b)
    if pos < n:
        out.append((pos, n))
    return out


def score_tasks(tagger: Tagger, tasks: list[dict]) -> dict:
    """Document-level seqeval scores of `tagger` on Label Studio tasks (whole documents, strict IOB2)."""
    from ie.tag.data import gold_tags
    from ie.tag.metrics import entity_scores

    gold, pred = [], []
    for _, (text, g) in gold_tags(tasks).items():
        gold.append(g)
        pred.append(tagger.tag_sequence(text)[0])
    return entity_scores(gold, pred)

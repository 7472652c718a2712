"""ONNX Runtime backend for the tagger and the role model: export beside the weights, load without torch.

A model folder keeps its Hugging Face layout (config.json, model.safetensors, vocab, label map); `export`
writes `model.onnx` beside model.safetensors with the sha256 of the safetensors it came from in the ONNX
metadata (key `ie.safetensors_sha256`). `session` opens it with ONNX Runtime when onnxruntime is importable
and the export matches the weights; otherwise it returns None and the caller runs plain torch (ie.tag.bert):
quietly when there is no export or no onnxruntime, with a one-line warning when the export is stale (the
weights were retrained or replaced after it was made: `ie export-onnx MODEL_DIR` makes it again).

Why: `import torch` alone takes longer on the project's 2 cores than start-up is allowed to, and ONNX
Runtime runs this small BERT's forward pass faster than torch's eager kernels (benchmarks/results/).
Importing this module imports neither torch nor onnxruntime.
"""
from __future__ import annotations

import hashlib
import json
import sys
import warnings
from pathlib import Path

ONNX_FILE = "model.onnx"
WEIGHTS_FILE = "model.safetensors"
SHA_KEY = "ie.safetensors_sha256"      # ONNX metadata: the weights the export was made from
KIND_KEY = "ie.kind"                   # "tagger" | "roles"
OPSET = 17
ROLE_ARCHITECTURE = "BertForSpanRole"
TAGGER_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
ROLE_INPUTS = TAGGER_INPUTS + ("span_mask",)


def weights_sha256(model_dir: str | Path) -> str:
    h = hashlib.sha256()
    with open(Path(model_dir) / WEIGHTS_FILE, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _kind(model_dir: Path) -> str:
    from ie.tag.roles import ROLES_FILE

    if (model_dir / ROLES_FILE).exists():
        return "roles"
    if (model_dir / "tagger.json").exists():
        return "tagger"
    raise FileNotFoundError(f"{model_dir}: neither a tagger (tagger.json) nor a role model (roles.json) folder")


# ------------------------------------------------------------------------------------------ export

def _torch_model(model_dir: Path, kind: str):
    """The fp32 eval model the torch path would run (plain BERT where supported, else transformers')."""
    import torch

    from ie.tag.bert import load as load_plain

    if kind == "roles":
        model = load_plain(model_dir, ROLE_ARCHITECTURE)
        if model is None:
            from ie.tag.roles import role_model_class

            model = role_model_class().from_pretrained(str(model_dir), use_safetensors=True, dtype=torch.float32)
    else:
        model = load_plain(model_dir)
        if model is None:
            from ie.tag.model import load_trained

            model = load_trained(model_dir)
    from ie.tag.bert import BertTagger

    if isinstance(model, BertTagger):
        model.as_buffers()
        model.explicit_attention = True
    return model.float().eval()


def _wrapper(model, kind: str):
    import torch

    class Tagger(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.m = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.m(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).logits

    class Roles(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.m = model

        def forward(self, input_ids, attention_mask, token_type_ids, span_mask):
            return self.m(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                          span_mask=span_mask)["logits"]

    return (Roles if kind == "roles" else Tagger)().eval()


def export(model_dir: str | Path, quantize: bool = False) -> Path:
    """Write `model_dir/model.onnx` for the tagger or role model in `model_dir` (fp32; int8 dynamic
    quantization of the weights with `quantize`). The file is replaced only once the new one is complete."""
    import onnx
    import torch

    model_dir = Path(model_dir)
    if not (model_dir / WEIGHTS_FILE).exists():
        raise FileNotFoundError(f"{model_dir}: no {WEIGHTS_FILE} to export")
    kind = _kind(model_dir)
    sha = weights_sha256(model_dir)
    model = _torch_model(model_dir, kind)
    names = list(ROLE_INPUTS if kind == "roles" else TAGGER_INPUTS)
    seq = 16
    example = tuple(torch.ones((2, seq), dtype=torch.long) if n in ("input_ids", "attention_mask")
                    else torch.zeros((2, seq), dtype=torch.long) for n in names)
    if kind == "roles":
        example[3][:, 3:5] = 1        # a span, so the mean over it is traced as it runs
    axes = {0: "batch", 1: "seq"}
    dynamic = {n: axes for n in names}
    dynamic["logits"] = {0: "batch", 1: "seq"} if kind == "tagger" else {0: "batch"}
    out = model_dir / ONNX_FILE
    tmp = model_dir / (ONNX_FILE + ".tmp")
    try:
        with torch.inference_mode(False), torch.no_grad(), warnings.catch_warnings():
            # the tracer warns about unpacking q, k, v from one tensor: a fixed 3, exported as it runs
            warnings.simplefilter("ignore")
            torch.onnx.export(_wrapper(model, kind), example, str(tmp), input_names=names, output_names=["logits"],
                              dynamic_axes=dynamic, opset_version=OPSET, dynamo=False)
        if quantize:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            q = model_dir / (ONNX_FILE + ".int8.tmp")
            quantize_dynamic(str(tmp), str(q), weight_type=QuantType.QInt8)
            q.replace(tmp)
        proto = onnx.load(str(tmp))
        _store_half(proto)
        meta = {SHA_KEY: sha, KIND_KEY: kind, "ie.quantized": "int8" if quantize else "no"}
        for p in list(proto.metadata_props):
            if p.key in meta:
                proto.metadata_props.remove(p)
        onnx.helper.set_model_props(proto, {**{p.key: p.value for p in proto.metadata_props}, **meta})
        onnx.save(proto, str(tmp))
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def _store_half(proto) -> None:
    """Store float32 weights that are float16 values (the saved weights are float16 by default) as float16
    with a Cast back: half the file, the same numbers (ONNX Runtime folds the Cast when it loads)."""
    import numpy as np
    from onnx import helper, numpy_helper

    graph = proto.graph
    casts = []
    for init in list(graph.initializer):
        if init.data_type != onnx_float() or np.prod(init.dims) < 1024:
            continue
        a = numpy_helper.to_array(init)
        half = a.astype(np.float16)
        if not np.array_equal(half.astype(np.float32), a):
            continue
        graph.initializer.remove(init)
        graph.initializer.append(numpy_helper.from_array(half, init.name + "_fp16"))
        casts.append(helper.make_node("Cast", [init.name + "_fp16"], [init.name], to=onnx_float()))
    for i, node in enumerate(casts):
        graph.node.insert(i, node)


def onnx_float() -> int:
    from onnx import TensorProto

    return TensorProto.FLOAT


def export_tree(model_dir: str | Path, quantize: bool = False) -> list[Path]:
    """Export the model in `model_dir` and the role model in its `roles/` subfolder, where there is one."""
    from ie.tag.roles import ROLES_DIR, ROLES_FILE

    model_dir = Path(model_dir)
    if not model_dir.is_dir():
        raise FileNotFoundError(f"{model_dir}: no such model directory")
    done = [export(model_dir, quantize)]
    if (model_dir / ROLES_DIR / ROLES_FILE).exists():
        done.append(export(model_dir / ROLES_DIR, quantize))
    return done


def export_after_training(model_dir: str | Path) -> Path | None:
    """`ie train`'s last step: export the model just saved. A failed export costs speed, not the training:
    it is reported on one line (extract then runs torch) and `ie export-onnx` can retry it."""
    try:
        path = export(model_dir)
    except Exception as exc:       # noqa: BLE001 - the trained weights are saved; never lose them to this
        print(f"ie train: ONNX export of {model_dir} failed ({type(exc).__name__}: {exc}); extract will use "
              f"torch. Retry: ie export-onnx {model_dir}", file=sys.stderr)
        return None
    print(f"exported {path}")
    return path


# ------------------------------------------------------------------------------------------ inference

def stale_reason(model_dir: str | Path, sess) -> str | None:
    """None when the session's export was made from the weights in `model_dir`; else why not."""
    made_from = sess.get_modelmeta().custom_metadata_map.get(SHA_KEY)
    if made_from is None:
        return "it names no weights it was made from"
    if made_from != weights_sha256(model_dir):
        return f"it was made from other weights (sha256 {made_from[:12]}…)"
    return None


def session(model_dir: str | Path, threads: int):
    """An ONNX Runtime session for `model_dir/model.onnx`, or None: no onnxruntime, no export, or a stale or
    unreadable one (warned about on stderr, one line). `threads`: intra-op threads (the worker's share of the cores)."""
    model_dir = Path(model_dir)
    path = model_dir / ONNX_FILE
    if not path.exists() or not (model_dir / WEIGHTS_FILE).exists():
        return None
    try:
        import onnxruntime as ort
    except ImportError:
        return None
    so = ort.SessionOptions()
    so.intra_op_num_threads = max(1, int(threads))
    so.inter_op_num_threads = 1
    so.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # threads that spin between operators burn the cores other workers (and other processes) need, as
    # OMP_WAIT_POLICY=PASSIVE does for torch (ie.tag.infer)
    so.add_session_config_entry("session.intra_op.allow_spinning", "0")
    so.log_severity_level = 3
    try:
        sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    except Exception as exc:     # noqa: BLE001 - a damaged or foreign file: the weights beside it still work
        print(f"ie: warning: {path} cannot be loaded ({type(exc).__name__}: {str(exc)[:120]}); using torch. "
              f"Re-export: ie export-onnx {model_dir}", file=sys.stderr)
        return None
    why = stale_reason(model_dir, sess)
    if why is not None:
        print(f"ie: warning: {path} is stale ({why}); using torch. Re-export: ie export-onnx {model_dir}",
              file=sys.stderr)
        return None
    return sess


class OrtRunner:
    """`runner(**numpy inputs) -> logits` over an ONNX Runtime session; feeds only the inputs it has."""

    def __init__(self, sess):
        self.sess = sess
        self.inputs = [i.name for i in sess.get_inputs()]

    def __call__(self, **arrays):
        import numpy as np

        feed = {}
        for n in self.inputs:
            a = arrays.get(n)
            feed[n] = a if a is not None else np.zeros_like(arrays["input_ids"])
        return self.sess.run(["logits"], feed)[0]


# ------------------------------------------------------------------------------------------ command line

def register(sub) -> None:
    p = sub.add_parser("export-onnx", help="export a trained model folder (and its roles/) to ONNX",
                       description="Write model.onnx beside model.safetensors for the tagger in MODEL_DIR and the "
                                   "role model in MODEL_DIR/roles (or for a role model folder itself), so that "
                                   "`ie extract` runs them on ONNX Runtime without importing torch.")
    p.add_argument("model_dirs", nargs="+", metavar="MODEL_DIR")
    p.add_argument("--int8", action="store_true",
                   help="quantize the weights to int8 (onnxruntime quantize_dynamic); default fp32")
    p.set_defaults(func=_run)


def _run(args) -> int:
    failed = 0
    for d in args.model_dirs:
        try:
            for path in export_tree(d, quantize=args.int8):
                print(f"wrote {path} ({path.stat().st_size / 2**20:.1f} MB)")
        except (FileNotFoundError, ValueError, KeyError, OSError) as exc:
            msg = str(exc) if str(d) in str(exc) else f"{d}: {exc}"       # name the folder once
            print(f"ie export-onnx: {msg}", file=sys.stderr)
            failed += 1
    return 2 if failed else 0

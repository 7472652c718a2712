"""Do two ways of running `ie extract` give the same JSON for every corpus report?

    python scripts/compare_extract.py save OUT_DIR [--backend torch|onnxruntime] [--model DIR] [CORPUS_DIR]
    python scripts/compare_extract.py diff BEFORE_DIR AFTER_DIR [--tolerance 1e-4]

`save` extracts every .txt report of the corpus (default model unless --model) into OUT_DIR/<name>.json;
`diff` compares two such folders report by report: every value must be equal, except model scores and
confidences (floats) which may differ by --tolerance (another backend computes the same logits in another
order). Prints one line per report that differs (the first differing paths) and a summary; exit status 1 when
any report differs beyond the tolerance. Use it before/after a change of the model path: save with the old
code or backend, save with the new, diff.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def save(out: Path, corpus: Path, model: str, backend: str | None) -> int:
    if backend:
        os.environ["IE_BACKEND"] = backend          # read by Tagger/RolePredictor.from_pretrained
    from ie.extract import extract_file, load_roles, load_tagger

    files = sorted(corpus.glob("*.txt"))
    if not files:
        raise SystemExit(f"no .txt reports in {corpus}")
    out.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    failed = 0
    for f in files:
        try:
            report = extract_file(f, model=model)
        except Exception as exc:      # a failing report is a difference too: recorded, the others go on
            report = {"error": f"{type(exc).__name__}: {exc}"}
            failed += 1
        (out / f"{f.stem}.json").write_text(json.dumps(report, ensure_ascii=False, indent=1, sort_keys=True),
                                            encoding="utf-8")
    tagger, roles = load_tagger(model), load_roles(model)
    print(f"saved {len(files)} reports to {out} in {time.perf_counter() - t0:.1f} s (tagger "
          f"{getattr(tagger, 'backend', None)}, roles {getattr(roles, 'backend', None)}; {failed} failed)")
    return 0


def differences(a, b, tol: float, path: str = "") -> list[str]:
    """Paths where `a` and `b` differ (floats: by more than `tol`)."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                out.append(f"{path}.{k} only in {'after' if k not in a else 'before'}")
            else:
                out += differences(a[k], b[k], tol, f"{path}.{k}")
        return out
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} vs {len(b)} items"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y, tol, f"{path}[{i}]")]
    if isinstance(a, float) and isinstance(b, float) and not isinstance(a, bool):
        return [] if abs(a - b) <= tol else [f"{path}: {a} vs {b}"]
    if isinstance(a, str) and isinstance(b, str) and a != b and path.endswith(".note"):
        # "role model: P(field) = 0.912": the printed probability may move in its last digit
        return []
    return [] if a == b else [f"{path}: {str(a)[:60]!r} vs {str(b)[:60]!r}"]


def diff(before: Path, after: Path, tol: float) -> int:
    names = sorted({p.name for p in before.glob("*.json")} | {p.name for p in after.glob("*.json")})
    if not names:
        raise SystemExit(f"no reports in {before} or {after}")
    same = exact = 0
    max_float = 0.0
    for n in names:
        pa, pb = before / n, after / n
        if not pa.exists() or not pb.exists():
            print(f"{n}: only in {'after' if not pa.exists() else 'before'}")
            continue
        a, b = json.loads(pa.read_text(encoding="utf-8")), json.loads(pb.read_text(encoding="utf-8"))
        exact += a == b
        d = differences(a, b, tol)
        if d:
            print(f"{n}: {len(d)} differences: " + "; ".join(d[:4]))
        else:
            same += 1
            max_float = max(max_float, _max_float_gap(a, b))
    print(f"{same}/{len(names)} reports the same (floats within {tol}); {exact} byte-identical; largest float "
          f"gap among the same: {max_float:.2e}")
    return 0 if same == len(names) else 1


def _max_float_gap(a, b) -> float:
    if isinstance(a, dict):
        return max((_max_float_gap(a[k], b[k]) for k in a), default=0.0)
    if isinstance(a, list):
        return max((_max_float_gap(x, y) for x, y in zip(a, b)), default=0.0)
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b)
    return 0.0


def main(argv=None) -> int:
    from ie.paths import corpus_dir

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("save")
    s.add_argument("out")
    s.add_argument("corpus", nargs="?", default=None)
    s.add_argument("--model", default="default")
    s.add_argument("--backend", choices=("auto", "torch", "onnxruntime"))
    d = sub.add_parser("diff")
    d.add_argument("before")
    d.add_argument("after")
    d.add_argument("--tolerance", type=float, default=1e-4)
    args = ap.parse_args(argv)
    if args.cmd == "save":
        # resolved: the same reports reached through a symlink must not differ in source.path
        corpus = (Path(args.corpus) if args.corpus else corpus_dir()).resolve()
        return save(Path(args.out), corpus, args.model, args.backend)
    return diff(Path(args.before), Path(args.after), args.tolerance)


if __name__ == "__main__":
    sys.exit(main())

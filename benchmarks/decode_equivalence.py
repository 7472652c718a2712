"""The tagger's decoding (ie/tag/merge.py: decode, trim_whitespace; ie/convert.py: bio_to_spans; the vocabulary's
encode) at another revision against the working tree: same tags, scores and spans, and the time of each.

    python benchmarks/decode_equivalence.py [--base d39fa65] [--repeat 3]

The default model's merged probabilities of every corpus and pool report are computed once; then both
revisions' functions decode them, and a copy with every seventh row uncovered (NaN: the path of characters no
token covered) and every fifth tag scrambled into invalid IOB2 (for trim_whitespace and bio_to_spans). Prints
the number of decodings that differ (0 expected; exit status 1 otherwise) and the Python time per report of
each revision (the forward passes are not in it). The vocabulary's encode is checked against token_of on every
text.
"""
from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def module_at(rev: str, path: str, name: str, tmp: Path):
    """The module file `path` as it was at git revision `rev`, imported as `name`."""
    src = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{path}"], check=True, capture_output=True,
                         text=True).stdout
    f = tmp / f"{name}.py"
    f.write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, f)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod          # dataclasses look their module up while the class is made
    spec.loader.exec_module(mod)
    return mod


def decode_all(merge, convert, text, probs, tags):
    seq, scores = merge.decode(probs, tags)
    trimmed = merge.trim_whitespace(text, seq)
    return seq, scores, trimmed, convert.bio_to_spans(text, trimmed, scores)


def main(argv=None) -> int:
    import numpy as np

    from ie import convert
    from ie.extract import load_tagger
    from ie.normalize import normalize_document
    from ie.paths import corpus_dir
    from ie.read import read_document
    from ie.tag import merge
    from ie.tag.vocab import token_of

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="d39fa65")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    tagger = load_tagger("default")
    files = sorted(corpus_dir().glob("*.txt")) + sorted((corpus_dir() / "unlabeled").glob("*.txt"))
    cases = []
    for f in files:
        text = normalize_document(read_document(f)).text
        vocab = tagger.encoder.vocab
        if vocab.encode(text) != [vocab.ids.get(token_of(c), vocab.unk_id) for c in text]:
            print(f"{f.name}: CharVocab.encode differs from token_of")
        probs = merge.merge_windows(len(text), tagger.window_outputs(text), len(tagger.tags))
        holed = probs.copy()
        holed[::7] = np.nan
        cases += [(text, probs), (text, holed)]
    with tempfile.TemporaryDirectory() as tmp:
        old_merge = module_at(args.base, "ie/tag/merge.py", "base_merge", Path(tmp))
        old_convert = module_at(args.base, "ie/convert.py", "base_convert", Path(tmp))
        differ = 0
        for text, probs in cases:
            a = decode_all(old_merge, old_convert, text, probs, tagger.tags)
            b = decode_all(merge, convert, text, probs, tagger.tags)
            messy = [t if i % 5 else ("I-DATE" if t == "O" else "O") for i, t in enumerate(a[2])]
            same = (a == b and old_merge.trim_whitespace(text, messy) == merge.trim_whitespace(text, messy)
                    and old_convert.bio_to_spans(text, messy, a[1]) == convert.bio_to_spans(text, messy, a[1]))
            differ += not same
        print(f"{len(cases)} decodings of {len(files)} reports: {differ} differ between {args.base} and the working tree")
        whole = cases[::2]
        for label, m, c in ((args.base, old_merge, old_convert), ("working tree", merge, convert)):
            best = min(_timed(whole, m, c, tagger.tags) for _ in range(args.repeat))
            print(f"decode + trim + bio_to_spans, {label}: {best / len(whole) * 1e3:.2f} ms per report")
    return 1 if differ else 0


def _timed(cases, merge, convert, tags) -> float:
    t = time.perf_counter()
    for text, probs in cases:
        decode_all(merge, convert, text, probs, tags)
    return time.perf_counter() - t


if __name__ == "__main__":
    sys.exit(main())

"""Which tagger windows could be skipped without changing `ie extract`'s output? A count over the corpus.

    python benchmarks/tag_windows.py [--window 128] [--stride 112] [--margin 32]

Two candidates, both measured before building anything:
- windows lying wholly on flattened table lines (`| … |`, whose bare numbers are never labeled:
  annotations/GUIDELINES.md "## Tables");
- windows (with --margin characters on each side) holding no character a span ie.map accepts from the model
  must contain (ie.map.plausible: a digit or Chinese numeral for COUNT/MONEY/PERCENT/DATE/文号, 《 for titles).
Prints the share of characters on table lines and how many windows each rule would skip.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TRIGGER = re.compile(r"[0-9０-９《》〇○零一二三四五六七八九十两百千万亿]")


def table_mask(text: str) -> list[bool]:
    mask = [False] * len(text)
    pos = 0
    for line in text.split("\n"):
        if line.lstrip().startswith("|"):
            for i in range(pos, min(len(text), pos + len(line) + 1)):
                mask[i] = True
        pos += len(line) + 1
    return mask


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--window", type=int, default=128)
    ap.add_argument("--stride", type=int, default=112)
    ap.add_argument("--margin", type=int, default=32)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from tag_bench import corpus_texts

    from ie.convert import windows

    chars = table_chars = n = on_tables = no_trigger = 0
    for _, text in corpus_texts():
        mask = table_mask(text)
        chars += len(text)
        table_chars += sum(mask)
        for s, e in windows(len(text), args.window, args.stride):
            n += 1
            on_tables += all(mask[s:e])
            no_trigger += TRIGGER.search(text, max(0, s - args.margin), min(len(text), e + args.margin)) is None
    print(f"corpus: {chars} normalized characters, {table_chars} ({table_chars / chars:.1%}) on table lines")
    print(f"windows: {n}; wholly on table lines: {on_tables} ({on_tables / n:.1%}); without a digit, numeral or "
          f"《》 within {args.margin} characters: {no_trigger} ({no_trigger / n:.1%})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

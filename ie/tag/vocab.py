"""Character vocabulary: one id per character, whitespace included, saved as a BERT-style vocab.txt.

Why our own mapping rather than BertTokenizer: a wordpiece tokenizer keeps runs of digits and Latin letters
together ("2018" is one token) and drops whitespace, which breaks the 1:1 char↔tag mapping; and in
transformers 5 the per-character behaviour does not reliably survive a save/reload. A plain list of
characters round-trips exactly and is still a valid `vocab.txt` (one token per line) for BERT.
"""
from __future__ import annotations

import string
from pathlib import Path
from typing import Iterable

PAD, UNK, CLS, SEP, MASK = "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"
SPACE, NL, TAB, WS = "[SPACE]", "[NL]", "[TAB]", "[WS]"
SPECIALS = (PAD, UNK, CLS, SEP, MASK, SPACE, NL, TAB, WS)
VOCAB_FILE = "vocab.txt"

# whitespace cannot sit on a line of vocab.txt: name it instead
_WS_TOKENS = {" ": SPACE, "\n": NL, "\t": TAB}

CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】〔〕［］｛｝—…·～－／＋＝％＠＃＆＊｜〇○◯━─│┃┌┐└┘├┤┬┴┼　"


def gb2312_hanzi() -> list[str]:
    """All GB2312 level-1/2 hanzi (rows 0xB0–0xF7, cells 0xA1–0xFE), generated offline."""
    out = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                out.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                continue   # the unused cells at the end of row 0xD7
    return out


def fullwidth_ascii() -> list[str]:
    return [chr(c) for c in range(0xFF01, 0xFF5F)]


def token_of(ch: str) -> str:
    """The vocab entry that stands for one character (whitespace gets a named token)."""
    if ch in _WS_TOKENS:
        return _WS_TOKENS[ch]
    if ch.isspace() or ch == "":
        return WS
    return ch


class CharVocab:
    """Maps each character to one id; unknown characters to [UNK], never to nothing."""

    def __init__(self, tokens: list[str]):
        if list(tokens[: len(SPECIALS)]) != list(SPECIALS):
            raise ValueError(f"vocab must start with {SPECIALS}")
        self.tokens = list(tokens)
        self.ids = {t: i for i, t in enumerate(self.tokens)}
        if len(self.ids) != len(self.tokens):
            raise ValueError("duplicate entries in vocab")
        self.unk_id = self.ids[UNK]
        self._char_ids: dict[str, int] = {}     # character -> id, filled as characters are met (see encode)

    # -- building -------------------------------------------------------------------------------
    @classmethod
    def build(cls, texts: Iterable[str] = ()) -> "CharVocab":
        """Specials, ASCII, CJK punctuation, full-width ASCII, GB2312 hanzi, then any corpus character."""
        seen: dict[str, None] = dict.fromkeys(SPECIALS)
        base = [c for c in string.printable if not c.isspace()] + list(CJK_PUNCT) + fullwidth_ascii() + gb2312_hanzi()
        for ch in base:
            seen.setdefault(token_of(ch))
        extra = set()
        for t in texts:
            extra.update(t)
        for ch in sorted(extra):
            seen.setdefault(token_of(ch))
        return cls(list(seen))

    # -- io -------------------------------------------------------------------------------------
    def save(self, directory: str | Path) -> Path:
        path = Path(directory) / VOCAB_FILE
        path.write_text("\n".join(self.tokens) + "\n", encoding="utf-8")
        return path

    @classmethod
    def load(cls, directory: str | Path) -> "CharVocab":
        path = Path(directory)
        path = path / VOCAB_FILE if path.is_dir() else path
        if not path.exists():
            raise FileNotFoundError(f"{path}: no character vocabulary")
        lines = path.read_text(encoding="utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return cls(lines)

    # -- use ------------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.tokens)

    def id_of(self, ch: str) -> int:
        return self.ids.get(token_of(ch), self.unk_id)

    def encode(self, text: str | list[str]) -> list[int]:
        """One id per character, in order: len(encode(t)) == len(t)."""
        memo = self._char_ids
        try:
            # a report has a few hundred distinct characters: one dict lookup each beats token_of per character
            return [memo[c] for c in text]
        except KeyError:
            for c in set(text) - memo.keys():
                memo[c] = self.id_of(c)
            return [memo[c] for c in text]

    @property
    def pad_id(self) -> int:
        return self.ids[PAD]

    @property
    def cls_id(self) -> int:
        return self.ids[CLS]

    @property
    def sep_id(self) -> int:
        return self.ids[SEP]

    @property
    def mask_id(self) -> int:
        return self.ids[MASK]

    @property
    def special_ids(self) -> list[int]:
        """Ids of the tokens that stand for no character ([PAD], [CLS], [SEP], [MASK])."""
        return [self.ids[t] for t in (PAD, CLS, SEP, MASK)]

"""Turn a window of characters into model inputs and remember which token stands for which character.

Two encoders share one interface, `encode(chars) -> Encoded`:
- `CharEncoder` (our own vocab, one token per character, whitespace included) for locally initialised
  models: token i+1 is character i, always.
- `WordpieceEncoder` for hub checkpoints (bert-base-chinese, hfl/chinese-roberta-wwm-ext, hfl/rbt3) that
  bring their own wordpiece vocab: each character is fed as its own "word" (`is_split_into_words=True`), so
  "2018" becomes 2,0,1,8 and `word_ids()` gives the character of every token. Characters the tokenizer
  drops (whitespace) get no token; `char_pos` simply has no entry for them and the merge step fills them in.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ie.tag.vocab import CharVocab

ENCODER_FILE = "tagger.json"


# Character shape classes, fed as BERT's token_type_ids when a locally initialised model asks for them
# (`init_char_classes`). The idea is spaCy's SHAPE feature: a character the model has seen a few times (〇, ﹝,
# a full-width digit) still shares an embedding with its well-trained class, so "digits + 年" or
# "bracket, four digits, bracket, digits, 号" are learned as shapes rather than as particular characters.
CHAR_CLASSES = {
    "other": 0,       # any other character, and [CLS]/[SEP]/[PAD]
    "digit": 1,       # 0-9 in ASCII or full width
    "cn_numeral": 2,  # 〇○零一二三四五六七八九十百千万亿两
    "unit": 3,        # 年月日号时分: the characters that close dates and 文号
    "open": 4,        # 〔﹝[【(（《
    "close": 5,       # 〕﹞]】)）》
    "punct": 6,       # other punctuation and symbols (。，、；：%-/.)
    "space": 7,       # whitespace, line breaks included
    "latin": 8,       # ASCII / full-width letters
    "hanzi": 9,       # any other CJK ideograph
}
_CLASS_OF = {**{c: 1 for c in "0123456789０１２３４５６７８９"},
             **{c: 2 for c in "〇○零一二三四五六七八九十百千万亿两"},
             **{c: 3 for c in "年月日号时分"},
             **{c: 4 for c in "〔﹝[【(（《"},
             **{c: 5 for c in "〕﹞]】)）》"}}


def char_class(ch: str) -> int:
    """The CHAR_CLASSES id of one character."""
    if ch in _CLASS_OF:
        return _CLASS_OF[ch]
    if ch.isspace():
        return 7
    if ch.isascii() and ch.isalpha() or "Ａ" <= ch <= "Ｚ" or "ａ" <= ch <= "ｚ":
        return 8
    o = ord(ch)
    if 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF:
        return 9
    return 6 if not ch.isalnum() else 0


@dataclass
class Encoded:
    input_ids: list[int]
    char_pos: list[int]     # per token: index of its character in the window, -1 for [CLS]/[SEP]/continuations
    token_type_ids: list[int] | None = None   # character classes, for models trained with them

    def __len__(self) -> int:
        return len(self.input_ids)


class CharEncoder:
    kind = "char"

    def __init__(self, vocab: CharVocab, char_classes: bool = False):
        self.vocab = vocab
        self.pad_id = vocab.pad_id
        self.char_classes = char_classes

    def encode(self, chars: list[str] | str) -> Encoded:
        ids = self.vocab.encode(chars)
        n = len(ids)
        types = [0, *(char_class(c) for c in chars), 0] if self.char_classes else None
        return Encoded([self.vocab.cls_id, *ids, self.vocab.sep_id], [-1, *range(n), -1], types)

    def save(self, directory: Path) -> None:
        self.vocab.save(directory)

    @property
    def vocab_size(self) -> int:
        return len(self.vocab)


class WordpieceEncoder:
    kind = "wordpiece"
    char_classes = False

    def __init__(self, tokenizer, max_tokens: int = 512):
        self.tokenizer = tokenizer
        self.max_tokens = max_tokens
        self.pad_id = tokenizer.pad_token_id or 0

    def encode(self, chars: list[str] | str) -> Encoded:
        chars = list(chars)
        # whitespace words would be dropped anyway; feed them as-is so word indices stay char indices
        enc = self.tokenizer(chars, is_split_into_words=True, truncation=True, max_length=self.max_tokens,
                             add_special_tokens=True)
        pos, last = [], None
        for w in enc.word_ids():
            if w is None or w == last:
                pos.append(-1)      # special token or a continuation piece of the same character
            else:
                pos.append(w)
            last = w
        return Encoded(list(enc["input_ids"]), pos)

    def save(self, directory: Path) -> None:
        self.tokenizer.save_pretrained(str(directory))

    @property
    def vocab_size(self) -> int:
        return len(self.tokenizer)


def save_encoder(encoder, directory: str | Path, window: int, stride: int, labels: list[str],
                 o_weight: float = 1.0) -> None:
    """The encoder plus what inference needs to cut windows like training did and to read the model's
    outputs as probabilities (tagger.json; `o_weight`: the O-tag loss weight, undone at inference)."""
    directory = Path(directory)
    encoder.save(directory)
    meta = {"encoder": encoder.kind, "window": window, "stride": stride, "tags": labels, "o_weight": o_weight,
            "char_classes": encoder.char_classes}
    if isinstance(encoder, WordpieceEncoder):
        meta["max_tokens"] = encoder.max_tokens
    (directory / ENCODER_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def load_encoder(directory: str | Path):
    """(encoder, meta) from a saved model directory."""
    directory = Path(directory)
    meta_path = directory / ENCODER_FILE
    if not meta_path.exists():
        raise FileNotFoundError(f"{meta_path}: not a tagger model directory (no {ENCODER_FILE})")
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta["encoder"] == "char":
        return CharEncoder(CharVocab.load(directory), bool(meta.get("char_classes"))), meta
    if meta["encoder"] == "wordpiece":
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(str(directory))
        return WordpieceEncoder(tok, meta.get("max_tokens", 512)), meta
    raise ValueError(f"{meta_path}: unknown encoder {meta['encoder']!r}")

"""Character vocabulary and encoders: one token per character, exact offsets, lossless reload."""
from __future__ import annotations

from ie.tag.encoding import CharEncoder, WordpieceEncoder, load_encoder, save_encoder
from ie.tag.vocab import UNK, CharVocab, gb2312_hanzi

TEXT = "依据渝府办发〔2018〕76号 文件，\n共收到申请 21件（含ABC）\t。"


def test_tag_vocab_gb2312_has_all_level_1_and_2_hanzi():
    hanzi = gb2312_hanzi()
    assert len(hanzi) == 6763
    assert "啊" == hanzi[0] and "齄" == hanzi[-1]


def test_tag_vocab_one_token_per_character_with_whitespace_digits_and_brackets(tmp_path):
    vocab = CharVocab.build([TEXT])
    ids = vocab.encode(TEXT)
    assert len(ids) == len(TEXT)
    assert vocab.unk_id not in ids                       # spaces, newline, tab, 〔〕, digits all known
    assert ids[TEXT.index("2")] != ids[TEXT.index("0")]  # digits are separate tokens
    assert ids[TEXT.index(" ")] != ids[TEXT.index("\n")] != ids[TEXT.index("\t")]
    vocab.save(tmp_path)
    again = CharVocab.load(tmp_path)
    assert again.encode(TEXT) == ids
    assert again.tokens == vocab.tokens


def test_tag_vocab_unseen_common_hanzi_is_not_unk_and_rare_char_is_one_unk():
    vocab = CharVocab.build(["一二三"])
    assert vocab.id_of("瞿") != vocab.unk_id             # GB2312 level 2, not in the texts
    ids = vocab.encode("a𠀀b")                           # CJK Extension B: unknown, still exactly one id
    assert ids[1] == vocab.ids[UNK] and len(ids) == 3


def test_tag_encoder_char_positions_are_exact_after_reload(tmp_path):
    enc = CharEncoder(CharVocab.build([TEXT]))
    save_encoder(enc, tmp_path, window=16, stride=12, labels=["O", "B-COUNT", "I-COUNT"])
    again, meta = load_encoder(tmp_path)
    e1, e2 = enc.encode(TEXT), again.encode(TEXT)
    assert e1.input_ids == e2.input_ids
    assert e2.char_pos == [-1, *range(len(TEXT)), -1]
    assert meta["window"] == 16 and meta["stride"] == 12


def test_tag_wordpiece_encoder_feeds_characters_as_words(tmp_path):
    from transformers import BertTokenizer

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "2", "0", "1", "8", "年", "共", "件", "2018"]
    (tmp_path / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tok = BertTokenizer(vocab=str(tmp_path / "vocab.txt"))
    enc = WordpieceEncoder(tok)
    chars = list("共2018 年")
    e = enc.encode(chars)
    # [CLS] 共 2 0 1 8 年 [SEP]: the space gets no token, every other character exactly one, in order
    assert e.char_pos == [-1, 0, 1, 2, 3, 4, 6, -1]
    assert e.input_ids[2] == vocab.index("2") and e.input_ids[5] == vocab.index("8")


def test_tag_char_classes_group_shapes_not_characters():
    from ie.tag.encoding import CHAR_CLASSES, char_class

    assert char_class("7") == char_class("７") == CHAR_CLASSES["digit"]
    assert char_class("〇") == char_class("二") == CHAR_CLASSES["cn_numeral"]
    assert {char_class(c) for c in "年月日号"} == {CHAR_CLASSES["unit"]}
    assert {char_class(c) for c in "〔﹝[【(（《"} == {CHAR_CLASSES["open"]}
    assert {char_class(c) for c in "〕﹞]】)）》"} == {CHAR_CLASSES["close"]}
    assert char_class("\n") == char_class(" ") == CHAR_CLASSES["space"]
    assert char_class("a") == char_class("Ｚ") == CHAR_CLASSES["latin"]
    assert char_class("渝") == char_class("𠀀") == CHAR_CLASSES["hanzi"]
    assert char_class("。") == char_class("%") == CHAR_CLASSES["punct"]
    assert max(CHAR_CLASSES.values()) == len(CHAR_CLASSES) - 1


def test_tag_char_encoder_types_line_up_with_characters():
    from ie.tag.encoding import CharEncoder, char_class
    from ie.tag.vocab import CharVocab

    text = "渝府办发〔2018〕76号"
    plain = CharEncoder(CharVocab.build([text])).encode(text)
    assert plain.token_type_ids is None
    enc = CharEncoder(CharVocab.build([text]), char_classes=True).encode(text)
    assert enc.input_ids == plain.input_ids
    assert enc.token_type_ids == [0, *(char_class(c) for c in text), 0]


def test_tag_vocab_encode_is_id_of_each_character_before_and_after_it_has_seen_them():
    v = CharVocab.build(["政府信息"])
    text = "政府\t信息 公开\n龘X"                     # whitespace tokens, an unknown character, ASCII
    want = [v.id_of(c) for c in text]
    assert v.encode(text) == want
    assert v.encode(list(text)) == want                # again, from what it remembered, and from a list
    assert v.encode("龘") == [v.unk_id]

"""ie.t2s gives opencc's t2s conversion, phrase by phrase, on text built from opencc's own dictionaries."""
import random

import opencc

from ie.t2s import _tables, convert


def test_t2s_convert_is_opencc_t2s():
    cc = opencc.OpenCC("t2s")
    t = _tables()
    keys = list(t.phrases) + [chr(k) for k in t.chars]
    rnd = random.Random(1)
    texts = ["政府資訊公開工作年度報告", "著作權", "乾隆年間的乾燥天氣", "", "abc，。 2019年"]
    for _ in range(600):
        # phrases, parts of phrases and single characters run together, so that occurrences overlap
        parts = [rnd.choice(keys) if rnd.random() < 0.6 else rnd.choice(keys)[:rnd.randint(1, 3)]
                 for _ in range(rnd.randint(1, 10))]
        if rnd.random() < 0.3:
            parts.insert(rnd.randrange(len(parts) + 1), rnd.choice("，。 、a1"))
        texts.append("".join(parts))
    for text in texts:
        assert convert(text) == cc.convert(text), text

"""ie.fastre: a pattern searched from the characters its matches can start with gives finditer's matches."""
import random
import re

from ie.fastre import Fast, first_class


def test_fastre_first_class_reads_the_start_through_lookarounds_and_options():
    assert first_class(r"(?<![\d.])\d+") == r"\d"
    assert set(first_class(r"(?:未|没有)?(?:收到|受理)")) == set("未没收受")
    assert first_class(r"^[ \t]*(?:第|共)\d") is not None
    assert set(first_class(r"a?b*c")) == set("abc")


def test_fastre_first_class_gives_up_where_it_cannot_tell():
    assert first_class(r"a*") is None            # may match empty
    assert first_class(r".x") is None            # any character
    assert first_class(r"[^a]b") is None         # negated class
    assert first_class(r"(?i)ab") is None        # case folding
    # a back-reference starts like anything else, but a look-behind cannot hold it: the pattern keeps finditer
    assert first_class(r"(a)\1") == "a" and Fast(re.compile(r"(a)\1")).fast is None


def test_fastre_spans_and_matches_are_finditers():
    rnd = random.Random(0)
    patterns = [r"(?<![\d.])\d+(?:\.\d+)?[件个]?", r"(?:未|没有)(?:收到|受理)[^。]{0,5}?申请", r"(?:(?<=\s)|^)\d、",
                r"[(（](?:其中|含)[^()]{0,5}[)）]", r"(?m)^\d+$", r"(a)\1|b"]
    alphabet = list("0123456789.件个未没有收到受理申请。(（)）其中含 \n、ab")
    texts = ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40))) for _ in range(3000)]
    for p in patterns:
        rx = re.compile(p)
        fast = Fast(rx)
        for t in texts:
            assert fast.spans(t) == [m.span() for m in rx.finditer(t)], (p, t)
            assert [(m.span(), m.groups()) for m in fast.finditer(t)] == \
                   [(m.span(), m.groups()) for m in rx.finditer(t)], (p, t)
            assert fast.starts(t) == [i for i in range(len(t) + 1) if rx.match(t, i)], (p, t)
    assert Fast(re.compile(r"(?<![\d.])\d+")).fast is not None
    assert Fast(re.compile(r"(?m)^\d+$")).fast is None      # global flags: kept as it is

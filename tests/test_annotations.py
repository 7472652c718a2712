"""Gold span files: offsets agree with the text, labels known, no overlaps, and the text is today's normalization;
field roles sit on COUNT/MONEY spans, agree with the review files and with the hand-made prose gold."""
import json
import sys

import pytest
import yaml

from ie.convert import ROLE_LABELS, task_spans
from ie.labels import LABELS, ROLE_FROM_NAME, ROLES
from ie.models import Entity
from ie.normalize import normalize
from ie.numbers import parse_money, parse_number
from ie.paths import ANNOTATIONS_DIR, GOLD_DIR, REPO_DIR, corpus_dir
from ie.read import read_document

sys.path.insert(0, str(REPO_DIR / "scripts"))
import preannotate  # noqa: E402

GOLD = sorted((ANNOTATIONS_DIR / "corpus").glob("*.json"))
REVIEWS = sorted((ANNOTATIONS_DIR / "review").glob("*.yaml"))


def _task(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, list) and len(data) == 1, f"{path.name}: one task per file"
    return data[0]


def _regions(task):
    (ann,) = task["annotations"]
    assert ann["ground_truth"] is True and ann["was_cancelled"] is False
    return [r["value"] for r in ann["result"] if r.get("type", "labels") == "labels"]


def _role_regions(task):
    (ann,) = task["annotations"]
    return [r for r in ann["result"] if r.get("type") == "choices"]


def test_annotations_every_corpus_report_has_gold():
    if not corpus_dir().exists():
        pytest.skip("corpus not available")
    assert {p.stem for p in corpus_dir().glob("*.txt")} == {p.stem for p in GOLD}


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.stem)
def test_annotations_spans_match_text_and_do_not_overlap(path):
    task = _task(path)
    text = task["data"]["text"]
    prev_end = 0
    for v in sorted(_regions(task), key=lambda v: v["start"]):
        assert 0 <= v["start"] < v["end"] <= len(text)
        assert text[v["start"]:v["end"]] == v["text"], f"{path.stem}: {v}"
        assert v["labels"] and v["labels"][0] in LABELS
        assert v["start"] >= prev_end, f"{path.stem}: overlap at {v}"
        prev_end = v["end"]


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.stem)
def test_annotations_text_is_todays_normalization(path):
    src = corpus_dir() / _task(path)["data"]["source"]
    if not src.exists():
        pytest.skip(f"{src} not available")
    assert _task(path)["data"]["text"] == normalize(read_document(src).text).text, \
        f"{path.stem}: normalizer output moved; run scripts/realign_annotations.py then scripts/preannotate.py"


# --- field roles --------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.stem)
def test_annotations_roles_sit_on_count_or_money_spans(path):
    task = _task(path)
    (ann,) = task["annotations"]
    spans = {r["id"]: r for r in ann["result"] if r.get("type", "labels") == "labels"}
    roles = _role_regions(task)
    assert len({r["id"] for r in roles}) == len(roles), f"{path.stem}: a region with two role results"
    for r in roles:
        assert (r["from_name"], r["to_name"]) == (ROLE_FROM_NAME, "text")
        span = spans.get(r["id"])
        assert span is not None, f"{path.stem}: role {r['value']} has no span region {r['id']!r}"
        assert span["value"]["labels"][0] in ROLE_LABELS, f"{path.stem}: role on {span['value']}"
        v, sv = r["value"], span["value"]
        assert (v["start"], v["end"], v["text"]) == (sv["start"], sv["end"], sv["text"])
        assert len(v["choices"]) == 1 and v["choices"][0] in ROLES, f"{path.stem}: {v['choices']}"


@pytest.mark.parametrize("path", REVIEWS, ids=lambda p: p.stem)
def test_annotations_every_review_decides_roles_and_the_gold_carries_them(path):
    review = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(review.get("roles"), list), f"{path.stem}: no `roles:` list (write `roles: []` with a note)"
    for item in review["roles"]:
        assert item.get("reason"), f"{path.stem}: role at {item['start']} without a reason"
    gold = ANNOTATIONS_DIR / "corpus" / f"{path.stem}.json"
    got = {(s.start, s.end, s.role) for s in task_spans(_task(gold)) if s.role}
    want = {(int(i["start"]), int(i["end"]), i["role"]) for i in review["roles"]}
    assert got == want, f"{path.stem}: corpus JSON and review roles differ; run scripts/preannotate.py"


def _value(span) -> float | None:
    n = parse_money(span.text, "元") if span.label == "MONEY" else parse_number(span.text)
    return None if n is None else n.value


@pytest.mark.parametrize("path", GOLD, ids=lambda p: p.stem)
def test_annotations_roles_agree_with_the_prose_gold(path):
    """A role states its field's gold value; every non-zero gold field is stated by at least one role span
    (a zero may be stated in words, 未收到…, which has no span)."""
    fields = GOLD_DIR / "fields" / f"{path.stem}.json"
    if not fields.exists():
        pytest.skip(f"{fields} not available")
    prose = json.loads(fields.read_text(encoding="utf-8"))["prose"]
    spans = [s for s in task_spans(_task(path)) if s.role]
    for s in spans:
        assert s.role in prose, f"{path.stem}: {s.text!r} has role {s.role} that the gold does not state"
        assert _value(s) == prose[s.role], f"{path.stem}: {s.text!r} as {s.role} != gold {prose[s.role]}"
    stated = {s.role for s in spans}
    missing = [f for f, v in prose.items() if v and f not in stated]
    assert not missing, f"{path.stem}: gold fields {missing} have no span with that role"


def _review(**roles_and_adds) -> dict:
    return {"text_sha256": preannotate.sha(TEXT), "remove": [], "add": [], **roles_and_adds}


TEXT = "2019年共收到申请21件，其中网上申请3件。"


def _spans() -> list[Entity]:
    return [Entity("DATE", 0, 5, "2019年"), Entity("COUNT", 10, 13, "21件"), Entity("COUNT", 20, 22, "3件")]


def test_annotations_review_role_lands_on_its_span_and_in_the_task():
    review = _review(roles=[{"start": 10, "end": 13, "text": "21件", "role": "applications_received", "reason": "x"}])
    spans = preannotate.apply_roles("t", TEXT, _spans(), review)
    assert [s.role for s in spans] == [None, "applications_received", None]
    [task] = preannotate.task_json(1, "t", TEXT, spans, "2026-01-01T00:00:00+00:00")
    assert [(s.text, s.role) for s in task_spans(task)] == [("2019年", None), ("21件", "applications_received"),
                                                           ("3件", None)]


@pytest.mark.parametrize("entry, message", [
    ({"start": 0, "end": 5, "text": "2019年", "role": "reviews"}, "no COUNT/MONEY span"),
    ({"start": 10, "end": 12, "text": "21", "role": "reviews"}, "no COUNT/MONEY span"),
    ({"start": 10, "end": 13, "text": "22件", "role": "reviews"}, "the text has"),
    ({"start": 10, "end": 13, "text": "21件", "role": "applications"}, "unknown role"),
])
def test_annotations_review_role_off_a_count_span_is_refused(entry, message):
    with pytest.raises(ValueError, match=message):
        preannotate.apply_roles("t", TEXT, _spans(), _review(roles=[entry]))

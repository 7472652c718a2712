"""From entities to schema fields: meta, prose counts, document numbers and dates, each with evidence.

The tagger and the rules find generic spans (COUNT, MONEY, DATE, DOC_NO, DOC_TITLE); which schema field a
span fills is decided here from its context: prose counts in ie.prose (cue phrases, and the classes of
statement that are not the yearly total), meta in ie.meta (title, issuer, dates, never crawler header fields).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ie.meta import YEAR_RE, find_issuer, find_period, find_published, find_title, parse_page_header
from ie.models import Entity, Evidence, Issue, TableResult
from ie.prose import PROSE_FIELDS, map_prose, span_evidence  # noqa: F401  (re-exported: the prose stage's entry points)
from ie.numbers import normalize_doc_no, parse_date, parse_money, parse_number

# A model span below this score is "unsure": rule spans may replace it.
MODEL_THRESHOLD = 0.5



@dataclass
class MapResult:
    meta: dict
    prose: dict = field(default_factory=dict)
    documents: list[dict] = field(default_factory=list)
    dates: list[dict] = field(default_factory=list)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    entities: list[dict] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


# ------------------------------------------------------------------------------------------ entities

# A 文号 has an issuing-agency prefix and either a 〔year〕 and a serial, or 第N号 (国令第711号).
_DOC_NO_SHAPE = re.compile(r"[\u4e00-\u9fff]{1,16}(?:〔(?:19|20)\d\d〕\d{1,5}|第\d{1,5})号")
# Labels whose rule is a regex of the whole shape: where a rule span and a model span of the same label
# overlap, the rule's boundaries are exact and win; the model adds what the rules do not see.
_SHAPE_LABELS = frozenset({"DOC_NO", "DATE", "MONEY", "PERCENT"})
_NUMBER_FIRST = re.compile(r"(?:近|约|逾|超过|百分之)?[\d〇○零一二三四五六七八九十两]")


def plausible(e: Entity) -> bool:
    """Whether a span's text can be read as its label at all: a model span that cannot is not used."""
    if e.label == "DOC_NO":
        return _DOC_NO_SHAPE.fullmatch(normalize_doc_no(e.text)) is not None
    if e.label == "DATE":
        return parse_date(e.text) is not None
    if e.label == "MONEY":
        return parse_money(e.text, "元") is not None
    if e.label in ("COUNT", "PERCENT"):
        # the number comes first (after an approximator): `件3646件` is a boundary slip, not a count
        return _NUMBER_FIRST.match(e.text) is not None and parse_number(e.text) is not None
    if e.label == "DOC_TITLE":
        return e.text.startswith("《") and e.text.endswith("》")
    return True


def choose_entities(text: str, entities: list[Entity]) -> list[Entity]:
    """Model spans the model is sure of and that read as their label, plus rule spans that do not overlap them.

    For the shape labels a rule span beats an overlapping model span of the same label. When no rule spans
    were passed at all, the rules are run here, so that a caller holding only model spans still gets the
    rules' fill-in.
    """
    model = [e for e in entities if e.source == "model"]
    rules = [e for e in entities if e.source != "model"]
    if not rules:
        from ie.rules import find_entities
        rules = find_entities(text)

    def overlaps(a: Entity, b: Entity) -> bool:
        return a.start < b.end and b.start < a.end

    sure = [e for e in model if (e.score is None or e.score >= MODEL_THRESHOLD) and plausible(e)]
    sure = [m for m in sure
            if not (m.label in _SHAPE_LABELS and any(r.label == m.label and overlaps(r, m) for r in rules))]
    taken = sorted(sure, key=lambda e: e.start)
    for r in rules:
        if not any(overlaps(r, m) for m in sure):
            taken.append(r)
    taken.sort(key=lambda e: (e.start, -e.end))
    return taken


def _entity_json(e: Entity) -> dict:
    return {"label": e.label, "text": e.text, "start": e.start, "end": e.end, "score": e.score,
            "source": e.source if e.source in ("model", "rule") else "rule"}


# ------------------------------------------------------------------------------------------ meta

def map_meta(text: str, template: str) -> tuple[dict, dict[str, Evidence]]:
    """meta with evidence; the readers of each field live in ie.meta."""
    ev: dict[str, Evidence] = {}
    title, ts, te = find_title(text)
    meta: dict = {"title": title, "issuer": None, "year": None, "period_start": None, "period_end": None,
                  "published_on": None, "template": template}
    if title:
        ev["meta.title"] = span_evidence(text, ts, te)
        m = YEAR_RE.search(title)
        if m:
            meta["year"] = int(m.group(1))
            ev["meta.year"] = span_evidence(text, ts, te, note="year in the title")
    issuer, is_, ie_ = find_issuer(text, title)
    meta["issuer"] = issuer
    if issuer and ie_ > is_:
        ev["meta.issuer"] = span_evidence(text, is_, ie_)
    ps, pe, s, e = find_period(text, meta["year"])
    if ps:
        meta["period_start"] = ps
        ev["meta.period_start"] = span_evidence(text, s, e)
    if pe:
        meta["period_end"] = pe
        ev["meta.period_end"] = span_evidence(text, s, e)
        if meta["year"] is None:
            meta["year"] = int(pe[:4])
            ev["meta.year"] = span_evidence(text, s, e, note="year of the statistics period")
    if meta["year"] is None:
        body = parse_page_header(text).body_start
        m = YEAR_RE.search(text, body, body + 3000)
        if m:
            meta["year"] = int(m.group(1))
            ev["meta.year"] = span_evidence(text, m.start(), m.end(), note="first year in the text")
    pub, s, e, how = find_published(text)
    if pub:
        meta["published_on"] = pub
        ev["meta.published_on"] = span_evidence(text, s, e, note=how)
    return meta, ev


# ------------------------------------------------------------------------------------------ documents, dates

def map_documents(text: str, ents: list[Entity]) -> tuple[list[dict], dict[str, Evidence]]:
    """Cited 文号 in order of first mention, deduplicated by normalized number; the title is the 《》 span
    that ends right before it (`《…》(国办发〔2018〕23号)`)."""
    titles = [e for e in ents if e.label == "DOC_TITLE"]
    docs, seen, ev = [], set(), {}
    for e in ents:
        if e.label != "DOC_NO":
            continue
        no = normalize_doc_no(e.text)
        if no in seen:
            continue
        seen.add(no)
        title = None
        for t in titles:
            gap = text[t.end:e.start]
            if 0 <= e.start - t.end <= 3 and re.fullmatch(r"\s*[(（〔\[]?\s*", gap):
                title = t.text.strip()
                if title.startswith("《") and title.endswith("》"):
                    title = title[1:-1]
                # a title wrapped over a line break in PDF text is still one title
                title = re.sub(r"\s+", "", title)
        docs.append({"doc_no": no, "title": title, "start": e.start, "end": e.end})
        ev[f"documents.{len(docs) - 1}.doc_no"] = span_evidence(text, e.start, e.end, e)
    return docs, ev


def map_dates(ents: list[Entity]) -> list[dict]:
    out = []
    for e in ents:
        if e.label != "DATE":
            continue
        v = parse_date(e.text)
        if v:
            out.append({"text": e.text, "value": v, "start": e.start, "end": e.end})
    return out


# ------------------------------------------------------------------------------------------ entry point

def holdable_spans(ents: list[Entity], text: str | None = None) -> list[Entity]:
    """Spans some prose field could hold (a count in 项/期/人 is none of them): what the role model scores in
    ie.map — the same decisions as scoring every span, with fewer inputs."""
    from ie.prose import _count_value

    return [e for e in ents if any(_count_value(e, f, text) is not None for f in PROSE_FIELDS)]


def map_prose_with_roles(text: str, ents: list[Entity], roles) -> tuple[dict, dict[str, Evidence], list[Issue]]:
    """Prose fields from the role model where it is confident, from the cue rules (ie.prose) where it abstains.

    `roles` is a predictor: `roles.predict(text, spans) -> [RolePrediction]` and `roles.threshold`
    (ie.tag.roles.RolePredictor). A field is the model's when some span's most probable role is that field
    with a probability >= the threshold (evidence method "model"); else the rules' (method "rule"), which
    also hold every zero stated in words (未收到…申请: no number span, nothing for the model to score). Where
    both give a value and they differ, the field is left out and a warning names both readings: under
    leave-issuer-out cross-validation every such disagreement was a wording the held-out issuer's model had not
    seen, and keeping the model's value cost 2.5 points of precision (docs/roles.md).
    """
    from ie.prose import _count_value
    from ie.tag.roles import model_fields

    prose, evidence, issues = map_prose(text, ents)
    for fld, ev in evidence.items():
        ev.method = "rule"       # the cue rules decided it, whichever stage found the span
    for fld, p in model_fields(roles.predict(text, holdable_spans(ents, text)), roles.threshold).items():
        n = _count_value(p.entity, fld, text)
        if n is None:             # a span the field cannot hold (a 人次 count as fees): the model abstains
            continue
        key = f"prose.{fld}"
        ev = span_evidence(text, p.entity.start, p.entity.end, None, confidence=p.prob,
                           approximate=True if n.approximate else None, note=f"role model: P({fld}) = {p.prob:.3f}")
        ev.method = "model"
        if fld in prose and prose[fld] != n.value:
            issues.append(Issue("prose_model_rule_disagree", "warning",
                                f"{key}: the role model reads {n.value} at {p.entity.start}-{p.entity.end} "
                                f"(P = {p.prob:.2f}), the cue rules {prose[fld]} at {evidence[key].start}-"
                                f"{evidence[key].end}; left out, the two readings disagree", [key]))
            del prose[fld], evidence[key]
            continue
        prose[fld] = n.value
        evidence[key] = ev
    return {f: prose[f] for f in PROSE_FIELDS if f in prose}, evidence, issues


def map_report(text: str, entities: list[Entity], template: str, tables: TableResult | None = None,
               roles=None) -> MapResult:
    """Map the tagger's and the rules' spans over normalized `text` onto the schema's meta, prose,
    documents and dates, with evidence for every value. `roles`: a role predictor (ie.tag.roles) that
    decides the prose fields where it is confident; None: the cue rules alone."""
    ents = choose_entities(text, entities)
    meta, evidence = map_meta(text, template)
    prose, pev, issues = map_prose(text, ents) if roles is None else map_prose_with_roles(text, ents, roles)
    evidence.update(pev)
    documents, _ = map_documents(text, ents)
    return MapResult(meta=meta, prose=prose, documents=documents, dates=map_dates(ents), evidence=evidence,
                     entities=[_entity_json(e) for e in ents], issues=issues)

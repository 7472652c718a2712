"""From entities to schema fields: meta, prose counts, document numbers and dates, each with evidence.

The tagger and the rules find generic spans (COUNT, MONEY, DATE, DOC_NO, DOC_TITLE); which schema field a
span fills is decided here from its context. A prose count is taken only where a cue phrase ends right
before the number in the same clause (`收到政府信息公开申请8件`, `行政复议案件7件`): loose "cue somewhere in
the sentence" matching picks channel counts and sub-counts that the report does not state as the total.
The first statement in reading order wins; a later, different statement of the same field is reported as an
`info` issue rather than silently dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ie.meta import YEAR_RE, find_issuer, find_period, find_published, find_title, parse_page_header
from ie.models import Entity, Evidence, Issue, TableResult
from ie.numbers import normalize_doc_no, parse_date, parse_money, parse_number

# A model span below this score is "unsure": rule spans may replace it.
MODEL_THRESHOLD = 0.5

PROSE_FIELDS = ("proactive_total", "applications_received", "reviews", "lawsuits", "complaints", "fees_yuan")


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


def _evidence(text: str, start: int, end: int, e: Entity | None = None, **kw) -> Evidence:
    method = e.source if e is not None and e.source == "model" else "rule"
    conf = kw.pop("confidence", None)
    if conf is None and e is not None and e.score is not None:
        conf = float(min(1.0, max(0.0, e.score)))
    return Evidence(start, end, text[start:end], method, confidence=conf, **kw)


# ------------------------------------------------------------------------------------------ prose

# Newlines are not boundaries: PDF and comparison-tool texts wrap lines inside a sentence.
_CLAUSE_END = "。；;！？!?，,、：:"
_SENT_END = "。！？!?"

# Each cue must end right before the number; the left context is matched with whitespace removed
# (pdfplumber spaces out numbers and wraps lines mid-word).
_CUES: dict[str, re.Pattern] = {
    "proactive_total": re.compile(
        r"(?:主动(?:公开|发布|公布)|共公布)(?:各类)?(?:政府)?信息(?:总?数(?:量)?)?(?:共|累计)?(?:为|达)?\s*$"),
    "applications_received": re.compile(
        r"(?:(?:收到|受理|接收|接到|办理|收办|新收)[^复诉]{0,20}?申请(?:案件|事项)?(?:共|总数|数量)?(?:为|有|达)?"
        r"|依申请公开(?:政府信息)?(?:申请)?(?:共|为)?)\s*$"),
    "reviews": re.compile(r"行政复议(?:案件|申请|案)?(?:共|有|为)?\s*$"),
    "lawsuits": re.compile(r"行政诉讼(?:案件|案)?(?:共|有|为)?\s*$"),
    "complaints": re.compile(r"(?:举报|投诉|申诉)(?:案件)?(?:共|有|为)?\s*$"),
    "fees_yuan": re.compile(r"(?:收取|收费|费用|处理费)[^，,。；]{0,12}?(?:共|为|合计)?\s*$"),
}
# Left-context words that make a match a part or a channel rather than the yearly total.
_NOT_TOTAL = {
    "proactive_total": re.compile(r"其中|各单位|各乡镇|各部门|区直|县直|市直|其他|应主动"),
    "applications_received": re.compile(r"其中.{0,4}$|自然人|法人"),
    "reviews": re.compile(r"纠错|败诉"),
    "lawsuits": re.compile(r"纠错|败诉"),
    "complaints": re.compile(r"$^"),
    "fees_yuan": re.compile(r"行政事业性"),
}
# The same clause must talk about information disclosure (not e.g. 信访 or a 12345 hotline).
_TOPIC = re.compile(r"信息|公开|申请|政务")
# A second "发布/公开信息N条" later in the sentence: the first count is one channel among several.
_CHANNEL_NEXT = re.compile(r"(?:发布|公开)(?:政府)?信息\d[\d.]*[万千]?[余多]?条")
_UNITS = {"proactive_total": "条件篇", "applications_received": "件条个", "reviews": "件起宗个",
          "lawsuits": "件起宗个", "complaints": "件起宗个次"}

# "None happened" statements: the field is 0, with rule evidence on the phrase.
_ZERO: dict[str, re.Pattern] = {
    "applications_received": re.compile(
        r"(?:未|没有)(?:收到|受理|接到|发生)(?:[^复诉。；，,]{0,20}?)申请(?![^。；，,]{0,6}(?:复议|诉讼))"),
    "reviews": re.compile(r"(?:未|没有|无)(?:收到|受理|接到|发生|出现)[^。；]{0,25}?行政复议(?![^。；，,]{0,4}(?:纠错|败诉))"
                          r"|行政复议(?:案件)?(?:为|数为)?(?:无|零|0件)"),
    "lawsuits": re.compile(r"(?:未|没有|无)(?:收到|受理|接到|发生|出现)[^。；]{0,25}?(?:行政)?诉讼(?![^。；，,]{0,4}(?:纠错|败诉))"
                           r"|诉讼(?:案件)?(?:为|数为)?(?:无|零|0件)"),
    "complaints": re.compile(r"(?:未|没有|无)(?:收到|受理|接到|发生)[^。；]{0,20}?(?:举报|投诉|申诉)"
                             r"|(?:举报|投诉)(?:案件)?(?:为|数为)?(?:无|零|0件)"),
    "fees_yuan": re.compile(r"(?:暂?未|暂?不|没有|无)收取[^。；]{0,20}?费|暂?不(?:予)?收费|未收费|免收[^。；]{0,10}?费"),
}


def _clause_start(text: str, pos: int, stops: str, limit: int = 80) -> int:
    i = pos
    lo = max(0, pos - limit)
    while i > lo and text[i - 1] not in stops:
        i -= 1
    return i


def _in_table_line(text: str, pos: int) -> bool:
    """A cell of a flattened table (`| … |`) is the tables' business, not prose."""
    line_start = text.rfind("\n", 0, pos) + 1
    return text[line_start:pos].lstrip().startswith("|")


def _count_value(e: Entity, fld: str):
    if fld == "fees_yuan":
        if e.label != "MONEY":
            return None
        return parse_money(e.text, "元")
    if e.label != "COUNT":
        return None
    unit = re.sub(r"[\d\s.,一二三四五六七八九十百千万亿两〇○零余多]", "", e.text)[:1]
    if unit and unit not in _UNITS[fld]:
        return None
    return parse_number(e.text)


def _prose_candidates(text: str, ents: list[Entity]) -> dict[str, list[tuple[int, object, Evidence]]]:
    """field -> [(position, value, evidence)] for every statement found, in reading order."""
    found: dict[str, list] = {f: [] for f in PROSE_FIELDS}
    for e in ents:
        if e.label not in ("COUNT", "MONEY") or _in_table_line(text, e.start):
            continue
        cstart = _clause_start(text, e.start, _CLAUSE_END)
        left = re.sub(r"\s+", "", text[cstart:e.start])
        sent = text[_clause_start(text, e.start, _SENT_END, 200):e.start]
        # what follows in the sentence, up to a 其中 breakdown (its parts are not further channels)
        rest = re.sub(r"\s+", "", text[e.end:e.end + 200].split("。")[0]).split("其中")[0]
        for fld, cue in _CUES.items():
            if not cue.search(left) or _NOT_TOTAL[fld].search(left):
                continue
            if fld in ("reviews", "lawsuits", "complaints", "fees_yuan") and not _TOPIC.search(sent):
                continue
            if fld == "proactive_total" and _CHANNEL_NEXT.search(rest):
                continue  # one channel of several listed in the sentence, not the yearly total
            n = _count_value(e, fld)
            if n is None:
                continue
            ev = _evidence(text, e.start, e.end, e, approximate=True if n.approximate else None,
                           note=f"cue: {text[cstart:e.start].strip()[-20:]}")
            found[fld].append((e.start, n.value, ev))
    for fld, pat in _ZERO.items():
        for m in pat.finditer(text):
            if _in_table_line(text, m.start()):
                continue
            found[fld].append((m.start(), 0, _evidence(text, m.start(), m.end(), None, note="stated as none")))
    for fld in found:
        found[fld].sort(key=lambda c: c[0])
    return found


def map_prose(text: str, ents: list[Entity]) -> tuple[dict, dict[str, Evidence], list[Issue]]:
    prose, evidence, issues = {}, {}, []
    for fld, cands in _prose_candidates(text, ents).items():
        if not cands:
            continue
        _, value, ev = cands[0]
        prose[fld] = value
        evidence[f"prose.{fld}"] = ev
        others = sorted({c[1] for c in cands[1:] if c[1] != value})
        if others:
            issues.append(Issue("prose_other_statements", "info",
                                f"prose.{fld}: first statement {value} at {ev.start}-{ev.end} kept; the text also "
                                f"states {', '.join(map(str, others))} with the same cue", [f"prose.{fld}"]))
    return prose, evidence, issues


# ------------------------------------------------------------------------------------------ meta

def map_meta(text: str, template: str) -> tuple[dict, dict[str, Evidence]]:
    """meta with evidence; the readers of each field live in ie.meta."""
    ev: dict[str, Evidence] = {}
    title, ts, te = find_title(text)
    meta: dict = {"title": title, "issuer": None, "year": None, "period_start": None, "period_end": None,
                  "published_on": None, "template": template}
    if title:
        ev["meta.title"] = _evidence(text, ts, te)
        m = YEAR_RE.search(title)
        if m:
            meta["year"] = int(m.group(1))
            ev["meta.year"] = _evidence(text, ts, te, note="year in the title")
    issuer, is_, ie_ = find_issuer(text, title)
    meta["issuer"] = issuer
    if issuer and ie_ > is_:
        ev["meta.issuer"] = _evidence(text, is_, ie_)
    ps, pe, s, e = find_period(text, meta["year"])
    if ps:
        meta["period_start"] = ps
        ev["meta.period_start"] = _evidence(text, s, e)
    if pe:
        meta["period_end"] = pe
        ev["meta.period_end"] = _evidence(text, s, e)
        if meta["year"] is None:
            meta["year"] = int(pe[:4])
            ev["meta.year"] = _evidence(text, s, e, note="year of the statistics period")
    if meta["year"] is None:
        body = parse_page_header(text).body_start
        m = YEAR_RE.search(text, body, body + 3000)
        if m:
            meta["year"] = int(m.group(1))
            ev["meta.year"] = _evidence(text, m.start(), m.end(), note="first year in the text")
    pub, s, e, how = find_published(text)
    if pub:
        meta["published_on"] = pub
        ev["meta.published_on"] = _evidence(text, s, e, note=how)
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
        ev[f"documents.{len(docs) - 1}.doc_no"] = _evidence(text, e.start, e.end, e)
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

def map_report(text: str, entities: list[Entity], template: str, tables: TableResult | None = None) -> MapResult:
    """Map the tagger's and the rules' spans over normalized `text` onto the schema's meta, prose,
    documents and dates, with evidence for every value."""
    ents = choose_entities(text, entities)
    meta, evidence = map_meta(text, template)
    prose, pev, issues = map_prose(text, ents)
    evidence.update(pev)
    documents, _ = map_documents(text, ents)
    return MapResult(meta=meta, prose=prose, documents=documents, dates=map_dates(ents), evidence=evidence,
                     entities=[_entity_json(e) for e in ents], issues=issues)

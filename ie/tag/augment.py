"""Mention-replacement augmentation for the character tagger (training documents only).

With ~13 training reports the from-scratch model sees one DOC_NO family (`国令第711号`) in most documents and
`2018年` dozens of times, so it memorises surfaces instead of shapes. `augment_tasks` builds K copies of every
training task in which each gold entity is replaced by another surface form of the same label (generated, or
harvested from the training spans themselves), the text around it unchanged. Offsets are recomputed exactly, so
the copies' IOB2 tags are valid by construction. Everything is drawn from a seeded `random.Random`: the same
tasks and seed give the same copies.

Boundaries follow annotations/GUIDELINES.md: a DOC_NO has no surrounding parentheses, a COUNT keeps its
余/多 and unit, a DOC_TITLE keeps its 《》, a DATE is the whole expression (`2019-03-22 17:29`, `二○一三年一月二十日`).
Context that must stay unlabeled (phone numbers, 索引号, URLs) is never touched, so it keeps teaching "O".
"""
from __future__ import annotations

import random
import re

from ie.convert import chosen_annotation, task_spans
from ie.models import Entity

BRACKETS = [("〔", "〕"), ("﹝", "﹞"), ("[", "]"), ("【", "】"), ("(", ")"), ("（", "）")]
# province abbreviations and generic city / county names for generated 文号 prefixes (no place name taken from a
# corpus report: the held-out reports must not leak into training surfaces)
AGENCY_ABBR = ["国", "渝", "湘", "闽", "苏", "沪", "皖", "吉", "京", "津", "冀", "晋", "辽", "黑", "浙", "赣", "鲁",
               "豫", "鄂", "粤", "桂", "琼", "川", "贵", "云", "藏", "陕", "甘", "青", "宁", "新", "蒙", "中"]
AGENCY_PLACE = ["杭", "穗", "深", "厦", "榕", "邕", "蓉", "筑", "昆", "长", "石", "太原", "大连", "青岛", "温州", "嘉兴",
                "绍兴", "金华", "台州", "襄阳", "宜昌", "岳阳", "常德", "赣州", "九江", "芜湖", "蚌埠", "阜阳", "泉州", "漳州",
                "莆田", "三明", "龙岩", "南平", "遵义", "曲靖", "玉溪", "大理", "临沂", "潍坊", "烟台", "济宁", "洛阳", "开封"]
AGENCY_OFFICE = ["政务公开办", "公开办", "政务服务办", "行服", "综管办", "管委会办", "发改委", "财政局", "人社局", "住建"]
AGENCY_MID = ["", "府", "政", "府办", "政办", "办", "委办", "教", "财", "人社", "发改", "环", "卫健"]
AGENCY_TAIL = ["发", "函", "规", "发字", "办发", "办函", "传", "网传", "通", ""]
COUNT_UNITS = ["件", "条", "个", "期", "项", "次", "家", "人次", "份", "场", "篇(条)", "类", "人", "篇", "名", "批次",
               "轮", "本", "册", "场次", "部分", "起", "方面", "位", "户", "批", "次会议", "人(次)", "万人次"]
CN_DIGITS = "零一二三四五六七八九"
TITLE_KINDS = ["通知", "意见", "实施意见", "办法", "实施办法", "条例", "规定", "方案", "实施方案", "细则", "工作要点", "决定"]
TITLE_AGENCIES = ["国务院办公厅", "国务院", "重庆市人民政府办公厅", "福建省人民政府办公厅", "江苏省人民政府办公厅",
                  "湖南省人民政府", "安徽省人民政府办公厅", "上海市人民政府", "县人民政府办公室", "市政府办公室", ""]


def _cn_number(n: int) -> str:
    """Chinese numeral for 0 <= n < 100000 (一百二十, 三千零五, 十二)."""
    if n < 10:
        return CN_DIGITS[n]
    out, zero = "", False
    for value, unit in ((10000, "万"), (1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero:
                out += "零"
            out += ("" if (unit == "十" and d == 1 and not out) else CN_DIGITS[d]) + unit
            zero = False
        elif out:
            zero = True
    return out


def _cn_year(y: int, zero: str) -> str:
    return "".join(zero if c == "0" else CN_DIGITS[int(c)] for c in str(y))


def _number(rng: random.Random, decimals: bool = False) -> str:
    n = int(10 ** rng.uniform(0, 5))
    if decimals and rng.random() < 0.4:
        return f"{n}.{rng.randint(0, 99):0{rng.choice([1, 2])}d}"
    return str(n)


def gen_date(rng: random.Random, like: str | None = None) -> str:
    """A DATE surface; with `like` given, usually one of the same form (a bare year stays a year)."""
    y, m, d = rng.randint(2000, 2026), rng.randint(1, 12), rng.randint(1, 28)
    hh, mm, ss = rng.randint(0, 23), rng.randint(0, 59), rng.randint(0, 59)
    z = rng.choice("〇○")
    forms = {
        "year": lambda: f"{y}年",
        "yeardu": lambda: f"{y}年度",
        "yearend": lambda: f"{y}年{rng.choice(['末', '底'])}",   # not 初: 年初 is relative, never a DATE
        "ym": lambda: f"{y}年{m}月",
        "ymd": lambda: f"{y}年{m}月{d}日",
        "md": lambda: f"{m}月{d}日",
        "m": lambda: f"{m}月" + rng.choice(["", "份"]),
        "iso": lambda: f"{y}-{m:02d}-{d:02d}",
        "isotime": lambda: f"{y}-{m:02d}-{d:02d} {hh:02d}:{mm:02d}" + (f":{ss:02d}" if rng.random() < 0.4 else ""),
        "dots": lambda: f"{y}.{m}.{d}",
        "slash": lambda: f"{y}/{m}/{d}",
        "cn": lambda: f"{_cn_year(y, z)}年{_cn_number(m)}月" + (f"{_cn_number(d)}日" if rng.random() < 0.6 else ""),
        "cnyear": lambda: f"{_cn_year(y, z)}年",
    }
    kind = _date_kind(like) if like is not None and rng.random() < 0.6 else rng.choice(list(forms))
    return forms[kind]()


def _date_kind(s: str) -> str:
    s = s.replace("\n", "")
    for kind, pat in (("isotime", r"\d{4}-\d\d-\d\d \d"), ("iso", r"\d{4}-\d"), ("dots", r"\d{4}\.\d"),
                      ("slash", r"\d{4}/\d"), ("ymd", r"\d{4}年\d+月\d+日"), ("ym", r"\d{4}年\d+月"),
                      ("yeardu", r"\d{4}年度"), ("yearend", r"\d{4}年[末底初]"), ("year", r"\d{4}年?$"),
                      ("md", r"\d+月\d+日"), ("m", r"\d+月"), ("cn", r"[〇○O零一二三四五六七八九]{4}年.")):
        if re.match(pat, s):
            return kind
    return "cnyear" if re.match(r"[〇○O零一二三四五六七八九]{4}年", s) else "year"


DOC_NO_RE = re.compile(r"^(.+?)\s*[〔﹝\[【(（]")


def harvest_doc_no_prefixes(spans: list[Entity]) -> list[str]:
    """Agency prefixes of the training 文号 (`渝府办发` of `渝府办发〔2018〕76号`)."""
    out = set()
    for s in spans:
        m = DOC_NO_RE.match(s.text.replace("\n", ""))
        if s.label == "DOC_NO" and m:
            out.add(m.group(1))
    return sorted(out)


def gen_doc_no(rng: random.Random, prefixes: list[str]) -> str:
    r = rng.random()
    if r < 0.08:
        sp = rng.choice(["", " "])
        return f"国令第{sp}{rng.randint(100, 800)}{sp}号"
    q = rng.random()
    if prefixes and q < 0.35:
        prefix = rng.choice(prefixes)
    elif q < 0.75:
        prefix = rng.choice(AGENCY_ABBR) + rng.choice(AGENCY_MID) + rng.choice(AGENCY_TAIL)
    else:   # county / city agencies: 六政务公开办, 岚综管办, 丰行服发 shapes
        prefix = rng.choice(AGENCY_PLACE + AGENCY_ABBR) + rng.choice(AGENCY_OFFICE + AGENCY_MID) + rng.choice(AGENCY_TAIL)
    if len(prefix) < 2:
        prefix += "发"
    serial = rng.randint(1, 300)
    if r < 0.18:   # abbreviated reference that still names one document: 中办22号
        return f"{prefix}{serial}号"
    left, right = rng.choice(BRACKETS)
    return f"{prefix}{left}{rng.randint(2000, 2026)}{right}{serial}号"


def _count_unit(text: str) -> str:
    return re.sub(r"^[0-9.\s一二三四五六七八九十百千万两零〇]+(余|多)?", "", text)


def gen_count(rng: random.Random, like: str | None = None) -> str:
    unit = _count_unit(like) if like and rng.random() < 0.6 else ""
    unit = unit or rng.choice(COUNT_UNITS)
    if rng.random() < 0.2:
        num = _cn_number(rng.randint(2, 30))
    elif rng.random() < 0.1:
        num = f"{rng.randint(1, 99)}{'.' + str(rng.randint(1, 9)) if rng.random() < 0.5 else ''}万"
    else:
        num = str(int(10 ** rng.uniform(0, 4.5)))
    approx = rng.choice(["余", "多"]) if rng.random() < 0.12 else ""
    return num + approx + unit


def gen_money(rng: random.Random) -> str:
    approx = rng.choice(["余", "多"]) if rng.random() < 0.1 else ""
    return _number(rng, decimals=True) + approx + rng.choice(["元", "元", "万元", "万元", "亿元"])


def gen_percent(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.3:
        return "100%"
    if r < 0.37:
        return "百分之" + _cn_number(rng.randint(1, 100))
    n = rng.randint(0, 99)
    return f"{n}.{rng.randint(0, 99)}%" if rng.random() < 0.5 else f"{n}%"


TITLE_RE = re.compile(r"^《(.+?)关于(.+)的(通知|意见|实施意见|办法|决定|函|批复|工作通知)》$")


def gen_title(rng: random.Random, titles: list[str], middles: list[str]) -> str:
    if titles and rng.random() < 0.6:
        return rng.choice(titles)
    agency = rng.choice(TITLE_AGENCIES)
    middle = rng.choice(middles) if middles else "做好政务公开工作"
    if rng.random() < 0.3:
        middle = middle.replace(re.search(r"\d{4}", middle).group(), str(rng.randint(2000, 2026))) \
            if re.search(r"\d{4}", middle) else f"印发{rng.randint(2000, 2026)}年政务公开工作要点"
    return f"《{agency}关于{middle}的{rng.choice(TITLE_KINDS)}》"


class Pools:
    """Surfaces harvested from the training spans (never from held-out documents)."""

    def __init__(self, tasks: list[dict]):
        spans = [s for t in tasks for s in task_spans(t)]
        self.doc_no_prefixes = harvest_doc_no_prefixes(spans)
        self.titles = sorted({s.text for s in spans if s.label == "DOC_TITLE"})
        self.title_middles = sorted({m.group(2) for s in spans if s.label == "DOC_TITLE"
                                     if (m := TITLE_RE.match(s.text.replace("\n", "")))})


def replacement(label: str, old: str, rng: random.Random, pools: Pools) -> str:
    if label == "DATE":
        new = gen_date(rng, old)
    elif label == "DOC_NO":
        new = gen_doc_no(rng, pools.doc_no_prefixes)
    elif label == "COUNT":
        new = gen_count(rng, old)
    elif label == "MONEY":
        new = gen_money(rng)
    elif label == "PERCENT":
        new = gen_percent(rng)
    elif label == "DOC_TITLE":
        new = gen_title(rng, pools.titles, pools.title_middles)
    else:
        return old
    # PDF text wraps entities over lines; the gold keeps the break inside the span, so do some copies
    if "\n" not in new and len(new) > 2 and rng.random() < 0.03:
        k = rng.randint(1, len(new) - 1)
        new = new[:k] + "\n" + new[k:]
    return new


def _region(start: int, new: str, label: str) -> dict:
    return {"type": "labels", "from_name": "label", "to_name": "text",
            "value": {"start": start, "end": start + len(new), "text": new, "labels": [label]}}


def augment_task(task: dict, rng: random.Random, pools: Pools, copy_no: int, doc_no_after_title: float = 0.3) -> dict:
    """One copy of `task` with every gold span replaced; returns a Label Studio task with exact offsets.

    A DOC_TITLE not already followed by a bracket gets, with probability `doc_no_after_title`, a generated
    `（文号）` after it: the corpus cites most documents by title alone, so 文号 are rare (30 in 15 reports)
    while this is exactly where they occur.
    """
    text = task["data"]["text"]
    pieces, result, pos, out_len = [], [], 0, 0

    def emit(piece: str, label: str | None = None) -> None:
        nonlocal out_len
        if label:
            result.append(_region(out_len, piece, label))
        pieces.append(piece)
        out_len += len(piece)

    for s in task_spans(task):
        emit(text[pos:s.start])
        emit(replacement(s.label, s.text, rng, pools), s.label)
        pos = s.end
        if s.label == "DOC_TITLE" and text[s.end:s.end + 1] not in ("(", "（", "〔") \
                and rng.random() < doc_no_after_title:
            left, right = rng.choice([("（", "）"), ("(", ")")])
            emit(left)
            emit(gen_doc_no(rng, pools.doc_no_prefixes), "DOC_NO")
            emit(right)
    emit(text[pos:])
    doc = str(task.get("data", {}).get("doc_id") or task.get("id"))
    ann = chosen_annotation(task) or {}
    return {"id": f"{task.get('id')}-aug{copy_no}",
            "data": {**task["data"], "text": "".join(pieces), "doc_id": f"{doc}#aug{copy_no}"},
            "annotations": [{"id": ann.get("id"), "result": result}]}


def augment_tasks(tasks: list[dict], copies: int, seed: int = 0) -> list[dict]:
    """`copies` augmented copies of each task (the originals are not included), deterministic per seed."""
    if copies <= 0:
        return []
    rng = random.Random(seed)
    pools = Pools(tasks)
    return [augment_task(t, rng, pools, k + 1) for k in range(copies) for t in tasks]

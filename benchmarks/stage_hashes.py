"""One hash per stage function over many inputs: run it in two checkouts and diff, to show a change kept outputs.

    PYTHONHASHSEED=0 PYTHONPATH=<checkout> python benchmarks/stage_hashes.py > a.txt   # then the other, and diff

Inputs: every .txt report of the corpus and its unlabeled pool, as read and as three random slices (seeded), each
raw and normalized; the tables are extracted under the report's own template and under both national ones.
Stages hashed: normalize (text and offsets), title, issuer, period, publication date, signature, sections,
template by headers, report evidence, fold, rule entities, prose fields, tables. PYTHONHASHSEED must be fixed:
where both mechanisms of lost cells fit, the order of the rows an issue names follows a set's order.
"""
from __future__ import annotations

import hashlib
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ie.meta import (find_issuer, find_period, find_published, find_signature, find_title,  # noqa: E402
                     parse_page_header, report_year)
from ie.normalize import normalize  # noqa: E402
from ie.paths import corpus_dir  # noqa: E402
from ie.prose import map_prose  # noqa: E402
from ie.read import read_document  # noqa: E402
from ie.rules import find_entities  # noqa: E402
from ie.segment import detect_template, report_evidence, split_sections, template_by_headers  # noqa: E402
from ie.tables import extract_tables  # noqa: E402
from ie.tables.cells import fold  # noqa: E402


def inputs() -> list[str]:
    corpus = corpus_dir()
    files = sorted(corpus.glob("*.txt")) + sorted((corpus / "unlabeled").glob("*.txt"))
    rnd = random.Random(11)
    out = []
    for f in files:
        t = read_document(f).text
        out.append(t)
        for _ in range(3):
            a = rnd.randrange(len(t))
            out.append(t[a:a + rnd.randint(50, 3000)])
    return out


def main() -> int:
    h = {k: hashlib.sha256() for k in "normalize title issuer period published signature sections template "
                                     "evidence fold entities prose tables".split()}

    def put(key: str, value) -> None:
        h[key].update(repr(value).encode("utf-8"))

    texts = inputs()
    for t in texts:
        n = normalize(t)
        put("normalize", (n.text, n.offsets))
        for x in (t, n.text):
            title = find_title(x)
            put("title", title)
            put("issuer", find_issuer(x, title[0]))
            put("period", find_period(x, None))
            put("published", find_published(x))
            put("signature", find_signature(x, parse_page_header(x).body_start))
            put("sections", split_sections(x))
            put("template", template_by_headers(x, 2020))
            put("evidence", report_evidence(x, title[0]))
            put("fold", fold(x))
            ents = find_entities(x)
            put("entities", ents)
            put("prose", map_prose(x, ents))
        own = detect_template(n.text, report_year(n.text, find_title(n.text)[0]))
        for template in sorted({own, "gov2019", "gov2021"}):
            put("tables", extract_tables(n.text, template))
    print(f"{len(texts)} inputs")
    for k, v in h.items():
        print(k, v.hexdigest()[:16])
    return 0


if __name__ == "__main__":
    sys.exit(main())

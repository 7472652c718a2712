"""The review page's builder: table grids, cell statuses, escaping, the index, and `ie view` on files and folders.

The browser test (clicking a cell brings its evidence into view) is tests/test_view_browser.py.
"""
import json
import re

import lxml.html
import pytest

from ie.cli import main
from ie.tables.table2 import COLUMNS as T2_COLUMNS
from ie.tables.table3 import SPECS as T3_SPECS
from ie.validate import T4_BLOCKS, T4_COLS
from ie.view import render
from ie.view.grid import table3, tables
from ie.view.index import Entry, render_index
from ie.view.status import issues_by_field, value_of

T3_COLS = ("natural_person", "enterprise", "research", "nonprofit", "legal_service", "other_org", "total")
EVIL = "<script>alert('x')</script>"


def _report(template: str = "gov2021") -> dict:
    """A small hand-built output: zeros everywhere, one cell of each status, markup in the strings."""
    text = (f"某县2023年报告{EVIL}\n本年新收申请 12 件，予以公开 1 件。《条例》（国令第711号）。2023年1月1日。"
            "\n四、行政复议 2 0 0 0 9 </b>")
    apps = {s.key: {c: 0 for c in T3_COLS} for s in T3_SPECS[template] if not s.subtotal}
    apps["new_received"]["total"] = 12
    apps["granted"]["total"] = 1
    apps["denied_query"]["total"] = None
    apps["rejected_petition"]["total"] = None
    rl = {b: {c: 0 for c in T4_COLS} for b in T4_BLOCKS}
    rl["review"].update(upheld=2, total=9)

    def at(quote, nth=0):
        start = [m.start() for m in re.finditer(re.escape(quote), text)][nth]
        return {"start": start, "end": start + len(quote), "quote": quote}

    return {
        "schema_version": "1",
        "source": {"path": "in/report<1>.txt", "sha256": "0" * 64, "format": "txt", "encoding": "utf-8"},
        "meta": {"title": f"某县{EVIL}", "issuer": "某县人民政府 & <b>", "year": 2023, "template": template},
        "proactive": {r: {c: 0 for c in cs} for r, cs in T2_COLUMNS[template].items()},
        "applications": apps,
        "review_litigation": rl,
        "prose": {"applications_received": 12},
        "documents": [{"doc_no": "国令第711号", "title": "《条例》", **{k: at("国令第711号")[k] for k in ("start", "end")}}],
        "dates": [{"text": "2023年1月1日", "value": "2023-01-01", **{k: at("2023年1月1日")[k] for k in ("start", "end")}}],
        "entities": [{"label": "COUNT", "text": "12", "start": at("12")["start"], "end": at("12")["end"], "score": 0.9,
                      "source": "rule"}],
        "evidence": {
            "applications.new_received.total": {**at("12"), "method": "table",
                                                "note": "placed by the solver: digits run together, cut"},
            "applications.granted.total": {**at("1", 1), "method": "table", "confidence": 1.0},
            "review_litigation.review.upheld": {**at("2", 3), "method": "table"},
            "review_litigation.review.total": {**at("9"), "method": "table"},
            "prose.applications_received": {**at("12"), "method": "rule", "note": f"cue: {EVIL}"},
            "meta.title": {**at(EVIL), "method": "rule"},
        },
        "issues": [
            {"code": "table4_block_sum", "severity": "warning", "message": f"表四 维持 … ≠ 9 {EVIL}",
             "fields": [f"review_litigation.review.{c}" for c in T4_COLS]},
            {"code": "table_split_ambiguous", "severity": "warning", "message": "2 placements",
             "fields": ["applications.denied_query.total"]},
            {"code": "table_ocr_read", "severity": "info", "message": "「1」 read as 1",
             "fields": ["applications.granted.total"]},
        ],
        "text": text,
    }


def _doc(page: str):
    return lxml.html.fromstring(page)


# ---------------------------------------------------------------- grid

def test_view_grid_table3_rows_follow_the_template():
    t21 = table3("gov2021", _report("gov2021")["applications"])
    t19 = table3("gov2019", _report("gov2019")["applications"])
    assert len(t21.rows) == 25 and len(t19.rows) == 23          # SCHEMA.md: 25 and 23 data rows
    assert all(len(r.paths) == 7 for r in t21.rows)
    assert t21.rows[0].paths[0] == "applications.new_received.natural_person"
    assert t21.rows[-1].paths[-1] == "applications.carried_forward.total"
    # the 办理结果 label spans every result row; （三）不予公开 spans its eight items
    labels = [h for r in t21.rows for h in r.labels]
    assert next(h for h in labels if h.text == "三、本年度办理结果").rowspan == 22
    assert next(h for h in labels if h.text == "（三）不予公开").rowspan == 8
    assert next(h for h in labels if h.text == "（六）其他处理").rowspan == 3


def test_view_grid_table3_optional_rows_and_columns_as_printed():
    apps = _report("gov2021")["applications"]
    for k in ("other_no_correction", "other_unpaid_fee", "other_misc"):   # （六） printed as one row
        del apps[k]
    apps = {**apps, "other": {c: 0 for c in T3_COLS}, "denied_total": {c: 0 for c in T3_COLS}}
    apps["granted"]["legal_person_total"] = 0
    t = table3("gov2021", apps)
    keys = [r.paths[0].split(".")[1] for r in t.rows]
    assert "other" in keys and "other_misc" not in keys and keys.index("denied_total") < keys.index("denied_query")
    assert all(len(r.paths) == 8 for r in t.rows) and t.rows[0].paths[6].endswith(".legal_person_total")
    assert [h.text for h in t.head[1]][-1] == "小计"
    other = next(r for r in t.rows if r.paths[0].startswith("applications.other."))
    assert other.labels[-1].text == "（六）其他处理" and other.labels[-1].colspan == 2


def test_view_grid_tables_of_both_templates_and_none_for_prose():
    for template, cells in (("gov2021", 10), ("gov2019", 22)):
        t2, t3, t4 = tables(template, _report(template), labels={})
        assert len(t2.paths) == cells == sum(len(c) for c in T2_COLUMNS[template].values())
        assert len(t4.paths) == 15 and len(t4.head) == 3
    assert tables("prose", {}) == []


def test_view_grid_table2_headers_from_the_schema_labels():
    from ie.view.grid import field_labels

    if not field_labels("gov2019"):
        pytest.skip("fields.tsv not found (set IE_SHARED_DIR)")
    heads = {t: [h.text for r in tables(t, {})[0].rows if r.heading for h in r.labels] for t in ("gov2019", "gov2021")}
    assert "第二十条第（九）项" in heads["gov2019"] and "处理决定数量" in heads["gov2019"]
    assert "第二十条第（九）项" not in heads["gov2021"] and "本年处理决定数量" in heads["gov2021"]


# ---------------------------------------------------------------- statuses

def test_view_status_of_each_kind_of_cell():
    r = _report()
    named = issues_by_field(r)
    status = {p: value_of(r, p, named).status for p in (
        "applications.granted.total", "applications.new_received.total", "applications.denied_query.total",
        "review_litigation.review.total", "applications.rejected_petition.total")}
    assert status == {"applications.granted.total": "read",                  # an info issue does not colour it
                      "applications.new_received.total": "placed",
                      "applications.denied_query.total": "issue",
                      "review_litigation.review.total": "failed",
                      "applications.rejected_petition.total": "blank"}
    del r["review_litigation"]
    assert value_of(r, "review_litigation.review.upheld", named).status == "issue"    # named, and no value
    assert value_of(r, "review_litigation.review.upheld", {}).status == "absent"


# ---------------------------------------------------------------- page

def test_view_page_tables_cells_and_statuses():
    doc = _doc(render(_report()))
    rows = doc.xpath('//table[@id="t-applications"]/tbody/tr')
    assert len(rows) == 25 and all(len(r.xpath('td[@data-p]')) == 7 for r in rows)
    assert len(doc.xpath('//table[@id="t-review_litigation"]//td[@data-p]')) == 15
    assert len(doc.xpath('//table[@id="t-proactive"]//td[@data-p]')) == 10

    def cls(path):
        return doc.xpath(f'//td[@data-p="{path}"]/@class')[0]

    assert "s-placed" in cls("applications.new_received.total")
    assert "s-failed" in cls("review_litigation.review.upheld")
    assert "s-issue" in cls("applications.denied_query.total")
    assert doc.xpath('//td[@data-p="applications.new_received.total"]/text()') == ["12"]
    # the legend names every status; each issue lists the cells it names
    assert len(doc.xpath('//p[@class="legend"]/span')) == 6
    assert doc.xpath('//ul[@id="issues"]/li[1]/@data-fields')[0].split() == \
        [f"review_litigation.review.{c}" for c in T4_COLS]


def test_view_page_text_marks_point_at_the_evidence():
    r = _report()
    doc = _doc(render(r))
    marks = doc.xpath('//pre[@id="text"]//span[@data-p]')
    by_path = {}
    for m in marks:
        for p in m.get("data-p").split():
            by_path.setdefault(p, []).append(m.text_content())
    assert "".join(by_path["applications.new_received.total"]) == "12"
    assert "".join(by_path["review_litigation.review.total"]) == "9"
    assert "".join(by_path["documents.0.doc_no"]) == "国令第711号"
    assert "".join(by_path["dates.0"]) == "2023年1月1日"
    assert doc.xpath('//pre[@id="text"]')[0].text_content() == r["text"]      # nothing lost or doubled
    assert doc.xpath('//tr[@data-p="prose.applications_received"]')


def test_view_page_escapes_report_strings():
    r = _report()
    r["entities"].append({**r["entities"][0], "label": 'X" onclick="alert(1)'})
    page = render(r)
    assert 'onclick="alert' not in page
    assert EVIL not in page
    assert page.count("<script") == 2 and page.count("</script>") == 2       # only the page's own scripts
    assert "&lt;script&gt;" in page and "某县人民政府 &amp; &lt;b&gt;" in page
    doc = _doc(page)
    data = json.loads(doc.xpath('//script[@id="data"]')[0].text)
    assert data["values"]["prose.applications_received"]["n"] == f"cue: {EVIL}"
    assert data["issues"][0]["message"].endswith(EVIL)
    assert not re.search(r"https?://", page)                                   # nothing fetched


def test_view_page_without_text_and_for_prose():
    r = _report()
    del r["text"]
    doc = _doc(render(r))
    assert "no text" in doc.xpath('//div[@id="right"]')[0].text_content()
    assert len(doc.xpath('//table[@id="t-applications"]/tbody/tr')) == 25
    p = {k: v for k, v in _report().items() if k not in ("proactive", "applications", "review_litigation")}
    p["meta"]["template"] = "prose"
    p["text"] = "政府信息公开统计表\n指标名称 计量单位 本年度 历年累计\n行政复议数 件 3 5\n"
    p["evidence"] = {}
    doc = _doc(render(p))
    assert not doc.xpath('//table[@class="grid"]')
    assert doc.xpath('//tr[@data-p="prose.applications_received"]')
    stat = doc.xpath('//tr[@data-p="stat.reviews"]/td/text()')
    assert stat[0] == "3"
    assert "".join(m.text_content() for m in doc.xpath('//pre[@id="text"]//span[@data-p="stat.reviews"]')) == "3"


# ---------------------------------------------------------------- index and CLI

def test_view_index_lists_reports_and_failures():
    e = Entry.of("a.html", _report())
    assert e.counts == {"error": 0, "warning": 2, "info": 1} and e.year == 2023
    page = render_index([e], [("bad<1>.json", "not an `ie extract` output")], "ie view: x")
    doc = _doc(page)
    row = doc.xpath("//table/tr[2]/td")
    assert row[0].xpath("a/@href") == ["a.html"]
    assert [c.text_content() for c in row[1:7]] == ["某县人民政府 & <b>", "2023", "gov2021", "0", "2", "1"]
    assert "bad&lt;1&gt;.json" in page and "<b>" not in page


def test_view_cli_folder_writes_pages_and_index(tmp_path, small_report, capsys):
    src = small_report.parent                        # hongze_2023.txt, a real report
    (src / "good.json").write_text(json.dumps(_report(), ensure_ascii=False), encoding="utf-8")
    (src / "bad.json").write_text('{"a": 1}', encoding="utf-8")
    (src / "README.md").write_text("# about these reports\n", encoding="utf-8")
    lines = [json.dumps(_report("gov2019")), json.dumps({**_report(), "source": {**_report()["source"], "path": "y.txt"}})]
    (src / "more.jsonl").write_text("\n".join(lines + ['{"x": 1}']) + "\n", encoding="utf-8")
    out = src / "pages"                              # inside the input folder: its pages are never read back
    for _ in range(2):
        assert main(["view", str(src), "-o", str(out), "--no-model"]) == 1
        err = capsys.readouterr().err
        assert "bad.json: not an `ie extract` output" in err and "more.jsonl:3: not an `ie extract` output" in err
        names = sorted(p.name for p in out.iterdir())
        assert names == ["good.html", "hongze_2023.html", "index.html", "report_1_.html", "y.html"]
    index = _doc((out / "index.html").read_text(encoding="utf-8"))
    assert sorted(index.xpath("//table//a/@href")) == ["good.html", "hongze_2023.html", "report_1_.html", "y.html"]
    assert "bad.json" in index.xpath("//ul")[0].text_content() and "more.jsonl:3" in index.xpath("//ul")[0].text_content()
    page = _doc((out / "hongze_2023.html").read_text(encoding="utf-8"))
    assert len(page.xpath('//table[@id="t-review_litigation"]//td[@data-p]')) == 15


def test_view_cli_never_overwrites_an_input(tmp_path, capsys):
    (tmp_path / "r.json").write_text(json.dumps(_report()), encoding="utf-8")
    (tmp_path / "r.html").write_text("<p>a report someone saved</p>", encoding="utf-8")
    assert main(["view", str(tmp_path), "-o", str(tmp_path), "--no-model"]) == 1
    assert (tmp_path / "r.html").read_text(encoding="utf-8") == "<p>a report someone saved</p>"
    assert "refusing to overwrite" in capsys.readouterr().err
    (tmp_path / "index.html").write_text("<p>another saved report</p>", encoding="utf-8")
    assert main(["view", str(tmp_path), "-o", str(tmp_path), "--no-model"]) == 1
    assert (tmp_path / "index.html").read_text(encoding="utf-8") == "<p>another saved report</p>"
    (tmp_path / "index.html").unlink()
    # one file: the page goes where -o says; the JSON input is never the target
    assert main(["view", str(tmp_path / "r.json"), "-o", str(tmp_path / "one.html")]) == 0
    assert (tmp_path / "one.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    assert main(["view", str(tmp_path / "r.json"), "-o", str(tmp_path / "r.json")]) == 1
    assert json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))["schema_version"] == "1"


def test_view_cli_page_names_are_unique_and_safe():
    from ie.view import _unique

    used: set[str] = set()
    names = [_unique(s, used) for s in (["a", "a.txt"], ["a", "a.pdf"], ["a", "a.pdf"], ["index", "index.txt"],
                                        ["r<1>", "r<1>.json"])]
    assert names == ["a.html", "a.pdf.html", "a-2.html", "index.txt.html", "r_1_.html"]

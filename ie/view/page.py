"""One report as one self-contained HTML page: issues, the national tables cell by cell, prose fields, documents
and dates on the left; the report text with every piece of evidence on the right. Clicking a value scrolls the
text to its evidence and highlights it; clicking an issue highlights the cells it names.

Every string from the report goes through html.escape (attributes quoted) or, for the script's data, JSON with
`<`, `>` and `&` escaped, so a report cannot inject markup.
"""
from __future__ import annotations

import html
import json

from ie.models import PLACED_NOTE
from ie.view.assets import JS, STATUS_COLORS, css
from ie.view.grid import Head, Table, field_labels, tables
from ie.view.status import STATUSES, Value, issues_by_field, value_of

SEVERITIES = ("error", "warning", "info")
CHIPS = 4            # field links listed under an issue; clicking the issue highlights all it names
GENERATOR = '<meta name="generator" content="ie view">'   # marks the pages `ie view DIR` must not read back


def esc(x) -> str:
    return html.escape("" if x is None else str(x), quote=True)


def fmt(v) -> str:
    """A value as the report would print it: 22, 1.5, 0.35 (no trailing .0); '' for null."""
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v).removesuffix(".0")
    return str(v)


class Page:
    """Collects every value shown (for the script's details panel) while the sections are rendered."""

    def __init__(self, report: dict):
        self.report = report
        self.labels = field_labels((report.get("meta") or {}).get("template"))
        self.named = issues_by_field(report)
        self.values: dict[str, dict] = {}

    def value(self, path: str, label: str | None = None) -> Value:
        v = value_of(self.report, path, self.named)
        d = {"l": label or self.labels.get(path, path), "v": fmt(v.value) if v.status != "absent" else "—",
             "s": v.status, "i": v.issues}
        if v.evidence:
            note = "; ".join(x for x in (v.evidence.get("note") or "").split("; ") if not x.startswith(PLACED_NOTE))
            d.update(q=v.evidence.get("quote"), at=[v.evidence.get("start"), v.evidence.get("end")],
                     n=note or None, how=v.placed)
        self.values[path] = d
        return v

    def span(self, path: str, label: str, start: int, end: int, shown) -> None:
        """A list entry with its own span in the text (documents, dates, 统计表 rows)."""
        text = self.report.get("text") or ""
        self.values[path] = {"l": label, "v": fmt(shown), "s": "read", "i": self.named.get(path, []),
                             "q": text[start:end], "at": [start, end]}

    # ------------------------------------------------------------ sections

    def header(self) -> str:
        meta = self.report.get("meta") or {}
        src = self.report.get("source") or {}
        title = meta.get("title") or src.get("path") or "report"
        return (f"<h1>{esc(title)}</h1><p class=\"meta\">issuer <b>{esc(meta.get('issuer'))}</b> · year "
                f"<b>{esc(meta.get('year'))}</b> · template <b>{esc(meta.get('template'))}</b> · "
                f"<code>{esc(src.get('path'))}</code></p>")

    def issues(self) -> str:
        items = self.report.get("issues") or []
        counts = ", ".join(f"{n} {s}" for s in SEVERITIES if (n := sum(i.get("severity") == s for i in items)))
        lis = []
        for i, x in enumerate(items):
            fields = x.get("fields") or []
            chips = "".join(f'<button class="chip" data-p="{esc(f)}">{esc(f)}</button>' for f in fields[:CHIPS])
            more = f" +{len(fields) - CHIPS} (click the issue for all)" if len(fields) > CHIPS else ""
            lis.append(f'<li data-i="{i}" data-fields="{esc(" ".join(fields))}"><span class="sev '
                       f'{esc(x.get("severity"))}">{esc(x.get("severity"))}</span><b>{esc(x.get("code"))}</b>: '
                       f'{esc(x.get("message"))} {chips}{more}</li>')
        body = f"<ul id=\"issues\">{''.join(lis)}</ul>" if lis else "<p>No issues.</p>"
        return f"<h2>Issues ({len(items)}{': ' + counts if counts else ''})</h2>{body}"

    def legend(self) -> str:
        return "<p class=\"legend\">" + "".join(
            f'<span class="s-{k}">{esc(STATUSES[k])}</span>' for k in STATUS_COLORS) + \
            "· click a cell for its evidence in the text, an issue for the cells it names</p>"

    def table(self, t: Table) -> str:
        head = "".join("<tr>" + "".join(_th(h) for h in row) + "</tr>" for row in t.head)
        body = []
        for row in t.rows:
            cells = "".join(_th(h, "lab") for h in row.labels)
            for path, span in zip(row.paths, row.spans):
                v = self.value(path)
                tip = f"{self.labels.get(path, path)} · {STATUSES[v.status]}" + (f" ({v.placed})" if v.placed else "")
                colspan = f' colspan="{span}"' if span > 1 else ""
                cells += (f'<td class="c s-{v.status}" data-p="{esc(path)}" tabindex="0"{colspan} '
                          f'title="{esc(tip)}">{esc(fmt(v.value))}</td>')
            cls = ' class="heading"' if row.heading else ""
            body.append(f"<tr{cls}>{cells}</tr>")
        return (f'<h3>{esc(t.title)}</h3><table class="grid" id="t-{esc(t.key)}"><thead>{head}</thead>'
                f"<tbody>{''.join(body)}</tbody></table>")

    def listing(self, title: str, paths: list[str], label=None) -> str:
        """Meta and prose fields: one clickable row per field with its value, status and quote."""
        rows = []
        for p in paths:
            v = self.value(p, label(p) if label else None)
            quote = (v.evidence or {}).get("quote")
            rows.append(f'<tr data-p="{esc(p)}" tabindex="0"><th class="lab">{esc(self.values[p]["l"])}</th>'
                        f'<td class="s-{v.status}">{esc(self.values[p]["v"])}</td>'
                        f'<td class="q">{esc(quote) if quote is not None else ""}</td></tr>')
        return f"<h2>{esc(title)}</h2><table class=\"list\">{''.join(rows)}</table>" if rows else ""

    def spans(self, title: str, head: tuple[str, ...], entries: list[tuple[str, str, int, int, list]]) -> str:
        """Documents, dates, 统计表 rows: (path, label, start, end, columns shown)."""
        if not entries:
            return ""
        rows = []
        for path, label, start, end, cols in entries:
            self.span(path, label, start, end, cols[0])
            rows.append(f'<tr data-p="{esc(path)}" tabindex="0">' + "".join(f"<td>{esc(c)}</td>" for c in cols)
                        + f'<td class="q">{start}–{end}</td></tr>')
        th = "".join(f"<th>{esc(h)}</th>" for h in head + ("at",))
        return f"<h2>{esc(title)} ({len(entries)})</h2><table class=\"list\"><tr>{th}</tr>{''.join(rows)}</table>"


def _th(h: Head, cls: str = "") -> str:
    span = (f' colspan="{h.colspan}"' if h.colspan > 1 else "") + (f' rowspan="{h.rowspan}"' if h.rowspan > 1 else "")
    klass = f' class="{cls}"' if cls else ""
    return f"<th{span}{klass}>{esc(h.text)}</th>"


def _sections(page: Page) -> str:
    r = page.report
    template = (r.get("meta") or {}).get("template")
    out = [page.issues(), page.legend()]
    grids = tables(template, r, page.labels)
    if grids:
        out.append("<h2>National tables</h2>" + "".join(page.table(t) for t in grids))
    else:
        out.append(f"<p>A {esc(template)} report: no national tables; its numbers are the prose fields below.</p>")
    out.append(page.listing("Meta", [f"meta.{k}" for k in (r.get("meta") or {})]))
    prose = [p for p in page.labels if p.startswith("prose.")]
    prose += [f"prose.{k}" for k in (r.get("prose") or {}) if f"prose.{k}" not in prose]
    out.append(page.listing("Prose fields", prose))
    out.append(stat_table(page))
    docs = [(f"documents.{i}.doc_no", d.get("doc_no"), d["start"], d["end"], [d.get("doc_no"), d.get("title") or ""])
            for i, d in enumerate(r.get("documents") or [])]
    out.append(page.spans("Documents", ("文号", "title"), docs))
    dates = [(f"dates.{i}", d.get("text"), d["start"], d["end"], [d.get("value"), d.get("text")])
             for i, d in enumerate(r.get("dates") or [])]
    out.append(page.spans("Dates", ("value", "text"), dates))
    return "".join(out)


def stat_table(page: Page) -> str:
    """A prose-era provincial 统计表 as ie.merge reads it (the values its prose checks compare against)."""
    text = page.report.get("text")
    if not text or (page.report.get("meta") or {}).get("template") != "prose":
        return ""
    from ie.merge import stat_table_values

    rows = [(f"stat.{f}", f"统计表 {f}", s, e, [fmt(v), page.labels.get(f"prose.{f}", f)])
            for f, (v, s, e) in stat_table_values(text).items()]
    return page.spans("统计表 (本年度)", ("value", "field"), rows)


def marks(report: dict) -> list[tuple[int, int, str, str | None, str]]:
    """(start, end, css class, field path or None, tooltip) for everything the text should show."""
    out = []
    for path, ev in (report.get("evidence") or {}).items():
        out.append((ev["start"], ev["end"], "ev", path, f"{path} ({ev.get('method')})"))
    for i, d in enumerate(report.get("documents") or []):
        out.append((d["start"], d["end"], "ev", f"documents.{i}.doc_no", f"documents[{i}] {d.get('doc_no')}"))
    for i, d in enumerate(report.get("dates") or []):
        out.append((d["start"], d["end"], "ev", f"dates.{i}", f"dates[{i}] {d.get('value')}"))
    if (report.get("meta") or {}).get("template") == "prose" and report.get("text"):
        from ie.merge import stat_table_values

        for f, (_v, s, e) in stat_table_values(report["text"]).items():
            out.append((s, e, "ev", f"stat.{f}", f"统计表 {f}"))
    for e in report.get("entities") or []:
        score = e.get("score")
        tip = f"{e['label']} [{e.get('source')}]" + (f" {score:.2f}" if isinstance(score, (int, float)) else "")
        out.append((e["start"], e["end"], f"e-{e['label']}", None, tip))
    return out


def text_html(report: dict) -> str:
    """The text cut at every mark boundary; each piece lists the paths it is evidence for (data-p)."""
    text = report.get("text")
    if text is None:
        return "<p>This output has no text (extracted with --no-text): evidence offsets cannot be shown.</p>"
    n = len(text)
    ms = [(max(0, s), min(n, e), c, p, t) for s, e, c, p, t in marks(report) if e > s and s < n]
    cuts = sorted({0, n, *(s for s, *_ in ms), *(e for _, e, *_ in ms)})
    starts: dict[int, list] = {}
    for m in ms:
        starts.setdefault(m[0], []).append(m)
    active: list = []
    out = []
    for a, b in zip(cuts, cuts[1:]):
        active = [m for m in active if m[1] > a] + starts.get(a, [])
        chunk = html.escape(text[a:b])
        if not active:
            out.append(chunk)
            continue
        classes = sorted({m[2] for m in active})
        paths = sorted({m[3] for m in active if m[3]})
        tip = "\n".join(dict.fromkeys(m[4] for m in active))
        attr = f' data-p="{esc(" ".join(paths))}"' if paths else ""
        out.append(f'<span class="m {esc(" ".join(classes))}"{attr} title="{esc(tip)}">{chunk}</span>')
    return f'<pre id="text">{"".join(out)}</pre>'


def _json_script(obj) -> str:
    """JSON safe inside <script>: no `</script>` or `<!--` can close or confuse it."""
    return json.dumps(obj, ensure_ascii=False).replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def render(report: dict) -> str:
    """The whole page for one `ie extract` output."""
    page = Page(report)
    left = page.header() + _sections(page)
    right = '<div id="details">Click a cell, a field or an issue.</div>' + text_html(report)
    data = {"values": page.values, "issues": report.get("issues") or [], "statuses": STATUSES}
    title = (report.get("meta") or {}).get("title") or (report.get("source") or {}).get("path") or "report"
    return (f'<!doctype html><html lang="zh"><head>{GENERATOR}<meta charset="utf-8"><meta name="viewport" '
            f'content="width=device-width"><title>{esc(title)}</title><style>{css()}</style></head><body>'
            f'<div id="wrap"><div id="left">{left}</div><div id="right">{right}</div></div>'
            f'<script type="application/json" id="data">{_json_script(data)}</script><script>{JS}</script>'
            f"</body></html>\n")

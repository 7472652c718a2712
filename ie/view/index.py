"""index.html of `ie view DIR`: one row per report page (issuer, year, template, issue counts), then the inputs
that failed and why."""
from __future__ import annotations

from dataclasses import dataclass, field

from ie.view.page import GENERATOR, SEVERITIES, esc


@dataclass
class Entry:
    page: str                 # file name of the report's page, relative to index.html
    source: str
    issuer: str | None = None
    year: int | None = None
    template: str | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, page: str, report: dict) -> "Entry":
        meta = report.get("meta") or {}
        counts = {s: sum(i.get("severity") == s for i in report.get("issues") or []) for s in SEVERITIES}
        return cls(page, (report.get("source") or {}).get("path", ""), meta.get("issuer"), meta.get("year"),
                   meta.get("template"), counts)


CSS = """body{font:14px/1.45 "Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse}th,td{border:1px solid #aaa;padding:3px 8px}th{background:#f1f1f1}
td.n{text-align:right}td.error.nz{background:#ffb3b3}td.warning.nz{background:#ffdca8}code{font-size:12px}"""


def render_index(entries: list[Entry], failed: list[tuple[str, str]], title: str) -> str:
    rows = []
    for e in entries:
        counts = "".join(f'<td class="n {s}{" nz" if e.counts.get(s) else ""}">{e.counts.get(s, 0)}</td>'
                         for s in SEVERITIES)
        rows.append(f'<tr><td><a href="{esc(e.page)}">{esc(e.page)}</a></td><td>{esc(e.issuer)}</td>'
                    f'<td class="n">{esc(e.year)}</td><td>{esc(e.template)}</td>{counts}'
                    f"<td><code>{esc(e.source)}</code></td></tr>")
    head = "".join(f"<th>{h}</th>" for h in ("report", "issuer", "year", "template", *SEVERITIES, "source"))
    fails = ""
    if failed:
        fails = f"<h2>Failed ({len(failed)})</h2><ul>" + "".join(
            f"<li><code>{esc(path)}</code>: {esc(why)}</li>" for path, why in failed) + "</ul>"
    return (f'<!doctype html><html lang="zh"><head>{GENERATOR}<meta charset="utf-8"><title>{esc(title)}</title>'
            f"<style>{CSS}</style></head><body><h1>{esc(title)}</h1><p>{len(entries)} reports; issues by severity."
            f"</p><table><tr>{head}</tr>{''.join(rows)}</table>{fails}</body></html>\n")

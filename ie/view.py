"""`ie view`: an HTML page of one report with its entity spans and table cells highlighted.

Each highlighted stretch carries a tooltip with the field path(s) or label it supports, so a reader can check
an extraction against the text without reading JSON.
"""
from __future__ import annotations

import argparse
import html
import json
import sys
from pathlib import Path

COLORS = {"COUNT": "#ffe08a", "MONEY": "#b8f2c2", "PERCENT": "#c9e4ff", "DATE": "#f6c6ff",
          "DOC_NO": "#ffb3a7", "DOC_TITLE": "#d9d2ff", "table": "#9be7e7", "field": "#ffd59e"}


def _marks(report: dict) -> list[tuple[int, int, str, str]]:
    """(start, end, css class, tooltip) for every span; evidence for fields wins over bare entities."""
    marks = []
    for path, ev in report.get("evidence", {}).items():
        kind = "table" if ev.get("method") == "table" else "field"
        marks.append((ev["start"], ev["end"], kind, f"{path} ({ev.get('method')})"))
    for e in report.get("entities", []):
        score = e.get("score")
        tip = f"{e['label']} [{e.get('source')}]" + (f" {score:.2f}" if isinstance(score, (int, float)) else "")
        marks.append((e["start"], e["end"], e["label"], tip))
    return marks


def render(report: dict) -> str:
    text = report.get("text")
    if text is None:
        raise ValueError("the report JSON has no 'text' (extract without --no-text)")
    n = len(text)
    # per-character stack of (class, tooltip); boundaries where the set changes become <span>s
    covers: list[list[tuple[str, str]]] = [[] for _ in range(n)]
    for start, end, cls, tip in _marks(report):
        for i in range(max(0, start), min(n, end)):
            covers[i].append((cls, tip))
    out, i = [], 0
    while i < n:
        j = i
        while j < n and covers[j] == covers[i]:
            j += 1
        chunk = html.escape(text[i:j])
        if covers[i]:
            cls = covers[i][0][0]
            tip = html.escape("\n".join(t for _c, t in covers[i]))
            out.append(f'<span class="m {cls}" title="{tip}">{chunk}</span>')
        else:
            out.append(chunk)
        i = j
    meta = report.get("meta", {})
    issues = "".join(f"<li><b>{html.escape(x['code'])}</b> ({x['severity']}): {html.escape(x['message'])}</li>"
                     for x in report.get("issues", []))
    legend = "".join(f'<span class="m {k}">{k}</span> ' for k in COLORS)
    css = "".join(f".{k}{{background:{c}}}" for k, c in COLORS.items())
    title = html.escape(str(meta.get("title") or report.get("source", {}).get("path", "report")))
    return f"""<!doctype html><html lang="zh"><head><meta charset="utf-8"><title>{title}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}} pre{{white-space:pre-wrap;line-height:1.6}}
.m{{border-radius:3px;padding:0 1px}} {css}</style></head><body>
<h1>{title}</h1><p>template <b>{html.escape(str(meta.get('template')))}</b> · issuer {html.escape(str(meta.get('issuer')))}
· year {html.escape(str(meta.get('year')))}</p><p>{legend}</p>
<h2>Issues ({len(report.get('issues', []))})</h2><ul>{issues}</ul>
<h2>Text</h2><pre>{''.join(out)}</pre></body></html>
"""


def register(sub) -> None:
    p = sub.add_parser("view", help="HTML view of a report with spans and cells highlighted")
    p.add_argument("path", help="a report file (it is extracted first) or an `ie extract` JSON output")
    p.add_argument("-o", "--out", help="HTML file to write (default: <stem>.html in the current folder)")
    p.add_argument("--no-model", action="store_true", help="rules only when extracting")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    src = Path(args.path)
    try:
        if src.suffix.lower() == ".json":
            report = json.loads(src.read_text(encoding="utf-8"))
        else:
            from ie.extract import extract_file

            report = extract_file(src, use_model=not args.no_model)
        page = render(report)
    except Exception as exc:  # noqa: BLE001 - one clear line for the user
        print(f"error: {src}: {exc}", file=sys.stderr)
        return 1
    out = Path(args.out) if args.out else Path(f"{src.stem}.html")
    if out.resolve() == src.resolve():
        print(f"error: {out}: refusing to overwrite the input", file=sys.stderr)
        return 1
    out.write_text(page, encoding="utf-8")
    print(out)
    return 0

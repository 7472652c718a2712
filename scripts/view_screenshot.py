"""The README's picture of the review page: a corpus report through `ie view`, a table cell clicked, the
window captured by Playwright driving the system Chromium (as tests/test_view_browser.py does).

    python scripts/view_screenshot.py [--report pingtan_2020] [--cell proactive.penalty.prior_items] [-o docs/view.png]
"""
from __future__ import annotations

import argparse
import io
import os
import shutil
import tempfile
from pathlib import Path

from ie.extract import extract_file
from ie.paths import corpus_dir
from ie.view import render


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--report", default="pingtan_2020", help="corpus file stem")
    ap.add_argument("--cell", default="proactive.penalty.prior_items", help="field path to click")
    ap.add_argument("-o", "--out", default="docs/view.png")
    ap.add_argument("--width", type=int, default=1440)
    ap.add_argument("--height", type=int, default=900)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    exe = os.environ.get("IE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    report = extract_file(corpus_dir() / f"{args.report}.txt", use_model=False)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        page_file = Path(tmp) / "page.html"
        page_file.write_text(render(report), encoding="utf-8")
        browser = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": args.width, "height": args.height})
        page.goto(page_file.as_uri())
        # the click event without Playwright's scrolling: the page keeps its top (title, issues, legend) in view
        page.locator(f'td[data-p="{args.cell}"]').dispatch_event("click")
        png = page.screenshot()
        browser.close()
    # a 128-colour palette keeps the picture sharp (flat colours, text) at a fraction of the size
    from PIL import Image

    Image.open(io.BytesIO(png)).quantize(colors=128).save(args.out, optimize=True)
    print(f"{args.out}: {Path(args.out).stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

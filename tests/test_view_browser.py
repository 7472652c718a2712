"""The review page in a real headless browser: Debian's Chromium driven by Playwright (`executable_path`; the
browser Playwright would download cannot be reached here). A real corpus report goes through the real extractor,
the page renders its tables, and clicking a cell brings the cell's evidence into view, highlighted.

Skipped where Chromium or Playwright is missing, except under CI (.ci/run installs both), where that fails.
"""
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = ("chromium", "chromium-browser", "/usr/bin/chromium")


def _missing(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"CI is set, so the browser test must run here: {reason}", pytrace=False)
    pytest.skip(reason)


def chromium_path() -> str | None:
    env = os.environ.get("IE_CHROMIUM")
    if env:
        return env if Path(env).exists() else None
    return next((p for p in map(shutil.which, CHROMIUM) if p), None)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed (pip install -e '.[test]')")
    exe = chromium_path()
    if exe is None:
        _missing("Chromium not found (apt-get install chromium, or set IE_CHROMIUM to its path)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=["--no-sandbox"])   # root in containers needs it
        yield b
        b.close()


@pytest.fixture(scope="module")
def report_page(tmp_path_factory, corpus):
    from ie.extract import extract_file
    from ie.view import render

    report = extract_file(corpus / "hongze_2023.txt", use_model=False)
    page = tmp_path_factory.mktemp("view") / "hongze_2023.html"
    page.write_text(render(report), encoding="utf-8")
    return report, page


def _inside(box: dict, viewport: dict) -> bool:
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"] \
        and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]


def test_view_browser_tables_render_and_a_click_shows_the_evidence(browser, report_page):
    report, path = report_page
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())

    # the three tables, as many rows and cells as the output has
    apps = report["applications"]
    rows = page.locator("#t-applications tbody tr")
    assert rows.count() == len(apps)
    assert page.locator("#t-applications td[data-p]").count() == sum(len(r) for r in apps.values())
    assert page.locator("#t-proactive td[data-p]").count() == sum(len(r) for r in report["proactive"].values())
    assert page.locator("#t-review_litigation td[data-p]").count() == 15

    # a cell whose evidence lies far down the text: out of view before the click, in view and highlighted after
    target = "review_litigation.litigation_after_review.upheld"
    ev = report["evidence"][target]
    mark = page.locator(f'#text [data-p~="{target}"]').first
    assert mark.text_content() == ev["quote"]
    assert not _inside(mark.bounding_box(), page.viewport_size)
    page.locator(f'td[data-p="{target}"]').click()
    assert "hl" in mark.get_attribute("class").split()
    assert _inside(mark.bounding_box(), page.viewport_size)
    assert "hl" in page.locator(f'td[data-p="{target}"]').get_attribute("class").split()
    assert target in page.locator("#details").inner_text()

    # an issue highlights the cells it names, and only those
    issue = next(i for i, x in enumerate(report["issues"]) if x.get("fields"))
    page.locator(f'#issues li[data-i="{issue}"] > b').click()
    named = {f for f in report["issues"][issue]["fields"] if page.locator(f'td[data-p="{f}"]').count()}
    lit = {page.locator("td.hl").nth(i).get_attribute("data-p") for i in range(page.locator("td.hl").count())}
    assert named and lit == named
    assert not errors
    page.close()

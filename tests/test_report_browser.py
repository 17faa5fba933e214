"""The report page in a real browser, offline: every figure renders, nothing is fetched, no console error.

Uses the system's Chromium (Debian's ``chromium`` package) through Playwright; no browser is downloaded. Where no
Chromium is installed the test is skipped, so the suite still runs on a learner's machine.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from journeykit.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (Debian: apt-get install chromium)")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """A report on a small orders-and-events export, written by the command."""
    folder = tmp_path_factory.mktemp("browser")
    rng = np.random.default_rng(3)
    n = 400
    users = [f"C{i:04d}" for i in rng.integers(0, 120, n)]
    stamps = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 300 * 86400, n), unit="s")
    pd.DataFrame({"order_id": [f"O{i:05d}" for i in range(n)], "user_id": users, "timestamp": stamps,
                  "revenue": rng.integers(5, 200, n).astype(float)}).to_csv(folder / "orders.csv", index=False)
    out = folder / "report"
    assert main(["report", "--orders", str(folder / "orders.csv"), "--out", str(out), "--quiet"]) == 0
    return out / "report.html"


def test_the_report_renders_offline_with_every_figure_and_no_network(report):
    playwright = pytest.importorskip("playwright.sync_api")
    requests, errors = [], []
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        try:
            context = browser.new_context(offline=True)
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
            page.goto(report.as_uri(), wait_until="load")
            images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
            text = page.inner_text("body")
        finally:
            browser.close()
    assert images, "the report has figures"
    assert all(done and width > 0 for done, width in images), f"a figure did not render: {images}"
    assert not requests, f"the page asked the network for {requests[:3]}"
    assert not errors, f"console errors: {errors[:3]}"
    assert "Traceback" not in text and "import journeykit" not in text

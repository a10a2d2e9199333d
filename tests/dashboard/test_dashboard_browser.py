"""The dashboard in a real browser: Playwright drives Debian's Chromium against ``dnh app``.

Uploads the RA 9208 fixture (a generated PDF when the shared fixtures are absent), waits for the audit,
opens the results and checks that a harmful provision is highlighted in its clause and that the page image
is shown; then uploads a document holding ``<script>`` and ``<img onerror>`` and checks they showed as text
and never ran. Screenshots go to the test's temporary folder. ``.ci/run`` installs Chromium and sets
``DNH_REQUIRE_BROWSER=1``, which turns a missing browser into a failure instead of a skip.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from helpers import FIXTURES

CHROMIUM = Path("/usr/bin/chromium")
RA_9208 = FIXTURES / "ph-ra9208-2003-anti-trafficking-act.pdf"
HOSTILE = (
    "STANDING ORDER\n\nArticle 1. Victims shall not be detained "
    '<script>window.__dnh_pwned = 1</script><img src=x onerror="window.__dnh_pwned = 2"> in any centre.\n\n'
    "Article 2. Victims who refuse to testify shall be returned to their country of origin.\n"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.slow


def _browser_or_skip() -> None:
    missing = not CHROMIUM.is_file()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        if os.environ.get("DNH_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium (/usr/bin/chromium) or playwright is missing but DNH_REQUIRE_BROWSER=1")
        pytest.skip("no Chromium at /usr/bin/chromium or no playwright (CI installs both)")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """``dnh app`` on a free port with an empty store; yields its base URL."""
    _browser_or_skip()
    port = _free_port()
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 - closed below
    env = {**os.environ, "DNH_DB": str(tmp_path / "audits.duckdb")}
    dnh = Path(sys.executable).with_name("dnh")
    process = subprocess.Popen(
        [str(dnh), "app", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the dashboard did not start: {(tmp_path / 'server.log').read_text()[-2000:]}")
            time.sleep(0.5)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _document_to_upload(tmp_path: Path) -> Path:
    if RA_9208.is_file():
        return RA_9208
    import pdfgen

    return pdfgen.make_structured_pdf(tmp_path / "generated-sop.pdf")


def _analyse(page, base: str, path: Path) -> None:
    page.goto(base)
    page.get_by_role("heading", name="Analyse policy documents").wait_for(timeout=60_000)
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="Analyse 1 document(s)").click(timeout=120_000)
    page.get_by_text("Done: 1 document(s) audited").wait_for(timeout=240_000)
    page.get_by_role("button", name="See the results").click()
    page.get_by_role("heading", name="Document", exact=True).wait_for(timeout=60_000)


def test_an_uploaded_pdf_shows_its_harmful_provisions_on_the_page(server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1500, "height": 1100})
            _analyse(page, server, _document_to_upload(tmp_path))
            harmful = page.locator(".dnh-clause.HARMFUL").first
            harmful.wait_for(timeout=60_000)
            assert harmful.is_visible() and harmful.locator("mark").count() > 0
            assert "HARMFUL" in harmful.inner_text() and "Better wording" in harmful.inner_text()
            page.get_by_text("red harmful, green protective").wait_for(timeout=60_000)
            page.screenshot(path=str(tmp_path / "document.png"))

            hostile = tmp_path / "hostile-order.txt"
            hostile.write_text(HOSTILE, encoding="utf-8")
            _analyse(page, server, hostile)
            page.get_by_role("switch", name="Only clauses with findings").wait_for()
            page.get_by_text("<script>window.__dnh_pwned = 1</script>", exact=False).first.wait_for(
                timeout=60_000
            )
            assert page.evaluate("typeof window.__dnh_pwned") == "undefined"
            page.screenshot(path=str(tmp_path / "hostile.png"))
        finally:
            browser.close()
    assert (tmp_path / "document.png").stat().st_size > 10_000

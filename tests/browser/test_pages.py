"""Every page at 320 px (WCAG reflow) and at 200 % zoom: no sideways scrolling, axe clean; the page-weight
budget; the deployed API answers the portal's origin with CORS headers (also when it refuses)."""

from __future__ import annotations

import gzip
import http.client
import urllib.parse
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import new_portal
from tests.conftest import ROOT
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.browser
BUDGET_BYTES = 150 * 1024  # the resident pages' JS + CSS, compressed
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"

PUBLIC = {
    "index.html": "#uslugi li",
    "usluga.html?id=zaswiadczenie-o-niezaleganiu&jst=1418043": "#start a",
    "weryfikacja.html": "#plik",
    "sprawdz-sprawe.html": "#znak",
    "logowanie.html": "main a[href*='lokalnie']",
    "lokalnie/logowanie.html": "#rola",
    "wniosek.html?usluga=pismo-ogolne&jst=1418043": "main a[href*='logowanie']",  # not signed in
}


@pytest.mark.parametrize(("width", "zoom"), [(320, 1), (640, 2)], ids=["320px", "zoom-200"])
def test_pages_reflow_without_sideways_scrolling(browser: Browser, site: str, stack: Stack, width: int,
                                                 zoom: int) -> None:
    # 200 % zoom of a 1280 px window is a 640 CSS px layout drawn at twice the density.
    portal = new_portal(browser, site, stack, viewport={"width": width, "height": 900}, device_scale_factor=zoom)
    page = portal.page
    try:
        for path, ready in PUBLIC.items():
            portal.open(path)
            expect(page.locator(ready).first).to_be_visible()
            overflow = page.evaluate(SIDEWAYS)
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
            portal.check(f"50-{width}px-{path.split('.')[0].replace('/', '-')}")
        portal.sign_in("resident", subject="waski-ekran",
                       back="/wniosek.html?usluga=zaswiadczenie-o-niezaleganiu%26jst=1418043")
        expect(page.locator("#wniosek")).to_be_visible()
        page.get_by_role("button", name="Złóż wniosek").click()
        expect(page.locator("#bledy")).to_be_focused()
        assert page.evaluate(SIDEWAYS) <= 0
        portal.check(f"51-{width}px-wniosek-bledy")
    finally:
        page.context.close()


def test_resident_pages_fit_the_weight_budget() -> None:
    files = [*(ROOT / "web" / "js").rglob("*.js"), *(ROOT / "web" / "css").rglob("*.css")]
    compressed = sum(len(gzip.compress(Path(f).read_bytes(), 9)) for f in files)
    assert compressed <= BUDGET_BYTES, f"{compressed} B of JS + CSS (gzip) > {BUDGET_BYTES} B"


def test_api_answers_the_portals_origin(browser: Browser, site: str, stack: Stack) -> None:
    """Straight from the portal's origin to API Gateway: the answers, and the refusals, are readable."""
    portal = new_portal(browser, site, stack)
    try:
        portal.open("index.html")
        seen = portal.page.evaluate("""async (api) => {
            const open = await fetch(api + "/v1/catalogue");
            const refused = await fetch(api + "/v1/me/drafts");
            return [open.status, (await open.json()).count, refused.status, (await refused.json()).error.code];
        }""", stack.api)
        assert seen[0] == 200 and seen[1] > 0
        assert seen[2:] == [401, "unauthorized"]
    finally:
        portal.page.context.close()


@pytest.mark.parametrize("path", ["/../pyproject.toml", "/%2e%2e/pyproject.toml", "/lokalnie/../../README.md"])
def test_the_local_server_serves_nothing_outside_the_site(site: str, path: str) -> None:
    where = urllib.parse.urlsplit(site)
    conn = http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port, timeout=10)
    conn.request("GET", path)
    answer = conn.getresponse()
    assert (answer.status, answer.read()) == (404, b"Nie znaleziono.")

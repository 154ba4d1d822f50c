"""The web portal in a real browser (Debian's chromium through Playwright) against the stack the e2e tests
deploy into the emulator (the same session-scoped deployment).

Every page and state a test reaches is checked with axe-core (zero serious or critical violations) and
saved as a screenshot under .local/screenshots/.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, expect, sync_playwright

from infrastructure import web
from tests.conftest import ROOT
from tests.e2e.conftest import Stack, stack  # noqa: F401  (the deployment, shared with tests/e2e)

SCREENSHOTS = ROOT / ".local" / "screenshots"
CHROMIUM = os.environ.get("EURZAD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 60_000  # a function's first answer in the emulator includes its cold start (~15 s)
expect.set_options(timeout=TIMEOUT_MS)
_axe = Axe()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Name the screenshots' folder at the end of the run (before pytest's closing line)."""
    if SCREENSHOTS.is_dir():
        terminalreporter.write_line(f"Screenshots of the web portal's pages: {SCREENSHOTS}/")


@pytest.fixture(scope="session")
def site(stack: Stack) -> Iterator[str]:  # noqa: F811
    """The portal served as `make run` serves it (with the development sign-in), on a free port."""
    server = web.serve(0, stack.api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"browser tests need chromium at {CHROMIUM} (make test installs Debian's chromium)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Portal:
    """One person's browser tab on the portal."""

    page: Page
    base: str
    stack: Stack
    errors: list[str] = field(default_factory=list)

    def open(self, path: str) -> Page:
        self.page.goto(self.base + "/" + path.lstrip("/"))
        return self.page

    def sign_in(self, role: str, *, terc: str | None = None, department: str = "", subject: str = "",
                name: str = "Jan Kowalski", pesel: str = "44051401359", back: str = "", head: bool = False) -> None:
        """The local development sign-in page, as a person would use it."""
        self.open("lokalnie/logowanie.html" + (f"?wroc={back}" if back else ""))
        page = self.page
        page.select_option("#rola", role)
        if subject:
            page.fill("#login", subject)
        if role == "resident":
            page.fill("#nazwa", name)
            page.fill("#pesel", pesel)
        else:
            if terc:
                page.select_option("#jst", terc)
            page.fill("#komorka", department)
            if head:
                page.check("#kierownik")
        page.get_by_role("button", name="Zaloguj (lokalnie)").click()
        page.wait_for_url(lambda url: "logowanie" not in url)

    def check(self, name: str) -> dict[str, Any]:
        """axe-core on the page as it is now (zero serious/critical), and its screenshot."""
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        results = _axe.run(self.page, options={"resultTypes": ["violations"]})
        bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert not bad, f"{name}: " + "; ".join(
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in bad)
        assert not self.errors, f"{name}: errors in the page: {self.errors}"
        return results.response


def new_portal(browser: Browser, site: str, deployed: Stack, **context: Any) -> Portal:
    ctx = browser.new_context(locale="pl-PL", accept_downloads=True, **context)
    ctx.set_default_timeout(TIMEOUT_MS)
    page = ctx.new_page()
    portal = Portal(page=page, base=site, stack=deployed)
    page.on("pageerror", lambda exc: portal.errors.append(str(exc)))
    return portal


@pytest.fixture
def portal(browser: Browser, site: str, stack: Stack) -> Iterator[Portal]:  # noqa: F811
    made = new_portal(browser, site, stack)
    yield made
    made.page.context.close()


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")

"""The actual AWS costs page for the region's finance, against the deployed stack: the emulator has no Cost
Explorer, so the page says in words that the actuals are unavailable (the API's 503); a JST's finance officer
is told the comparison is the region's. axe-core on every state."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Portal

pytestmark = pytest.mark.browser
PIASECZNO = "1418043"


def test_region_finance_is_told_the_actual_costs_are_unavailable_locally(portal: Portal) -> None:
    page = portal.page
    portal.sign_in("finance", subject="ksiegowa-regionu")
    expect(page.get_by_role("link", name="Koszty AWS")).to_be_visible()  # in the finance pages' nav
    page.get_by_role("link", name="Koszty AWS").click()
    expect(page.get_by_role("link", name="Koszty AWS")).to_have_attribute("aria-current", "page")
    notice = page.locator("#wynik .notice")
    expect(notice).to_contain_text("Koszty rzeczywiste niedostępne.")
    expect(notice).to_contain_text("AWS Cost Explorer")  # the API's Polish message, not a code
    expect(page.locator("#koszty-miesiac")).to_have_value(page.evaluate(
        "(() => { const d = new Date(); d.setDate(1); d.setMonth(d.getMonth() - 1);"
        " return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`; })()"))
    portal.check("koszty-rzeczywiste-niedostepne")


def test_a_jsts_finance_officer_is_told_the_comparison_is_the_regions(portal: Portal) -> None:
    page = portal.page
    portal.sign_in("finance", terc=PIASECZNO, subject="ksiegowa")
    expect(page.get_by_role("link", name="Koszty AWS")).to_have_count(0)
    portal.open("koszty-rzeczywiste.html")
    expect(page.locator("#strona")).to_contain_text("widzą je tylko finanse regionu")
    portal.check("koszty-rzeczywiste-tylko-region")

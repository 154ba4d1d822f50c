"""The budget page in the browser, against the deployed stack: a JST without a budget, the form's errors on their
fields (the page's own checks and the server's 422), the budget saved; then a month metered past the budget and
the hourly schedule run as its function would: the month so far beside the 80 % / 100 % lines (chart, its table
and the summary in words), the alerts, the fees beside the costs. axe-core on every state."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from playwright.sync_api import expect

from chalicelib.core.clock import WARSAW
from tests.browser.conftest import Portal
from tests.e2e.conftest import run

pytestmark = pytest.mark.browser
LESZNOWOLA = "1418032"  # no other browser test meters work to it in large amounts


def this_month() -> str:
    return datetime.now(WARSAW).strftime("%Y-%m")


def metered_today(terc: str, gb_seconds: int) -> None:
    """Lambda work metered to the JST today, written by the platform's own metering sink."""
    day = datetime.now(WARSAW).date().isoformat()
    run("-c", "from chalicelib.core import metering; from chalicelib.db.metering import DynamoUsageSink; "
              f"u = metering.Usage(function='eurzad-e2e-test', memory_mb=10240, tenant='{terc}', "
              "module='submissions', service='pismo-ogolne'); "
              f"DynamoUsageSink().add(u, duration_ms={gb_seconds * 100}, day='{day}')")


def test_finance_sets_a_budget_and_sees_the_month_the_alerts_and_the_fees(portal: Portal) -> None:
    page = portal.page
    portal.sign_in("finance", subject="finanse-regionu")
    portal.open(f"budzet.html?jst={LESZNOWOLA}&miesiac={this_month()}")
    expect(page.get_by_role("link", name="Budżet i alerty")).to_have_attribute("aria-current", "page")
    expect(page.locator("#oplaty")).to_be_visible()
    if page.locator("#miesiac", has_text="nie ma jeszcze budżetu").count():  # a fresh stack: no budget yet
        portal.check("90-budzet-brak")

    # The page's own checks: the amount and a service's budget named on their fields, the summary focused
    page.fill("#budzet-kwota", "abc")
    page.fill("#budzet-usluga-pismo-ogolne", "-5")
    page.get_by_role("button", name="Zapisz budżet").click()
    summary = page.locator("#bledy")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Podaj kwotę w złotych większą od zera")
    expect(page.locator("#budzet-kwota")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#budzet-usluga-pismo-ogolne")).to_have_attribute("aria-invalid", "true")
    portal.check("91-budzet-bledy")

    # The server's 422 on the e-mail field
    page.fill("#budzet-kwota", "0,01")
    page.fill("#budzet-usluga-pismo-ogolne", "")
    page.fill("#budzet-email", "to-nie-jest-adres")
    page.get_by_role("button", name="Zapisz budżet").click()
    expect(page.locator("#bledy")).to_contain_text("Nieprawidłowy adres e-mail")
    expect(page.locator("#budzet-email")).to_have_attribute("aria-invalid", "true")
    portal.check("92-budzet-blad-serwera")

    # Saved: a budget of 1 grosz, the alerts to a mailbox of this test
    address = f"finanse-{uuid.uuid4().hex[:8]}@lesznowola.demo.eurzad.pl"
    page.fill("#budzet-email", address)
    page.get_by_role("button", name="Zapisz budżet").click()
    expect(page.locator("#budzet-stan")).to_contain_text("Zapisano budżet: 0,01 zł miesięcznie")
    # The month is read again beside the form, which keeps its confirmation (and the saved values)
    expect(page.locator("#budzety")).to_contain_text("0,01 zł")
    expect(page.locator("#budzet-stan")).to_contain_text("Zapisano budżet: 0,01 zł miesięcznie")
    expect(page.locator("#budzet-kwota")).to_have_value("0,01")

    # When the month's work passes the budget and the hourly schedule runs
    metered_today(LESZNOWOLA, 60_000)
    run("-c", "from chalicelib.modules.costs.budget_alerts import evaluate_all; evaluate_all()")
    page.reload()

    # Then the month so far is shown against the budget's lines, in a chart, its table and words
    chart = page.locator("#wykres-miesiac")
    expect(chart.get_by_role("img")).to_be_visible()
    expect(chart.locator("#wykres-miesiac-opis")).to_contain_text("% budżetu")
    expect(chart.locator("table")).to_contain_text("Koszt od początku miesiąca")
    expect(page.locator("#budzety tbody tr", has_text="razem")).to_contain_text("Przekroczono 100%")  # in words
    expect(page.locator("#podsumowanie")).to_contain_text("liniowo")
    # the alerts: each threshold once, mailed
    alerts = page.locator("#alerty li")
    expect(alerts.filter(has_text="100% – koszt dotąd")).to_have_count(1)
    expect(alerts.filter(has_text="80% – prognoza na miesiąc")).to_have_count(1)
    expect(alerts.first).to_contain_text(f"e-mail wysłany do {address}")
    # the fees beside the costs, with their totals
    expect(page.locator("#oplaty-koszty tfoot")).to_contain_text("Razem")
    portal.check("93-budzet-miesiac-alerty")

    # Keyboard: the JST and month chosen again from the filters
    page.focus("#budzet-miesiac")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#alerty li").first).to_be_visible()

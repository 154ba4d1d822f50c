"""An overdue case in the browser (art. 36-37 KPA): the inbox by due date and only the overdue, the row marked in
words; the case page says it is past its date and the clerk names a new one keyboard-only (the server's 422 on the
date field first); the new date and the reason are listed for the clerk and shown to the resident."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Portal
from tests.browser.test_case_pages import second  # noqa: F401  (the resident's browser beside the clerk's)
from tests.browser.test_keyboard import COUNT_POINTER, tab_to, type_into
from tests.browser.test_staff import PIASECZNO, bearer
from tests.e2e.conftest import Stack, eventually, run
from tests.e2e.test_e_wniosek import catalogue_services, me, prepared
from tests.formdata import with_value

pytestmark = pytest.mark.browser
SERVICE = "zaswiadczenie-o-niezaleganiu"  # 7 days (art. 217 § 3 KPA): a service with a due date
DAYS_OFF = {(1, 1), (1, 6), (5, 1), (5, 3), (8, 15), (11, 1), (11, 11), (12, 24), (12, 25), (12, 26)}

# The clock moved: the case as if received `days` ago, then the daily sweep's art. 36 notice (as
# tests/integration/test_case_overdue.py moves it), written through the repository into the deployed stack's table.
RECEIVED_EARLIER = """
import sys
from datetime import UTC, date, datetime, timedelta
from chalicelib.modules.cases import kpa_clock, overdue
from chalicelib.modules.cases.repository import DynamoCases
terc, case_id, days = sys.argv[1], sys.argv[2], int(sys.argv[3])
store = DynamoCases()
stored = store.find(terc, case_id)
record = {**stored.record, "started_on": (date.today() - timedelta(days=days)).isoformat()}
record["due_date"] = kpa_clock.current_due(record, stored.life)
record, life = overdue.mark_overdue(record, stored.life, at=datetime.now(UTC))
assert store.save(stored, record, life) is not None
"""


def working_day(start: date) -> date:
    day = start
    while day.weekday() >= 5 or (day.month, day.day) in DAYS_OFF:
        day += timedelta(days=1)
    return day


def overdue_case(stack: Stack, resident: str) -> tuple[str, str, str]:
    """A certificate request registered, taken by its clerk and then past its due date: (case id, sign, dept)."""
    defn = next(d for d in catalogue_services() if d.id == SERVICE)
    # exempt from the stamp duty: a case owing a fee would wait for it, its clock stopped, never overdue
    data = with_value(prepared(stack, defn), "zwolnienie_ubostwo", True)
    reply = stack.call("POST", f"/v1/tenants/{PIASECZNO}/services/{SERVICE}/submissions",
                       {"data": data}, {**me(resident), "Idempotency-Key": f"po-terminie-{resident}"})
    assert reply.status == 201, reply.body
    case_id = reply.body["submission_id"]

    def registered() -> Any:
        """the registration worker registered the case"""
        return stack.call("GET", f"/v1/me/submissions/{case_id}", headers=me(resident)).body["case_sign"]

    sign = eventually(registered, timeout=120)
    kancelaria = bearer(role="clerk", terc=PIASECZNO, subject="kancelaria")
    department = stack.call("GET", f"/v1/tenants/{PIASECZNO}/cases/{case_id}", headers=kancelaria).body["case"][
        "department"]
    clerk = bearer(role="clerk", terc=PIASECZNO, department=department, subject=f"urzednik-{department.lower()}")
    assert stack.call("POST", f"/v1/tenants/{PIASECZNO}/cases/{case_id}/assignment", {}, clerk).status == 200
    run("-c", RECEIVED_EARLIER, PIASECZNO, case_id, "40")
    return case_id, str(sign), department


def test_an_overdue_case_and_its_new_date_named_keyboard_only(portal: Portal, second: Portal) -> None:  # noqa: F811
    resident = f"po-terminie-{uuid.uuid4().hex[:8]}"
    case_id, sign, department = overdue_case(portal.stack, resident)
    page, message = portal.page, portal.page.locator("#komunikat")
    portal.sign_in("clerk", terc=PIASECZNO, department=department, subject=f"urzednik-{department.lower()}")

    # The inbox: only the overdue, earliest due first; the row says it in words.
    page.select_option("#filtr", "po-terminie")
    page.get_by_role("button", name="Filtruj").click()
    expect(page.get_by_role("status")).to_contain_text("po terminie (art. 36 KPA): strona 1")
    row = page.locator("tbody tr", has_text=sign)
    expect(row).to_contain_text("Po terminie")
    portal.check("24-urzednik-po-terminie")
    page.select_option("#filtr", "termin")
    page.get_by_role("button", name="Filtruj").click()
    expect(page.get_by_role("status")).to_contain_text("otwarte według terminu załatwienia: strona 1")
    expect(page.locator("caption")).to_have_text("Sprawy, najwcześniejszy termin najpierw")
    expect(page.locator("tbody tr", has_text=sign)).to_contain_text("Po terminie")
    portal.check("25-urzednik-wg-terminu")

    # The case page: past its date, the sweep's entry in the history; the new date named with the keyboard only.
    page.context.add_init_script(COUNT_POINTER)
    portal.open(f"sprawa.html?jst={PIASECZNO}&id={case_id}")
    expect(page.locator("#termin-obecny")).to_contain_text("Po terminie")
    expect(page.locator("main")).to_contain_text("strona zawiadomiona (art. 36 KPA)")
    portal.check("88-sprawa-po-terminie")
    type_into(page, "#nowy-termin", "02.01.2020")
    type_into(page, "#przyczyna-zwloki", "Oczekiwanie na dane z urzędu skarbowego")
    tab_to(page, "#nowy-termin-form button[type=submit]")
    page.keyboard.press("Enter")
    summary = page.locator("#nowy-termin-form .error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Nowy termin musi przypadać w przyszłości.")
    expect(page.locator("#nowy-termin")).to_have_attribute("aria-invalid", "true")
    portal.check("89-sprawa-nowy-termin-blad")
    new_date = working_day(date.today() + timedelta(days=14))
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#nowy-termin")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type(new_date.strftime("%d.%m.%Y"))
    tab_to(page, "#nowy-termin-form button[type=submit]")
    page.keyboard.press("Enter")
    shown = new_date.strftime("%-d.%m.%Y")
    expect(message).to_contain_text(f"Wyznaczono nowy termin załatwienia sprawy: {shown}.")
    expect(page.locator("#termin-obecny")).to_have_text(shown)
    extensions = page.locator("#nowe-terminy tbody tr")
    expect(extensions).to_have_count(1)
    expect(extensions.first).to_contain_text("Oczekiwanie na dane z urzędu skarbowego")
    expect(page.locator("main")).to_contain_text(f"Nowy termin załatwienia: {shown}")
    portal.check("90-sprawa-nowy-termin")
    assert page.evaluate("() => sessionStorage.getItem('mysz')") is None, "a pointer event happened"

    # The resident: the new date and the reason of the delay, and the right to a ponaglenie.
    second.sign_in("resident", subject=resident)
    second.open(f"moja-sprawa.html?id={case_id}")
    extended = second.page.locator("#nowe-terminy tbody tr")
    expect(extended).to_have_count(1)
    expect(extended.first).to_contain_text(shown)
    expect(extended.first).to_contain_text("Oczekiwanie na dane z urzędu skarbowego")
    expect(second.page.locator("main")).to_contain_text("ponaglenie (art. 37 KPA)")
    second.check("91-moja-sprawa-nowy-termin")

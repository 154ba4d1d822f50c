"""The costs page in the browser, against the deployed stack with the demo's cost settings: the region's finance sees
a month per JST with the shared costs, opens the metered rows behind a figure, switches to services, reads the six
months' charts (and their tables) and downloads the CSV; a JST's finance sees only its own JST; a month without a
price list and another role get their states in words. axe-core on every state."""

from __future__ import annotations

from decimal import Decimal

import boto3
import pytest
from playwright.sync_api import expect

from chalicelib.core import metering
from chalicelib.db.metering import usage_update
from tests.browser.conftest import Portal
from tests.e2e.conftest import PREFIX

pytestmark = pytest.mark.browser
MONTH = "2025-06"  # a past month only this file meters into
PIASECZNO, LESZNOWOLA = "1418043", "1418032"


def _meter(tenant: str, day: str, service: str, times: int, requests: dict[str, int]) -> None:
    usage = metering.Usage(function="eurzad-e2e-api", memory_mb=512, tenant=tenant, module="submissions",
                           service=service, http=True, write_units=2.0)
    usage.requests.update(requests)
    for _ in range(times):
        request = usage_update(usage, duration_ms=250.0, day=day)
        boto3.client("dynamodb").update_item(**{**request, "TableName": f"{PREFIX}-metering"})


@pytest.fixture(scope="module")
def metered(stack: object) -> None:
    _meter(PIASECZNO, f"{MONTH}-02", "pismo-ogolne", 3, {"dynamodb:PutItem": 2, "s3:PutObject": 1})
    _meter(PIASECZNO, "2025-05-20", "pismo-ogolne", 2, {"dynamodb:PutItem": 2})
    _meter(LESZNOWOLA, f"{MONTH}-15", "pismo-ogolne", 1, {"s3:GetObject": 4})


def test_the_regions_finance_reads_the_month_drills_down_and_downloads_the_csv(portal: Portal, metered: None) -> None:
    page = portal.page
    portal.sign_in("finance", subject="skarbnik-regionu")
    portal.open(f"koszty.html?miesiac={MONTH}")
    expect(page.locator("#tytul")).to_have_text(f"Koszty platformy {MONTH} – cały region")
    report = page.locator("#raport")
    expect(report.locator("tbody tr", has_text="Gmina Piaseczno")).to_contain_text("zł")
    expect(page.locator("#podsumowanie")).to_contain_text("kurs demonstracyjny")
    expect(page.locator("#podsumowanie")).to_contain_text("proporcjonalnie do liczby mieszkańców")
    expect(page.locator("#podsumowanie")).to_contain_text("Prowizja operatora płatności")
    expect(page.locator("#prowizja")).to_contain_text("wpłat online (wliczona do zużycia)")
    expect(page.locator("#wspolne")).to_contain_text("Odpytywanie kolejek SQS")
    expect(page.locator(".notice.warn")).to_contain_text(f"Brak kursu dla {MONTH}")  # the rate's month in words
    expect(page.locator("#wykres-jst svg[role=img]")).to_be_visible()
    expect(page.locator("#wykres-jst-tabela")).to_contain_text("Gmina Piaseczno")
    expect(page.locator("#wykres-uslugi-opis")).to_contain_text("Od 2025-01 do 2025-06")
    portal.check("90-koszty-region")

    page.get_by_role("button", name="Wiersze pomiaru: Gmina Piaseczno").click()
    heading = page.locator("#szczegoly-tytul")
    expect(heading).to_be_focused()
    rows = page.locator("#wiersze tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(f"{MONTH}-02")
    expect(page.locator("#szczegoly")).to_contain_text("1 wiersz pomiaru, razem")
    portal.check("91-koszty-wiersze-pomiaru")

    page.select_option("#koszty-grupowanie", "service")
    page.get_by_role("button", name="Pokaż koszty").click()
    expect(page.locator("#raport caption")).to_have_text(f"Koszty {MONTH} według: Usługa")
    expect(page.locator("#raport")).to_contain_text("Koszty wspólne regionu (udział)")
    portal.check("92-koszty-uslugi")

    with page.expect_download() as download:
        page.get_by_role("button", name="Pobierz CSV (Excel)").click()
    content = open(download.value.path(), "rb").read()  # noqa: SIM115
    assert content.startswith("\ufeffMiesiąc;Usługa;".encode())
    assert download.value.suggested_filename == f"koszty-region-{MONTH}-service.csv"
    expect(page.locator("#stan-pobierania")).to_contain_text("Pobrano")
    portal.check("93-koszty-csv")


def test_a_jsts_finance_sees_its_own_jst_only(portal: Portal, metered: None) -> None:
    page = portal.page
    portal.sign_in("finance", terc=LESZNOWOLA, subject="ksiegowa-lesznowola")
    portal.open(f"koszty.html?miesiac={MONTH}&jst={PIASECZNO}")
    expect(page.locator("#tytul")).to_have_text(f"Koszty platformy {MONTH} – JST {LESZNOWOLA}")
    expect(page.locator("#koszty-jst")).to_be_disabled()
    body = page.locator("#raport tbody tr")
    expect(body).to_have_count(1)
    expect(body.first).to_contain_text("Gmina Lesznowola")
    total = Decimal(page.locator("#raport tfoot td").nth(2).inner_text().replace(" zł", "").replace(",", "."))
    assert total > 0
    portal.check("94-koszty-jst")


def test_a_month_before_the_price_list_and_another_role_are_told_in_words(portal: Portal, metered: None) -> None:
    page = portal.page
    portal.sign_in("finance", subject="skarbnik-regionu")
    portal.open("koszty.html?miesiac=2024-06")
    expect(page.locator("#wynik .notice.bad")).to_contain_text("Brak cennika AWS dla miesiąca 2024-06")
    portal.check("95-koszty-brak-cennika")
    portal.sign_in("clerk", terc=PIASECZNO, department="OR")
    portal.open("koszty.html")
    expect(page.locator("#strona")).to_contain_text("Ta strona jest dostępna dla innej roli.")
    portal.check("96-koszty-inna-rola")


def test_a_month_from_its_rollup_says_up_to_which_day(portal: Portal, metered: None) -> None:
    # a month the night has rolled up (its item as the schedule writes it): the region's report says its last day
    item = {"pk": "R#2025-04", "sk": f"{PIASECZNO}#pismo-ogolne", "tenant": PIASECZNO, "service": "pismo-ogolne",
            "module": "-", "function": "-", "day": "2025-04-10", "through": "2025-04-10", "invocations": 4,
            "api_requests": 4, "gb_seconds": Decimal("0.5"), "metering_writes": 4, "metering_wru": 4}
    table = boto3.resource("dynamodb").Table(f"{PREFIX}-metering")
    table.put_item(Item=item)
    table.put_item(Item={"pk": "R#2025-04", "sk": "#done", "through": "2025-04-10"})  # the run's mark, written last
    page = portal.page
    portal.sign_in("finance", subject="skarbnik-regionu")
    portal.open("koszty.html?miesiac=2025-04")
    expect(page.locator("#stan-na")).to_have_text("Stan na koniec dnia 2025-04-10")
    expect(page.locator("#raport tbody tr", has_text="Gmina Piaseczno")).to_contain_text("zł")
    portal.check("97-koszty-z-zestawienia")

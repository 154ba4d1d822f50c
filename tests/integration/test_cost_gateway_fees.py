"""The payment gateway's commission in the month's cost report, read from the payment orders stored in the
emulator: each JST's contract rate on its payments verified that month, per JST and service, and totals that add
up across JSTs, services and resources."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import auth
from tests.integration.conftest import demo_files
from tests.payments import paid_order

YEAR = random.randint(2040, 2099)  # a year no other test's orders reach, nor this file's previous runs
MONTH = f"{YEAR}-08"
PIASECZNO, LESZNOWOLA = "1418043", "1418032"
ROAD, LETTER = "zajecie-pasa-drogowego", "pismo-ogolne"
REGIONAL = auth("finance")
SETTINGS = {"rates": [{"month": "2025-01", "pln_per_usd": "4.00", "source": "kurs testowy"}],
            "allocation": "equal", "shared": []}
# Piaseczno keeps the demo's contract (the sandbox's 1.2 % + 0.30 zł); Lesznowola gets one of 2.5 % and no fee
LESZNOWOLA_PAYMENTS = {"merchant_id": 914032, "pos_id": 914032, "credentials_secret": "test/1418032",
                       "commission": {"percent": "2.5", "fixed_grosze": 0, "contract": "umowa testowa"}}


@pytest.fixture(scope="module")
def paid(platform: None, api: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    from chalicelib import cli

    directory: Path = tmp_path_factory.mktemp("region")
    files = []
    for source in demo_files():
        config = yaml.safe_load(source.read_text(encoding="utf-8"))
        if str(config["terc"]) == LESZNOWOLA:
            config["payments"] = LESZNOWOLA_PAYMENTS
        target = directory / source.name
        target.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        files.append(target)
    assert cli.tenants_apply(files) == 0
    ok = api.http.put("/v1/finance/cost-settings", headers={**REGIONAL, "Content-Type": "application/json"},
                      body=json.dumps(SETTINGS))
    assert ok.status_code == 200, ok.body
    day = datetime(YEAR, 8, 10, 9, tzinfo=UTC)
    paid_order(PIASECZNO, ROAD, 10_000, day, refunded=2_500)  # a refund does not lower the commission
    paid_order(PIASECZNO, ROAD, 10_000, day + timedelta(days=5))
    paid_order(PIASECZNO, LETTER, 1_700, day)
    paid_order(PIASECZNO, LETTER, 1_700, datetime(YEAR, 7, 31, 12, tzinfo=UTC))  # July's: not August's cost
    paid_order(LESZNOWOLA, ROAD, 5_000, day)
    yield
    cli.tenants_apply(demo_files())


def _get(api: Any, path: str, headers: dict[str, str] = REGIONAL) -> Any:
    resp = api.http.get(path, headers=headers)
    assert resp.status_code == 200, resp.body
    return json.loads(resp.body) if resp.body[:1] == b"{" else resp.body.decode("utf-8")


def _grosze(text: str) -> int:
    return int(Decimal(text) * 100)


def test_the_months_report_has_each_jsts_commission_per_service_and_the_totals_add_up(api: Any, paid: None) -> None:
    by_jst = _get(api, f"/v1/finance/costs?month={MONTH}")
    usage = {g["key"]: Decimal(g["usage_pln_exact"]) for g in by_jst["groups"]}
    # Piaseczno: 1.2 % of 217 zł = 2.604 zł + 3 x 0.30 zł; Lesznowola: 2.5 % of 50 zł (no AWS use that month)
    assert (usage[PIASECZNO], usage[LESZNOWOLA]) == (Decimal("3.504"), Decimal("1.25"))
    assert {"1418", "1418023"} <= set(usage)
    assert all(v == 0 for k, v in usage.items() if k not in (PIASECZNO, LESZNOWOLA))  # no payments: no commission
    assert by_jst["gateway"] | {"note": None} == {
        "resource": "payment_gateway.commission", "label": "Prowizja operatora płatności", "source": "contract",
        "note": None, "payments": 4, "pln_exact": "4.754", "pln": "4.75"}

    by_service = _get(api, f"/v1/finance/costs?month={MONTH}&group_by=service")
    services = {g["key"]: g["usage_pln_exact"] for g in by_service["groups"]}
    assert (services[ROAD], services[LETTER]) == ("4.25", "0.504")
    by_resource = _get(api, f"/v1/finance/costs?month={MONTH}&group_by=resource")
    row = next(g for g in by_resource["groups"] if g["key"] == "payment_gateway.commission")
    assert (row["name"], row["quantity"], row["unit"], row["usage_pln_exact"], row["usage_usd"]) == \
        ("Prowizja operatora płatności", "4", "płatność", "4.754", "0")
    for report in (by_jst, by_service, by_resource):
        assert report["totals"]["total_pln_exact"] == by_jst["totals"]["total_pln_exact"]
        assert sum(_grosze(g["total_pln"]) for g in report["groups"]) == _grosze(report["totals"]["total_pln"])
        assert sum(_grosze(g["usage_pln"]) for g in report["groups"]) == _grosze(report["totals"]["usage_pln"])


def test_a_jsts_finance_sees_its_own_commission_and_the_csv_states_it(api: Any, paid: None) -> None:
    own = _get(api, f"/v1/finance/costs?month={MONTH}&group_by=service", auth("finance", LESZNOWOLA))
    assert own["tenant"] == LESZNOWOLA
    assert [(g["key"], g["usage_pln"]) for g in own["groups"] if g["kind"] == "usage"] == [(ROAD, "1.25")]
    assert (own["gateway"]["payments"], own["gateway"]["pln"]) == (1, "1.25")

    text = _get(api, f"/v1/finance/costs?month={MONTH}&tenant={PIASECZNO}&format=csv")
    assert "Prowizja operatora płatności (wliczona do zużycia): 3,50 zł od 3 wpłat" in text

"""The region's cost settings: a month's rate (or the latest earlier one), and the demo's file as `make run`
loads it, its SQS polling estimate tied to the queues the platform really has."""

from __future__ import annotations

from decimal import Decimal

import pytest
import yaml
from pydantic import ValidationError

from chalicelib.modules import queues
from chalicelib.modules.costs import price_list
from chalicelib.modules.costs.settings import CostSettings, UsdRate, days_in_month
from tests.conftest import ROOT

DEMO = ROOT / "region" / "demo" / "koszty.yaml"


def test_a_month_without_its_rate_takes_the_latest_earlier_one() -> None:
    settings = CostSettings(rates=[UsdRate(month="2026-09", pln_per_usd=Decimal("3.9"), source="NBP A 1"),
                                   UsdRate(month="2026-07", pln_per_usd=Decimal("4.1"), source="NBP A 2")])
    assert settings.rate_for("2026-09").source == "NBP A 1"
    assert settings.rate_for("2026-12").source == "NBP A 1"
    assert settings.rate_for("2026-08").source == "NBP A 2"
    assert settings.rate_for("2026-06") is None


def test_two_rates_for_one_month_or_a_bad_month_are_refused() -> None:
    with pytest.raises(ValidationError):
        CostSettings(rates=[UsdRate(month="2026-09", pln_per_usd=Decimal(4), source="NBP"),
                            UsdRate(month="2026-09", pln_per_usd=Decimal(5), source="NBP")])
    with pytest.raises(ValidationError):
        UsdRate(month="2026-9", pln_per_usd=Decimal(4), source="NBP")


def test_the_demo_settings_are_valid_marked_as_demo_and_priced_by_the_price_list() -> None:
    settings = CostSettings.model_validate(yaml.safe_load(DEMO.read_text(encoding="utf-8")))
    assert all("demonstracyjny" in r.source for r in settings.rates)
    prices = price_list("2026-11")
    for item in settings.shared:
        prices.price(item.resource)


def test_the_demo_sqs_polling_estimate_counts_every_queue_lambda_polls() -> None:
    # Each queue's event source mapping long-polls with 5 pollers, one ReceiveMessage per 20 s each when idle.
    settings = CostSettings.model_validate(yaml.safe_load(DEMO.read_text(encoding="utf-8")))
    polling = next(i for i in settings.shared if i.resource == "sqs.requests")
    assert polling.quantity == len(queues()) * 5 * 30 * 86_400 // 20
    assert f"{len(queues())} kolejek" in (polling.note or "")


def test_days_in_month() -> None:
    assert [days_in_month(m) for m in ("2026-02", "2028-02", "2026-12", "2026-04")] == [28, 29, 31, 30]

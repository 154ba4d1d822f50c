"""The benches price with the platform's price list (bench/pricing.py), never with prices of their own, so a bench's
dollars are the costs report's."""

from __future__ import annotations

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from bench import pricing
from chalicelib.modules.costs import price_list

BENCH = Path(__file__).resolve().parents[2] / "bench"


def test_a_million_api_gateway_requests_cost_what_the_price_list_says() -> None:
    listed = price_list(pricing.this_month()).price("apigateway.requests")

    assert pricing.cost("apigateway.requests", Decimal(1_000_000)) == listed.cost(Decimal(1_000_000))
    assert pricing.usd("apigateway.requests", 1_000_000) == float(listed.usd * 1_000_000 / listed.per)


def test_one_invocation_adds_lambda_and_api_gateway_from_the_list() -> None:
    listed = price_list(pricing.this_month())
    lambda_only = listed.price("lambda.requests").cost(Decimal(1)) + listed.price("lambda.compute").cost(
        Decimal("0.05"))  # 512 MB for 100 ms: 0.05 GB-s

    assert pricing.invocation_usd(512, 100, http=False) == pytest.approx(float(lambda_only), rel=1e-12)
    assert pricing.invocation_usd(512, 100, http=True) == pytest.approx(
        float(lambda_only + listed.price("apigateway.requests").cost(Decimal(1))), rel=1e-12)


def test_a_results_file_names_the_list_and_its_figures() -> None:
    listed = price_list(pricing.this_month())
    note = pricing.prices_note(["apigateway.requests"])

    assert listed.file in note
    assert listed.valid_from.isoformat() in note
    assert f"${listed.price('apigateway.requests').usd} per 1,000,000" in note


def _own_prices(path: Path) -> list[str]:
    """Module-level names that look like a price of the bench's own (`…_USD`, `PRICES`)."""
    found = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign) else []
        found += [f"{path.name}: {t.id}" for t in targets
                  if isinstance(t, ast.Name) and (t.id.endswith("_USD") or t.id == "PRICES")]
    return found


def test_no_bench_keeps_prices_of_its_own() -> None:
    own = [name for path in sorted(BENCH.glob("*.py")) for name in _own_prices(path)]

    assert own == []

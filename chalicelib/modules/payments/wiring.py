"""The payments module's heavy parts and store, loaded on first use (the store: one per warm container), and the
gateway of a JST's merchant account (`gateway_for`, replaceable in tests by a gateway of their own)."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib.core.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.integrations.payment_gateway import Merchant, PaymentGateway
    from chalicelib.model.tenant import PaymentsSetting
    from chalicelib.modules.payments import (
        expiry,
        logic,
        models,
        notifications,
        paying,
        refunds,
        repository,
    )

    GatewayFactory = Callable[[PaymentsSetting], tuple[PaymentGateway, Merchant]]
else:
    expiry = lazy_module("chalicelib.modules.payments.expiry")
    logic = lazy_module("chalicelib.modules.payments.logic")
    models = lazy_module("chalicelib.modules.payments.models")
    notifications = lazy_module("chalicelib.modules.payments.notifications")
    paying = lazy_module("chalicelib.modules.payments.paying")
    refunds = lazy_module("chalicelib.modules.payments.refunds")
    repository = lazy_module("chalicelib.modules.payments.repository")

__all__ = ["expiry", "gateway", "logic", "models", "notifications", "orders", "paying", "refunds", "repository",
           "use_gateway"]

_factory: list[GatewayFactory] = []


@lru_cache(maxsize=1)
def orders() -> repository.DynamoOrders:
    return repository.DynamoOrders()


def gateway(setting: PaymentsSetting) -> tuple[PaymentGateway, Merchant]:
    """The gateway and the JST's merchant account (its secrets read from Secrets Manager by the factory)."""
    from chalicelib.integrations.payment_gateway import GatewayError
    from chalicelib.integrations.payment_gateways import gateway_for

    try:
        return _factory[-1](setting) if _factory else gateway_for(setting)
    except GatewayError as exc:  # e.g. the merchant's keys missing: the operator's to fix, the caller's to retry
        from chalicelib.core.observability import logger

        logger.exception("the JST's payment gateway is not available")
        raise logic.GatewayUnavailable() from exc


def use_gateway(factory: GatewayFactory | None) -> None:
    """Tests: every JST's gateway from `factory` (None: the real one again)."""
    _factory.clear()
    if factory is not None:
        _factory.append(factory)

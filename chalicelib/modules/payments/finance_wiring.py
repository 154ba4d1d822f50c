"""Finance's and the proofs' parts of the payments module, loaded on first use like the module's own
(`wiring.py`): the finance view, the reconciliation and its CSV, the proof, their API models and stores."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib.core.lazy import lazy_module
from chalicelib.modules.payments.wiring import orders

if TYPE_CHECKING:
    from chalicelib.modules.payments import (
        finance,
        finance_models,
        finance_store,
        proof,
        reconciliation,
        reconciliation_csv,
    )
else:
    finance = lazy_module("chalicelib.modules.payments.finance")
    finance_models = lazy_module("chalicelib.modules.payments.finance_models")
    finance_store = lazy_module("chalicelib.modules.payments.finance_store")
    proof = lazy_module("chalicelib.modules.payments.proof")
    reconciliation = lazy_module("chalicelib.modules.payments.reconciliation")
    reconciliation_csv = lazy_module("chalicelib.modules.payments.reconciliation_csv")

__all__ = ["finance", "finance_models", "finance_orders", "finance_store", "proof", "proofs", "reconciliation",
           "reconciliation_csv"]


@lru_cache(maxsize=1)
def finance_orders() -> finance_store.FinanceOrders:
    return finance_store.FinanceOrders(orders())


@lru_cache(maxsize=1)
def proofs() -> finance_store.S3Proofs:
    return finance_store.S3Proofs()

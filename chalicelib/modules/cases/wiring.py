"""The cases module's heavy parts and store, loaded on first use (the store: one per warm container).

`import app` must register every route and worker, not load what they use: the pydantic models, the PynamoDB
tables and the KPA deadline rules (holidays) load with the first request or message that needs them
(chalicelib.core.lazy). The package imports this file first, so `from chalicelib.modules.cases import logic`
anywhere gets the same lazy module.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib.core.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.events import topics
    from chalicelib.modules.cases import (
        access,
        calculator,
        deadlines,
        einformacja,
        fee,
        forwarding,
        handling,
        lifecycle,
        logic,
        lookup,
        models,
        notices,
        office_files,
        overdue,
        paper,
        paper_store,
        payment_requests,
        payment_store,
        repository,
        retention,
        retention_store,
        settlements,
        supplements,
        trail,
        transfers,
    )
else:
    access = lazy_module("chalicelib.modules.cases.access")
    lookup = lazy_module("chalicelib.modules.cases.lookup")
    paper = lazy_module("chalicelib.modules.cases.paper")
    paper_store = lazy_module("chalicelib.modules.cases.paper_store")
    calculator = lazy_module("chalicelib.modules.cases.calculator")
    einformacja = lazy_module("chalicelib.modules.cases.einformacja")
    fee = lazy_module("chalicelib.modules.cases.fee")
    payment_requests = lazy_module("chalicelib.modules.cases.payment_requests")
    payment_store = lazy_module("chalicelib.modules.cases.payment_store")
    settlements = lazy_module("chalicelib.modules.cases.settlements")
    forwarding = lazy_module("chalicelib.modules.cases.forwarding")
    handling = lazy_module("chalicelib.modules.cases.handling")
    lifecycle = lazy_module("chalicelib.modules.cases.lifecycle")
    deadlines = lazy_module("chalicelib.modules.cases.deadlines")
    logic = lazy_module("chalicelib.modules.cases.logic")
    models = lazy_module("chalicelib.modules.cases.models")
    notices = lazy_module("chalicelib.modules.cases.notices")
    office_files = lazy_module("chalicelib.modules.cases.office_files")
    overdue = lazy_module("chalicelib.modules.cases.overdue")
    repository = lazy_module("chalicelib.modules.cases.repository")
    retention = lazy_module("chalicelib.modules.cases.retention")
    retention_store = lazy_module("chalicelib.modules.cases.retention_store")
    supplements = lazy_module("chalicelib.modules.cases.supplements")
    transfers = lazy_module("chalicelib.modules.cases.transfers")
    topics = lazy_module("chalicelib.events.topics")
    trail = lazy_module("chalicelib.modules.cases.trail")

__all__ = [
    "access",
    "calculator",
    "cases",
    "deadlines",
    "einformacja",
    "fee",
    "forwarding",
    "forwards",
    "handling",
    "lifecycle",
    "logic",
    "lookup",
    "lookup_limits",
    "models",
    "notices",
    "office_files",
    "overdue",
    "paper",
    "paper_cases",
    "paper_store",
    "payment_outbox",
    "payment_requests",
    "payment_store",
    "repository",
    "retention",
    "retention_store",
    "retention_stores",
    "settlements",
    "supplements",
    "topics",
    "trail",
    "transfers",
]


@lru_cache(maxsize=1)
def cases() -> repository.DynamoCases:
    return repository.DynamoCases()


@lru_cache(maxsize=1)
def forwards() -> transfers.DynamoForwards:
    return transfers.DynamoForwards(cases())


@lru_cache(maxsize=1)
def paper_cases() -> paper_store.DynamoPaperCases:
    return paper_store.DynamoPaperCases()


@lru_cache(maxsize=1)
def lookup_limits() -> paper_store.DynamoLookupLimits:
    return paper_store.DynamoLookupLimits()


@lru_cache(maxsize=1)
def retention_stores() -> tuple[retention_store.DynamoRetention, retention_store.StoredDocuments]:
    return retention_store.DynamoRetention(cases()), retention_store.StoredDocuments()


@lru_cache(maxsize=1)
def payment_outbox() -> payment_store.DynamoPaymentRequests:
    return payment_store.DynamoPaymentRequests()

"""Cached factories for the stores and clients the routes and workers use (one per warm container)."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.core.settings import get_settings
from chalicelib.db.metering import DynamoUsageSink
from chalicelib.integrations.mail import SesMailer
from chalicelib.integrations.queue import SqsPublisher
from chalicelib.services.catalogue.repository import DynamoCatalogue
from chalicelib.services.tenants.repository import DynamoTenantStore


@lru_cache(maxsize=1)
def catalogue() -> DynamoCatalogue:
    return DynamoCatalogue()


@lru_cache(maxsize=1)
def tenant_store() -> DynamoTenantStore:
    return DynamoTenantStore()


@lru_cache(maxsize=1)
def publisher() -> SqsPublisher:
    return SqsPublisher()


@lru_cache(maxsize=1)
def mailer() -> SesMailer:
    return SesMailer(get_settings().mail_from)


@lru_cache(maxsize=1)
def usage_sink() -> DynamoUsageSink:
    return DynamoUsageSink()

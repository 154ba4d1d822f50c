"""The tenants module's store, built on first use (one per warm container)."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.modules.tenants.repository import DynamoTenantStore


@lru_cache(maxsize=1)
def tenant_store() -> DynamoTenantStore:
    return DynamoTenantStore()

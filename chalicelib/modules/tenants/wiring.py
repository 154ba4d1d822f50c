"""The tenants module's heavy parts and store, loaded on first use (the store: one per warm container).

`import app` must register every route, not load what the views use: the pydantic models and the PynamoDB
tables load with the first request or message that needs them (chalicelib.core.lazy). The package imports
this file first, so `from chalicelib.modules.tenants import logic` anywhere gets the same lazy module.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib.core.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.events import topics
    from chalicelib.modules.tenants import logic, models, repository
else:
    logic = lazy_module("chalicelib.modules.tenants.logic")
    models = lazy_module("chalicelib.modules.tenants.models")
    repository = lazy_module("chalicelib.modules.tenants.repository")
    topics = lazy_module("chalicelib.events.topics")

__all__ = ["logic", "models", "repository", "tenant_store", "topics"]


@lru_cache(maxsize=1)
def tenant_store() -> repository.DynamoTenantStore:
    return repository.DynamoTenantStore()

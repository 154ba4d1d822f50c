"""The audit module's heavy parts and store, loaded on first use (the store: one per warm container, with the
last head of each JST's chain it saw)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib.core.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.modules.audit import models, repository
else:
    models = lazy_module("chalicelib.modules.audit.models")
    repository = lazy_module("chalicelib.modules.audit.repository")

__all__ = ["chain", "models", "repository"]


@lru_cache(maxsize=1)
def chain() -> repository.DynamoAuditChain:
    return repository.DynamoAuditChain()

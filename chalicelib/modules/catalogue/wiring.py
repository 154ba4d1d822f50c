"""The catalogue module's heavy parts and store, loaded on first use (the store: one per warm container).

`import app` must register every route, not load what the views use: the pydantic models and the PynamoDB
table load with the first request that needs them (chalicelib.core.lazy). The package imports this file
first, so `from chalicelib.modules.catalogue import logic` anywhere gets the same lazy module.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib.core.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.modules.catalogue import logic, models, repository
else:
    logic = lazy_module("chalicelib.modules.catalogue.logic")
    models = lazy_module("chalicelib.modules.catalogue.models")
    repository = lazy_module("chalicelib.modules.catalogue.repository")

__all__ = ["catalogue", "logic", "models", "repository"]


@lru_cache(maxsize=1)
def catalogue() -> repository.DynamoCatalogue:
    return repository.DynamoCatalogue()

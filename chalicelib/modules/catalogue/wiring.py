"""The catalogue module's store, built on first use (one per warm container)."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.modules.catalogue.repository import DynamoCatalogue


@lru_cache(maxsize=1)
def catalogue() -> DynamoCatalogue:
    return DynamoCatalogue()

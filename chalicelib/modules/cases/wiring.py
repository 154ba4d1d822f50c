"""The cases module's store, built on first use (one per warm container)."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.modules.cases.repository import DynamoCases


@lru_cache(maxsize=1)
def cases() -> DynamoCases:
    return DynamoCases()

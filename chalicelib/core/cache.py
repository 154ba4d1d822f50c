"""A value loaded on demand and kept for a while in the warm container."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Expiring(Generic[T]):
    """Calls `load` on first use and again once `ttl_seconds` have passed since the last load."""

    def __init__(self, load: Callable[[], T], ttl_seconds: float) -> None:
        self._load = load
        self._ttl = ttl_seconds
        self._value: T | None = None
        self._loaded_at = float("-inf")

    def get(self) -> T:
        if self._value is None or time.monotonic() - self._loaded_at >= self._ttl:
            self._value = self._load()
            self._loaded_at = time.monotonic()
        return self._value

    def clear(self) -> None:
        self._value = None

"""The container cache behind the catalogue and the JST directory."""

from __future__ import annotations

from chalicelib.core.cache import Expiring


def test_loads_once_within_ttl_and_again_after_clear() -> None:
    loads: list[int] = []
    cache = Expiring(lambda: loads.append(1) or len(loads), ttl_seconds=60)
    assert (cache.get(), cache.get()) == (1, 1)
    cache.clear()
    assert cache.get() == 2


def test_zero_ttl_loads_every_time() -> None:
    loads: list[int] = []
    cache = Expiring(lambda: loads.append(1) or len(loads), ttl_seconds=0)
    assert [cache.get(), cache.get(), cache.get()] == [1, 2, 3]

"""The costs module's store: the metering reader, one per warm container."""

from __future__ import annotations

from functools import lru_cache

from chalicelib.modules.costs.repository import DynamoMeteringReader, MeteringReader


@lru_cache(maxsize=1)
def metering_reader() -> MeteringReader:
    return DynamoMeteringReader()

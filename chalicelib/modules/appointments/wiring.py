"""e-wizyta's heavy parts and store, loaded on first use (the store: one per warm container)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib.core.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.modules.appointments import booking, logic, models, notices, repository
else:
    booking = lazy_module("chalicelib.modules.appointments.booking")
    logic = lazy_module("chalicelib.modules.appointments.logic")
    models = lazy_module("chalicelib.modules.appointments.models")
    notices = lazy_module("chalicelib.modules.appointments.notices")
    repository = lazy_module("chalicelib.modules.appointments.repository")

__all__ = ["booking", "bookings", "is_holiday", "logic", "models", "notices", "repository"]


@lru_cache(maxsize=1)
def bookings() -> repository.DynamoAppointments:
    return repository.DynamoAppointments()


def is_holiday(day: object) -> bool:
    """The office takes no visits on public holidays: the KPA clock's calendar (the case register's)."""
    from datetime import date

    from chalicelib.modules import cases

    assert isinstance(day, date)
    return cases.is_public_holiday(day)

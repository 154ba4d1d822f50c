"""When a case is due under the KPA: art. 35 (1 and 2 months), art. 217 §3 (certificate, 7 days), art. 57.

Pure date arithmetic. The clock starts on the date of the proof of receipt (art. 61 §3a). Periods that do
not count (art. 35 §5: suspension, delays caused by the party) are tracked elsewhere and added with
``paused_days`` or ``extend``.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

from chalicelib.model.service import DeadlineKind

DEADLINE_LABEL: dict[DeadlineKind, str] = {
    DeadlineKind.NIEZWLOCZNIE: "niezwłocznie",
    DeadlineKind.SIEDEM_DNI: "7 dni",
    DeadlineKind.JEDEN_MIESIAC: "1 miesiąc",
    DeadlineKind.DWA_MIESIACE: "2 miesiące",
}
DEADLINE_BASIS: dict[DeadlineKind, str] = {
    DeadlineKind.NIEZWLOCZNIE: "art. 35 § 2 KPA",
    DeadlineKind.SIEDEM_DNI: "art. 217 § 3 KPA",
    DeadlineKind.JEDEN_MIESIAC: "art. 35 § 3 KPA",
    DeadlineKind.DWA_MIESIACE: "art. 35 § 3 KPA",
}

_DAYS: dict[DeadlineKind, int] = {DeadlineKind.SIEDEM_DNI: 7}
_MONTHS: dict[DeadlineKind, int] = {DeadlineKind.JEDEN_MIESIAC: 1, DeadlineKind.DWA_MIESIACE: 2}
_SATURDAY = 5


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    # Statutory days off (ustawa o dniach wolnych od pracy), public category only; Christmas Eve from 2025.
    # A frozen set per year: the HolidayBase object itself grows when asked about other years.
    import holidays  # only the registration worker needs it; the HTTP functions skip it at cold start

    return frozenset(holidays.country_holidays("PL", years=year).keys())


def is_public_holiday(day: date) -> bool:
    """A statutory day off (whatever the weekday): the calendar the KPA clock uses, also for the office's hours."""
    return day in _public_holidays(day.year)


def is_working_day(day: date) -> bool:
    """False on Saturday, Sunday and Polish public holidays."""
    return day.weekday() < _SATURDAY and day not in _public_holidays(day.year)


def next_working_day(day: date) -> date:
    """The day itself if it is a working day, else the first working day after it (art. 57 §4)."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def _add_months(started: date, months: int) -> date:
    # Art. 57 §3: the day of the last month with the same number, or that month's last day if there is none.
    index = started.month - 1 + months
    year, month = started.year + index // 12, index % 12 + 1
    return date(year, month, min(started.day, calendar.monthrange(year, month)[1]))


def _calendar_end(kind: DeadlineKind, started: date) -> date | None:
    if kind in _DAYS:
        # Art. 57 §1: the starting day is not counted; the deadline ends when its last day passes.
        return started + timedelta(days=_DAYS[kind])
    if kind in _MONTHS:
        return _add_months(started, _MONTHS[kind])
    return None  # niezwłocznie: no calendar date


def counted_end(kind: DeadlineKind, started: date, *, paused_days: int = 0) -> date | None:
    """The end before a Saturday or day off moves it: the calendar end plus the days that did not count."""
    end = _calendar_end(kind, started)
    return None if end is None else end + timedelta(days=paused_days)


def due_date(kind: DeadlineKind, started: date, *, paused_days: int = 0) -> date | None:
    """The last day to settle the case; None for NIEZWLOCZNIE.

    ``paused_days`` (art. 35 §5) are calendar days added to the computed end before art. 57 §4 moves it
    off a Saturday, Sunday or holiday. Prefer this over ``extend`` when the start date is known: it
    adds the pause to the unmoved end, so a pause is not counted from a Monday the end was moved to.
    """
    if paused_days < 0:
        raise ValueError("paused_days must not be negative")
    end = _calendar_end(kind, started)
    if end is None:
        return None
    return next_working_day(end + timedelta(days=paused_days))


def extend(due: date, paused_days: int) -> date:
    """Push a due date by the calendar days the clock was stopped, then re-apply art. 57 §4."""
    if paused_days < 0:
        raise ValueError("paused_days must not be negative")
    return next_working_day(due + timedelta(days=paused_days))

"""e-wizyta's rules: the slots of a counter's day, what may be booked, cancelled or moved and when; pure.

A slot is a counter's time on the grid of its opening hours (Warsaw wall-clock time, so a visit at 09:00 stays at
09:00 across a change of time): named `<YYYY-MM-DD>T<HH:MM>`. The office takes no visits on public holidays (the
KPA clock's calendar, given as `is_holiday`) nor on the JST's extra closed days.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from chalicelib.core.clock import WARSAW
from chalicelib.core.errors import Conflict, NotFound, Unprocessable
from chalicelib.model.appointments import WEEKDAYS, AppointmentsSetting, Counter
from chalicelib.model.tenant import TenantConfig

Holiday = Callable[[date], bool]
MAX_RANGE_DAYS = 31  # one free-slot query covers at most a month
MAX_SLOTS = 500  # and answers at most this many, the earliest (a busy month of many counters would be megabytes)


@dataclass(frozen=True)
class Slot:
    counter: str
    start: datetime  # aware, Europe/Warsaw
    end: datetime
    capacity: int
    taken: int = 0

    @property
    def key(self) -> str:
        return slot_key(self.start)

    @property
    def free(self) -> int:
        return max(self.capacity - self.taken, 0)


def slot_key(start: datetime) -> str:
    return start.astimezone(WARSAW).strftime("%Y-%m-%dT%H:%M")


def parse_slot(value: str, field: str = "start") -> datetime:
    """A slot's name as the API takes it (`2026-12-03T09:15`, Warsaw time) -> an aware datetime; 422 otherwise."""
    try:
        naive = datetime.strptime(value, "%Y-%m-%dT%H:%M")
    except (TypeError, ValueError):
        raise _invalid(field, "invalid_slot", "Termin ma postać RRRR-MM-DDTGG:MM (czas warszawski).") from None
    if not 2000 <= naive.year <= 2100:  # no office books outside this century (and no date arithmetic overflows)
        raise _invalid(field, "slot_not_offered", "W tym terminie stanowisko nie przyjmuje.")
    return naive.replace(tzinfo=WARSAW)


def _exists(local: datetime) -> bool:
    """False for a wall-clock time the spring change of time skips (02:00-03:00 on the last Sunday of March)."""
    return local.astimezone(UTC).astimezone(WARSAW).replace(tzinfo=None) == local.replace(tzinfo=None)


def setting_of(config: TenantConfig) -> AppointmentsSetting:
    """The JST's booking setting; 404 `appointments_not_offered` where the JST offers none."""
    if config.appointments is None:
        raise NotFound(f"{config.name} nie prowadzi rezerwacji wizyt w urzędzie.", code="appointments_not_offered")
    return config.appointments


def counters_of(setting: AppointmentsSetting, topic: str) -> list[Counter]:
    found = setting.counters_of(topic)
    if not found:
        raise NotFound("Tej sprawy nie można zarezerwować w tym urzędzie.", code="topic_not_found")
    return found


def is_open(setting: AppointmentsSetting, day: date, is_holiday: Holiday) -> bool:
    return day not in setting.closed_days and not is_holiday(day)


def day_grid(counter: Counter, day: date) -> Iterator[tuple[datetime, datetime]]:
    """The counter's slots of `day` by its weekly hours (holidays not considered): (start, end), Warsaw time."""
    step = timedelta(minutes=counter.slot_minutes)
    for opening in sorted(counter.hours.get(WEEKDAYS[day.weekday()], []), key=lambda r: r.start):
        at, end = datetime.combine(day, opening.start), datetime.combine(day, opening.end)
        while at + step <= end:
            start, stop = at.replace(tzinfo=WARSAW), (at + step).replace(tzinfo=WARSAW)
            if _exists(start) and _exists(stop):
                yield start, stop
            at += step


@dataclass(frozen=True)
class Window:
    """When a slot may still be booked: from `earliest` (now + the hours before) to the end of `last_day`."""

    earliest: datetime
    last_day: date

    @classmethod
    def of(cls, setting: AppointmentsSetting, now: datetime) -> Window:
        today = now.astimezone(WARSAW).date()
        return cls(earliest=now + timedelta(hours=setting.book_until_hours),
                   last_day=today + timedelta(days=setting.book_ahead_days))


def free_slots(setting: AppointmentsSetting, topic: str, *, first: date, last: date, now: datetime,
               is_holiday: Holiday, taken: Mapping[tuple[str, str], int]) -> list[Slot]:
    """The topic's slots from `first` to `last` (Warsaw days) that may be booked now and have a free place,
    earliest first; `taken`: places taken per (counter, slot key)."""
    if last < first:
        raise _invalid("to", "range_reversed", "Data końcowa nie może być wcześniejsza niż początkowa.")
    if (last - first).days >= MAX_RANGE_DAYS:
        raise _invalid("to", "range_too_long", f"Jednym zapytaniem można objąć najwyżej {MAX_RANGE_DAYS} dni.")
    window = Window.of(setting, now)
    found: list[Slot] = []
    for counter in counters_of(setting, topic):
        day = first
        while day <= min(last, window.last_day):
            if is_open(setting, day, is_holiday):
                for start, end in day_grid(counter, day):
                    slot = Slot(counter.id, start, end, counter.capacity, taken.get((counter.id, slot_key(start)), 0))
                    if start >= window.earliest and slot.free:
                        found.append(slot)
            day += timedelta(days=1)
    return sorted(found, key=lambda s: (s.start, s.counter))[:MAX_SLOTS]


def bookable(setting: AppointmentsSetting, *, topic: str, counter_id: str, start: datetime, now: datetime,
             is_holiday: Holiday) -> Slot:
    """The slot to book, if the counter offers the topic there and it is within the window; 404/422 otherwise
    (whether a place is free is the transaction's to say)."""
    counter = next((c for c in counters_of(setting, topic) if c.id == counter_id), None)
    if counter is None:
        raise _invalid("counter", "counter_not_offering", "Na tym stanowisku nie można zarezerwować tej sprawy.")
    day = start.date()
    grid = dict(day_grid(counter, day)) if is_open(setting, day, is_holiday) else {}
    if start not in grid:
        raise _invalid("start", "slot_not_offered", "W tym terminie stanowisko nie przyjmuje (poza godzinami "
                                                    "otwarcia, w dzień wolny lub poza siatką terminów).")
    window = Window.of(setting, now)
    if start < window.earliest:
        raise _invalid("start", "too_late_to_book", f"Termin można zarezerwować najpóźniej "
                                                    f"{setting.book_until_hours} godz. przed wizytą.")
    if day > window.last_day:
        raise _invalid("start", "too_far_ahead", f"Można rezerwować najwyżej {setting.book_ahead_days} dni naprzód.")
    return Slot(counter.id, start, grid[start], counter.capacity)


def may_change(setting: AppointmentsSetting, start: datetime, now: datetime) -> None:
    """A booking is cancelled or moved up to `cancel_until_hours` before its slot; 409 `too_late_to_change` after."""
    if now > start - timedelta(hours=setting.cancel_until_hours):
        raise Conflict(f"Wizytę można odwołać lub przełożyć najpóźniej {setting.cancel_until_hours} godz. przed "
                       f"terminem.", code="too_late_to_change")


def booking_id(owner: str, idempotency_key: str) -> str:
    """The booking's id from its owner and Idempotency-Key: a repeated request names the same booking."""
    return hashlib.sha256(f"{owner}\n{idempotency_key}".encode()).hexdigest()[:32]


def fingerprint(topic: str, counter: str, start: datetime) -> str:
    return f"{topic}|{counter}|{slot_key(start)}"


def reminder_day(start: datetime) -> date:
    """The Warsaw day the reminder goes out: the day before the visit."""
    return start.astimezone(WARSAW).date() - timedelta(days=1)


class SlotFull(Conflict):
    code = "slot_full"
    message = "Ten termin jest już zajęty. Wybierz inny."


class AlreadyThatDay(Conflict):
    code = "already_booked_that_day"
    message = "Masz już rezerwację tej sprawy w tym dniu. Odwołaj ją lub przełóż, aby wybrać inny termin."


class KeyReused(Conflict):
    code = "idempotency_key_reused"
    message = "Ten klucz Idempotency-Key użyto już dla innej rezerwacji."


class NotBooked(Conflict):
    code = "booking_not_active"
    message = "Ta rezerwacja została już odwołana."


def booking_not_found() -> NotFound:
    return NotFound("Nie ma takiej rezerwacji.", code="booking_not_found")


def _invalid(field: str, code: str, message: str) -> Unprocessable:
    return Unprocessable(message, details=[{"field": field, "code": code, "message": message}])

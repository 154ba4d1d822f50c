"""A JST's e-wizyta setting: its counters (stanowiska), what each books, when each is open, and the limits.

Shared model: the tenant configuration carries it (`TenantConfig.appointments`; None: the JST offers no booking).
"""

from __future__ import annotations

from datetime import date, time
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from chalicelib.model.service import DeptSymbol, ServiceId

# Path segments beside `{topic}` under /v1/tenants/{terc}/appointments: no topic may be named so.
RESERVED_TOPICS = frozenset({"day", "bookings"})
TopicId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=60)]
CounterId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=40)]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OpeningRange(_Strict):
    start: time = Field(description="Początek (HH:MM, czas warszawski).")
    end: time = Field(description="Koniec (HH:MM); ostatnia wizyta kończy się najpóźniej wtedy.")

    @model_validator(mode="after")
    def _ordered(self) -> OpeningRange:
        if self.end <= self.start:
            raise ValueError("Koniec godzin otwarcia musi być późniejszy niż początek.")
        return self


class Topic(_Strict):
    """What can be booked: a catalogue service (`service`) or a free topic (only `name`)."""

    id: TopicId
    name: str = Field(min_length=3, max_length=120)
    service: ServiceId | None = None

    @model_validator(mode="after")
    def _not_reserved(self) -> Topic:
        if self.id in RESERVED_TOPICS:
            raise ValueError(f"Identyfikator sprawy „{self.id}” jest zastrzeżony.")
        return self


class Counter(_Strict):
    """One stanowisko: its department (whose clerks serve it), topics, weekly hours, slot length and capacity."""

    id: CounterId
    name: str = Field(min_length=3, max_length=120)
    department: DeptSymbol
    topics: list[Topic] = Field(min_length=1, max_length=50)
    hours: dict[Weekday, list[OpeningRange]] = Field(description="Godziny otwarcia w dniach tygodnia (kilka zakresów).")
    slot_minutes: int = Field(ge=5, le=240)
    capacity: int = Field(ge=1, le=50, description="Ile osób może zarezerwować ten sam termin.")

    @model_validator(mode="after")
    def _ranges_apart(self) -> Counter:
        for day, ranges in self.hours.items():
            ordered = sorted(ranges, key=lambda r: r.start)
            if any(b.start < a.end for a, b in pairwise(ordered)):
                raise ValueError(f"Godziny otwarcia w dniu „{day}” nakładają się.")
        ids = [t.id for t in self.topics]
        if len(ids) != len(set(ids)):
            raise ValueError("Sprawa może wystąpić na stanowisku tylko raz.")
        return self

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)


class AppointmentsSetting(_Strict):
    counters: list[Counter] = Field(min_length=1, max_length=30)
    closed_days: list[date] = Field(default=[], max_length=366,
                                    description="Dodatkowe dni, w które urząd nie przyjmuje.")
    book_ahead_days: int = Field(default=30, ge=1, le=180, description="Na ile dni naprzód można rezerwować.")
    book_until_hours: int = Field(default=2, ge=0, le=168,
                                  description="Najpóźniej ile godzin przed terminem można go zarezerwować.")
    cancel_until_hours: int = Field(default=2, ge=0, le=168,
                                    description="Najpóźniej ile godzin przed terminem można go odwołać lub zmienić.")

    @model_validator(mode="after")
    def _unique(self) -> AppointmentsSetting:
        ids = [c.id for c in self.counters]
        if len(ids) != len(set(ids)):
            raise ValueError("Identyfikatory stanowisk muszą być unikalne.")
        names: dict[str, str] = {}
        for c in self.counters:
            for t in c.topics:
                if names.setdefault(t.id, t.name) != t.name:
                    raise ValueError(f"Sprawa „{t.id}” ma na różnych stanowiskach różne nazwy.")
        return self

    def counter(self, counter_id: str) -> Counter | None:
        return next((c for c in self.counters if c.id == counter_id), None)

    def counters_of(self, topic_id: str) -> list[Counter]:
        return [c for c in self.counters if c.topic(topic_id) is not None]

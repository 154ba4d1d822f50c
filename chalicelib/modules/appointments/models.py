"""e-wizyta's API models and the booking as stored."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from chalicelib.model.appointments import AppointmentsSetting, CounterId, TopicId
from chalicelib.model.tenant import Email, Terc

SlotName = str  # YYYY-MM-DDTHH:MM, Warsaw time (checked by logic.parse_slot, 422 at the field)
Status = Literal["zarezerwowana", "odwolana"]
Attendance = Literal["przyszedl", "nie_przyszedl"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BookIn(_In):
    terc: Terc = Field(description="Kod TERC urzędu.")
    topic: TopicId
    counter: CounterId
    start: SlotName = Field(max_length=16, description="Termin: RRRR-MM-DDTGG:MM (czas warszawski).")
    email: Email | None = Field(default=None, max_length=254,
                                description="Adres, na który przyjdzie potwierdzenie z plikiem kalendarza.")


class MoveIn(_In):
    counter: CounterId
    start: SlotName = Field(max_length=16, description="Nowy termin: RRRR-MM-DDTGG:MM (czas warszawski).")


class AttendanceIn(_In):
    came: bool = Field(description="true: przyszedł(-ła); false: nie przyszedł(-ła).")


class Booking(BaseModel):
    """One booking as stored and as the resident sees it."""

    booking_id: str
    terc: str
    office_name: str
    owner: str
    name: str | None = None  # the resident, as the token names them (the clerk's list shows it)
    email: str | None = None
    topic: str
    topic_name: str
    counter: str
    counter_name: str
    department: str
    start: datetime
    end: datetime
    status: Status = "zarezerwowana"
    attendance: Attendance | None = None
    sequence: int = 0  # the calendar file's SEQUENCE: every move adds one
    request: str  # what was asked under the Idempotency-Key (topic|counter|slot)
    created_at: datetime
    cancelled_at: datetime | None = None
    reminded_at: datetime | None = None


class BookingView(BaseModel):
    booking_id: str
    terc: str
    office_name: str
    topic: str
    topic_name: str
    counter: str
    counter_name: str
    start: datetime
    end: datetime
    status: Status
    status_label: str
    attendance: Attendance | None = None


class BookingList(BaseModel):
    items: list[BookingView]
    count: int


class OfferedTopic(BaseModel):
    id: str
    name: str
    service: str | None = None


class OfferedCounter(BaseModel):
    id: str
    name: str
    department: str
    slot_minutes: int
    capacity: int
    topics: list[OfferedTopic]


class Offer(BaseModel):
    terc: str
    office_name: str
    counters: list[OfferedCounter]
    topics: list[OfferedTopic]
    book_ahead_days: int
    book_until_hours: int
    cancel_until_hours: int


class FreeSlot(BaseModel):
    counter: str
    counter_name: str
    start: str = Field(description="RRRR-MM-DDTGG:MM (czas warszawski): podaj go przy rezerwacji.")
    starts_at: datetime
    ends_at: datetime
    free: int


class FreeSlots(BaseModel):
    terc: str
    topic: str
    topic_name: str
    first: date
    last: date
    items: list[FreeSlot]
    count: int


FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)  # what a booking can name (no date arithmetic overflows)


class SlotsQuery(BaseModel):
    """Query parameters of the free-slot list."""

    from_: date | None = Field(default=None, alias="from", ge=FIRST_DAY, le=LAST_DAY,
                               description="Pierwszy dzień (domyślnie dziś).")
    to: date | None = Field(default=None, ge=FIRST_DAY, le=LAST_DAY,
                            description="Ostatni dzień (domyślnie 6 dni po pierwszym; najwyżej 31).")


class DayQuery(BaseModel):
    """Query parameters of the clerk's day list."""

    day: date = Field(alias="date", ge=FIRST_DAY, le=LAST_DAY, description="Dzień (czas warszawski).")
    counter: CounterId | None = Field(
        default=None, description="Jedno stanowisko (domyślnie wszystkie stanowiska komórki urzędnika).")


class DayEntry(BaseModel):
    booking_id: str
    counter: str
    counter_name: str
    topic: str
    topic_name: str
    start: datetime
    end: datetime
    name: str | None = None
    status: Status
    attendance: Attendance | None = None


class DayList(BaseModel):
    terc: str
    day: date
    counters: list[OfferedCounter]
    items: list[DayEntry]
    count: int


class CalendarFile(BaseModel):
    filename: str
    content_type: str
    ics: str = Field(description="Plik iCalendar (RFC 5545), METHOD:REQUEST lub CANCEL.")


class SettingIn(_In):
    appointments: AppointmentsSetting | None = Field(
        description="Ustawienia e-wizyty; null: JST nie prowadzi rezerwacji.")


class SettingChanged(BaseModel):
    version: int
    appointments: dict[str, object] | None
    audit_event: str


STATUS_LABEL = {"zarezerwowana": "Zarezerwowana", "odwolana": "Odwołana"}


def view_of(booking: Booking) -> BookingView:
    return BookingView(**booking.model_dump(include=set(BookingView.model_fields)),
                       status_label=STATUS_LABEL[booking.status])

"""e-wizyta's operations over its store: book, cancel, move, the clerk's day and attendance, the notices and the
reminder. Each change is one write of the store (a transaction); its notice is marked in that write and queued
after it (mark-and-sweep: the sweeper sends a notice whose queueing failed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Protocol

from chalicelib import events
from chalicelib.core.clock import WARSAW
from chalicelib.core.errors import Forbidden, Unprocessable
from chalicelib.core.observability import logger
from chalicelib.events.topics import AppointmentNotice
from chalicelib.integrations.mail import Mail
from chalicelib.model.appointments import AppointmentsSetting, Counter
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules.appointments import logic, models, notices
from chalicelib.modules.appointments.models import BookIn, Booking, MoveIn


class Store(Protocol):
    def taken(self, terc: str, counter: str, first: str, last: str) -> dict[str, int]: ...
    def get(self, booking_id: str) -> Booking | None: ...
    def of_owner(self, owner: str) -> list[Booking]: ...
    def of_day(self, terc: str, day: str) -> list[Booking]: ...
    def book(self, booking: Booking, capacity: int, notice: AppointmentNotice,
             now: datetime) -> tuple[Booking, bool]: ...
    def cancel(self, booking: Booking, cancelled: Booking, notice: AppointmentNotice, now: datetime) -> None: ...
    def move(self, booking: Booking, moved: Booking, capacity: int, notice: AppointmentNotice,
             now: datetime) -> None: ...
    def record(self, booking: Booking, changed: Booking, now: datetime) -> None: ...
    def delivered(self, event: AppointmentNotice) -> None: ...
    def to_remind(self, day: str) -> list[str]: ...
    def take_reminder(self, booking_id: str, now: datetime, lease: timedelta) -> bool: ...
    def mark_reminded(self, booking_id: str, taken: datetime) -> None: ...
    def give_back_reminder(self, booking_id: str, taken: datetime) -> None: ...


class Mailer(Protocol):
    def send(self, mail: Mail) -> str: ...


Holiday = Callable[[date], bool]
REMINDER_LEASE = timedelta(minutes=10)  # longer than a run (30 s), shorter than the 15 minutes to the next one


def offer(config: TenantConfig) -> models.Offer:
    setting = logic.setting_of(config)
    topics = {t.id: t for c in setting.counters for t in c.topics}
    return models.Offer(terc=config.terc, office_name=config.office_name,
                        counters=[_counter_view(c) for c in setting.counters],
                        topics=[models.OfferedTopic(**t.model_dump()) for t in topics.values()],
                        book_ahead_days=setting.book_ahead_days, book_until_hours=setting.book_until_hours,
                        cancel_until_hours=setting.cancel_until_hours)


def _counter_view(c: Counter) -> models.OfferedCounter:
    return models.OfferedCounter(id=c.id, name=c.name, department=c.department, slot_minutes=c.slot_minutes,
                                 capacity=c.capacity, topics=[models.OfferedTopic(**t.model_dump()) for t in c.topics])


def free_slots(store: Store, config: TenantConfig, topic: str, query: models.SlotsQuery, *, now: datetime,
               is_holiday: Holiday) -> models.FreeSlots:
    setting = logic.setting_of(config)
    counters = logic.counters_of(setting, topic)
    first = query.from_ or now.astimezone(WARSAW).date()
    last = query.to or first + timedelta(days=6)
    taken: dict[tuple[str, str], int] = {}
    if first <= last <= first + timedelta(days=logic.MAX_RANGE_DAYS):
        for c in counters:  # one Query per counter for the whole period
            found = store.taken(config.terc, c.id, f"{first.isoformat()}T00:00", f"{last.isoformat()}T23:59")
            taken.update({(c.id, slot): n for slot, n in found.items()})
    slots = logic.free_slots(setting, topic, first=first, last=last, now=now, is_holiday=is_holiday, taken=taken)
    names = {c.id: c.name for c in counters}
    items = [models.FreeSlot(counter=s.counter, counter_name=names[s.counter], start=s.key, starts_at=s.start,
                             ends_at=s.end, free=s.free) for s in slots]
    topic_name = next(t.name for t in counters[0].topics if t.id == topic)
    return models.FreeSlots(terc=config.terc, topic=topic, topic_name=topic_name, first=first, last=last,
                            items=items, count=len(items))


def book(store: Store, config: TenantConfig, body: BookIn, *, owner: str, name: str | None, key: str,
         now: datetime, is_holiday: Holiday) -> tuple[Booking, bool]:
    setting = logic.setting_of(config)
    start = logic.parse_slot(body.start)
    slot = logic.bookable(setting, topic=body.topic, counter_id=body.counter, start=start, now=now,
                          is_holiday=is_holiday)
    counter = setting.counter(slot.counter)
    assert counter is not None  # bookable() found it
    topic = counter.topic(body.topic)
    assert topic is not None
    booking = Booking(booking_id=logic.booking_id(owner, key), terc=config.terc, office_name=config.office_name,
                      owner=owner, name=name, email=body.email, topic=topic.id, topic_name=topic.name,
                      counter=counter.id, counter_name=counter.name, department=counter.department, start=slot.start,
                      end=slot.end, request=logic.fingerprint(topic.id, counter.id, slot.start), created_at=now)
    notice = _notice(booking, "potwierdzenie")
    stored, replayed = store.book(booking, slot.capacity, notice, now)
    if not replayed:
        _queue(store, notice)
    return stored, replayed


def own(store: Store, owner: str, booking_id: str) -> Booking:
    booking = store.get(booking_id)
    if booking is None or booking.owner != owner:
        raise logic.booking_not_found()
    return booking


def cancel(store: Store, config_of: Callable[[str], TenantConfig], *, owner: str, booking_id: str,
           now: datetime) -> Booking:
    booking = own(store, owner, booking_id)
    if booking.status != "zarezerwowana":
        raise logic.NotBooked()
    setting = config_of(booking.terc).appointments  # a JST that stopped booking still lets its visits be cancelled
    if setting is not None:
        logic.may_change(setting, booking.start, now)
    cancelled = booking.model_copy(update={"status": "odwolana", "cancelled_at": now,
                                           "sequence": booking.sequence + 1})
    notice = _notice(cancelled, "odwolanie")
    store.cancel(booking, cancelled, notice, now)
    _queue(store, notice)
    return cancelled


def move(store: Store, config_of: Callable[[str], TenantConfig], *, owner: str, booking_id: str, body: MoveIn,
         now: datetime, is_holiday: Holiday) -> Booking:
    booking = own(store, owner, booking_id)
    if booking.status != "zarezerwowana":
        raise logic.NotBooked()
    config = config_of(booking.terc)
    setting = logic.setting_of(config)
    logic.may_change(setting, booking.start, now)
    start = logic.parse_slot(body.start)
    if body.counter == booking.counter and start == booking.start:
        message = "To jest obecny termin wizyty; wybierz inny."
        raise Unprocessable(message, details=[{"field": "start", "code": "same_slot", "message": message}])
    slot = logic.bookable(setting, topic=booking.topic, counter_id=body.counter, start=start, now=now,
                          is_holiday=is_holiday)
    counter = setting.counter(slot.counter)
    assert counter is not None
    moved = booking.model_copy(update={"counter": counter.id, "counter_name": counter.name,
                                       "department": counter.department, "start": slot.start, "end": slot.end,
                                       "sequence": booking.sequence + 1, "reminded_at": None})
    notice = _notice(moved, "zmiana")
    store.move(booking, moved, slot.capacity, notice, now)
    _queue(store, notice)
    return moved


def _notice(booking: Booking, kind: str) -> AppointmentNotice:
    return AppointmentNotice(terc=booking.terc, booking_id=booking.booking_id, kind=kind, sequence=booking.sequence)


def _queue(store: Store, notice: AppointmentNotice) -> None:
    if events.publish(notice) is not None:
        store.delivered(notice)


# --- the clerk ---------------------------------------------------------------------------------------------------

def clerk_counters(setting: AppointmentsSetting, department: str | None, counter: str | None) -> list[Counter]:
    """The counters a clerk serves: their department's (all for a clerk of no department); 403 for another's."""
    mine = [c for c in setting.counters if department is None or c.department == department]
    if counter is None:
        return mine
    found = setting.counter(counter)
    if found is None:
        message = "Nie ma takiego stanowiska."
        raise Unprocessable(message, details=[{"field": "counter", "code": "counter_not_found", "message": message}])
    if found not in mine:
        raise Forbidden("To stanowisko obsługuje inna komórka.", code="department_forbidden")
    return [found]


def day_list(store: Store, config: TenantConfig, query: models.DayQuery, *, department: str | None) -> models.DayList:
    counters = clerk_counters(logic.setting_of(config), department, query.counter)
    ids = {c.id for c in counters}
    items = [models.DayEntry(**b.model_dump(include=set(models.DayEntry.model_fields)))
             for b in store.of_day(config.terc, query.day.isoformat()) if b.counter in ids]
    items.sort(key=lambda e: (e.start, e.counter))
    return models.DayList(terc=config.terc, day=query.day, counters=[_counter_view(c) for c in counters],
                          items=items, count=len(items))


def attend(store: Store, config: TenantConfig, booking_id: str, came: bool, *, department: str | None,
           now: datetime) -> Booking:
    booking = store.get(booking_id)
    if booking is None or booking.terc != config.terc:
        raise logic.booking_not_found()
    logic.setting_of(config)  # a JST that stopped booking: 404 appointments_not_offered
    if department is not None and booking.department != department:
        raise Forbidden("Tę wizytę obsługuje inna komórka.", code="department_forbidden")
    if booking.status != "zarezerwowana":
        raise logic.NotBooked()
    if now.astimezone(WARSAW).date() < booking.start.astimezone(WARSAW).date():
        raise Unprocessable("Obecność można odnotować w dniu wizyty lub później.", code="visit_not_yet")
    changed = booking.model_copy(update={"attendance": "przyszedl" if came else "nie_przyszedl",
                                         "sequence": booking.sequence + 1})
    store.record(booking, changed, now)
    return changed


# --- notices and reminders ---------------------------------------------------------------------------------------

def notify(store: Store, mailer: Mailer, event: AppointmentNotice, *, now: datetime, organizer: str | None) -> bool:
    """E-mail the notice with the booking as it stands; a notice overtaken by a later change is dropped."""
    booking = store.get(event.booking_id)
    if booking is None or booking.sequence != event.sequence:
        logger.info("appointment notice overtaken by a later change", extra={"booking_id": event.booking_id})
        return False
    mail = notices.mail(booking, event.kind, now=now, organizer=organizer)  # type: ignore[arg-type]
    if mail is None:
        return False
    mailer.send(mail)
    return True


def remind(store: Store, mailer: Mailer, config_of: Callable[[str], TenantConfig], *, now: datetime) -> int:
    """Each booking of tomorrow its one reminder: taken for `REMINDER_LEASE` (of runs at once, one sends it) and
    marked sent once SES took it. A run killed (or refused by SES) before the mark leaves it to a run after the
    lease, so a reminder is never lost; a run killed between SES and the mark may so send it twice."""
    today = now.astimezone(WARSAW).date().isoformat()
    sent = 0
    for booking_id in store.to_remind(today):
        booking = store.get(booking_id)
        if booking is None or not store.take_reminder(booking_id, now, REMINDER_LEASE):
            continue
        mail = notices.mail(booking, "przypomnienie", now=now, organizer=config_of(booking.terc).contact.email)
        if mail is not None:
            try:
                mailer.send(mail)
            except Exception:
                logger.exception("reminder not sent; due again on the next run", extra={"booking_id": booking_id})
                store.give_back_reminder(booking_id, now)
                continue
            sent += 1
        store.mark_reminded(booking_id, now)
    return sent

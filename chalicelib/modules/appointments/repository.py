"""Bookings in DynamoDB. Booking, cancelling and moving are each ONE transaction: the slot's counter of places
(conditional: taken < capacity), the booking, and the guard of one booking per person, topic and day; so 50 people
racing for a slot of 3 places get exactly 3 bookings, and a refused request leaves nothing written."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import UpdateError

from chalicelib.core.clock import WARSAW
from chalicelib.core.errors import Conflict
from chalicelib.core.settings import get_settings
from chalicelib.db import transact
from chalicelib.db.transact import Write
from chalicelib.events import Due
from chalicelib.events.topics import AppointmentNotice
from chalicelib.modules.appointments import logic
from chalicelib.modules.appointments.models import Booking
from chalicelib.modules.appointments.resources import AppointmentTable as T

ITEM, OUTBOX, ATTEMPTS = "-", "1", 25


def slot_pk(terc: str, counter: str) -> str:
    return f"S#{terc}#{counter}"


def guard_pk(b: Booking) -> str:
    return f"G#{b.terc}#{b.owner}#{b.topic}#{b.start.astimezone(WARSAW).date().isoformat()}"


class Busy(Conflict):
    code = "slot_busy"
    message = "Zbyt wiele osób rezerwuje ten termin naraz; spróbuj ponownie za chwilę."


class DynamoAppointments:
    def __init__(self) -> None:
        self._connection = Connection(region=get_settings().region)

    # --- reads -------------------------------------------------------------------------------------------------
    def taken(self, terc: str, counter: str, first: str, last: str) -> dict[str, int]:
        """Places taken per slot of `counter` between the slot names `first` and `last` (one Query)."""
        return {i.sk: int(i.taken or 0) for i in T.query(slot_pk(terc, counter), T.sk.between(first, last))}

    def get(self, booking_id: str) -> Booking | None:
        try:
            item = T.get(f"B#{booking_id}", ITEM, consistent_read=True)
        except T.DoesNotExist:
            return None
        return _booking(item)

    def of_owner(self, owner: str) -> list[Booking]:
        return [_booking(i) for i in T.by_owner.query(owner) if i.record]

    def of_day(self, terc: str, day: str) -> list[Booking]:
        return [_booking(i) for i in T.by_day.query(f"{terc}#{day}") if i.record]

    # --- writes ------------------------------------------------------------------------------------------------
    def book(self, booking: Booking, capacity: int, notice: AppointmentNotice, now: datetime) -> tuple[Booking, bool]:
        """The booking written with its place and guard; (the booking, replayed). An earlier booking under the same
        id (the same Idempotency-Key) is answered as it stands when it asked for the same, else 409."""
        writes = [_take(booking, capacity), Write("booking", _item(booking, notice, now), kind="put",
                                                  condition=T.pk.does_not_exist()),
                  Write("guard", T(pk=guard_pk(booking), sk=ITEM, booking_id=booking.booking_id), kind="put",
                        condition=T.pk.does_not_exist())]
        for attempt in range(ATTEMPTS):
            try:
                transact.write(self._connection, writes)
                return booking, False
            except transact.Cancelled as exc:
                if exc.failed("booking"):
                    earlier = self.get(booking.booking_id)
                    if earlier is None or earlier.owner != booking.owner or earlier.request != booking.request:
                        raise logic.KeyReused() from None
                    return earlier, True
                _refused(exc, "guard", "slot")
                transact.backoff(attempt)
        raise Busy()

    def cancel(self, booking: Booking, cancelled: Booking, notice: AppointmentNotice, now: datetime) -> None:
        writes = [Write("booking", _item(cancelled, notice, now), kind="put", condition=_as_read(booking)),
                  _give_back(booking),
                  Write("guard", T(pk=guard_pk(booking), sk=ITEM), kind="delete",
                        condition=T.booking_id == booking.booking_id)]
        self._retry(writes, booking)

    def move(self, booking: Booking, moved: Booking, capacity: int, notice: AppointmentNotice, now: datetime) -> None:
        writes = [Write("booking", _item(moved, notice, now), kind="put", condition=_as_read(booking)),
                  _give_back(booking), _take(moved, capacity, "new-slot")]
        if guard_pk(moved) != guard_pk(booking):  # another day: the guard moves with it
            writes += [Write("old-guard", T(pk=guard_pk(booking), sk=ITEM), kind="delete",
                             condition=T.booking_id == booking.booking_id),
                       Write("guard", T(pk=guard_pk(moved), sk=ITEM, booking_id=moved.booking_id), kind="put",
                             condition=T.pk.does_not_exist())]
        self._retry(writes, booking)

    def record(self, booking: Booking, changed: Booking, now: datetime) -> None:
        """A change of the booking alone (attendance), on condition it is as read."""
        self._retry([Write("booking", _item(changed, None, now), kind="put", condition=_as_read(booking))], booking)

    def _retry(self, writes: list[Write], booking: Booking) -> None:
        for attempt in range(ATTEMPTS):
            try:
                transact.write(self._connection, writes)
                return
            except transact.Cancelled as exc:
                if exc.failed("booking"):
                    raise Conflict("Rezerwacja została w międzyczasie zmieniona; odśwież ją i spróbuj ponownie.",
                                   code="version_conflict") from None
                _refused(exc, "guard", "new-slot")
                transact.backoff(attempt)
        raise Busy()

    # --- reminders ---------------------------------------------------------------------------------------------
    def to_remind(self, day: str) -> list[str]:
        return [i.pk.removeprefix("B#") for i in T.to_remind.query(day)]

    def take_reminder(self, booking_id: str, now: datetime, lease: timedelta) -> bool:
        """Take the booking's reminder to send (a lease: the run's time in `reminding`): still due, not sent, and
        no other run took it within `lease`. It stays in `by-reminder`, so a run killed before the mark leaves it
        to a run after the lease."""
        free = T.reminding.does_not_exist() | (T.reminding < now - lease)
        try:
            T(pk=f"B#{booking_id}", sk=ITEM).update(
                actions=[T.reminding.set(now)],
                condition=T.remind_on.exists() & (T.status == "zarezerwowana") & T.reminded_at.does_not_exist()
                & free)
        except UpdateError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def mark_reminded(self, booking_id: str, taken: datetime) -> None:
        """SES took the reminder the run took at `taken`: it is sent (unless the booking changed meanwhile: a move
        takes the lease off with the rest, and the new day's reminder is due)."""
        self._release(booking_id, taken, [T.reminded_at.set(taken), T.remind_on.remove(), T.reminding.remove()])

    def give_back_reminder(self, booking_id: str, taken: datetime) -> None:
        """SES refused the reminder: it is due again on the next run."""
        self._release(booking_id, taken, [T.reminding.remove()])

    def _release(self, booking_id: str, taken: datetime, actions: list[Any]) -> None:
        try:
            T(pk=f"B#{booking_id}", sk=ITEM).update(actions=actions, condition=T.reminding == taken)
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise

    # --- the notices' outbox -----------------------------------------------------------------------------------
    def delivered(self, event: AppointmentNotice) -> None:
        """Its queue took the notice: the marker comes off (unless a newer notice replaced it meanwhile)."""
        try:
            T(pk=f"B#{event.booking_id}", sk=ITEM).update(
                actions=[T.outbox.remove(), T.outbox_at.remove(), T.notice.remove()],
                condition=T.notice == event.model_dump_json())
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise

    def due(self, now: datetime, *, limit: int = 500) -> list[Due[AppointmentNotice]]:
        found = []
        for key in T.by_outbox.query(OUTBOX, T.outbox_at <= now - timedelta(minutes=2), limit=limit):
            try:
                item = T.get(key.pk, key.sk, consistent_read=True)
            except T.DoesNotExist:
                continue
            if item.outbox and item.notice:
                found.append(Due(AppointmentNotice.model_validate_json(item.notice), 0))
        return found

    def postpone(self, event: AppointmentNotice, *, until: datetime, sends: int) -> None:
        self.delivered(event)


def _refused(exc: transact.Cancelled, guard: str, slot: str) -> None:
    if exc.failed(guard):
        raise logic.AlreadyThatDay() from None
    if exc.failed(slot):
        raise logic.SlotFull() from None
    if not exc.conflict:
        raise exc


def _take(b: Booking, capacity: int, label: str = "slot") -> Write:
    item = T(pk=slot_pk(b.terc, b.counter), sk=logic.slot_key(b.start))
    return Write(label, item, actions=[T.taken.add(1)],
                 condition=T.taken.does_not_exist() | (T.taken < capacity))


def _give_back(b: Booking) -> Write:
    item = T(pk=slot_pk(b.terc, b.counter), sk=logic.slot_key(b.start))
    return Write("old-slot", item, actions=[T.taken.add(-1)], condition=T.taken > 0)


def _as_read(b: Booking) -> Any:
    return (T.sequence == b.sequence) & (T.status == "zarezerwowana")


def _item(b: Booking, notice: AppointmentNotice | None, now: datetime) -> T:
    key = f"{logic.slot_key(b.start)}#{b.booking_id}"
    item = T(pk=f"B#{b.booking_id}", sk=ITEM, booking_id=b.booking_id, status=b.status, sequence=b.sequence,
             record=b.model_dump_json(), owner_key=b.owner, start_key=key,
             day_key=f"{b.terc}#{b.start.astimezone(WARSAW).date().isoformat()}", reminded_at=b.reminded_at)
    remind = logic.reminder_day(b.start)
    if b.status == "zarezerwowana" and b.reminded_at is None and remind >= now.astimezone(WARSAW).date():
        item.remind_on = remind.isoformat()
    if notice is not None:
        item.notice, item.outbox, item.outbox_at = notice.model_dump_json(), OUTBOX, now
    return item


def _booking(item: T) -> Booking:
    data: dict[str, Any] = json.loads(item.record or "{}")
    return Booking.model_validate(data)

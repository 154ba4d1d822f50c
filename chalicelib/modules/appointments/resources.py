"""What e-wizyta owns in AWS: one DynamoDB table of slots, bookings and guards, and the queue of its notices.

`infrastructure/template.py` renders them for the local emulator and the cloud alike.
"""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.indexes import GlobalSecondaryIndex, IncludeProjection, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.db.tables import TableMeta, table_name
from chalicelib.resources import QueueSpec


class BookingsByOwner(GlobalSecondaryIndex["AppointmentTable"]):
    """A resident's bookings, by their slot: "my visits"."""

    class Meta:
        index_name = "by-owner"
        projection = IncludeProjection(["record"])

    owner_key = UnicodeAttribute(hash_key=True)  # the resident's subject
    start_key = UnicodeAttribute(range_key=True)  # <slot>#<booking id>


class BookingsByDay(GlobalSecondaryIndex["AppointmentTable"]):
    """A JST's bookings of one Warsaw day, by their slot: the counter's day list."""

    class Meta:
        index_name = "by-day"
        projection = IncludeProjection(["record"])

    day_key = UnicodeAttribute(hash_key=True)  # <terc>#<YYYY-MM-DD>
    start_key = UnicodeAttribute(range_key=True)


class BookingsToRemind(GlobalSecondaryIndex["AppointmentTable"]):
    """Sparse: bookings whose reminder goes out on a Warsaw day and has not gone yet."""

    class Meta:
        index_name = "by-reminder"
        projection = KeysOnlyProjection()

    remind_on = UnicodeAttribute(hash_key=True)  # YYYY-MM-DD
    pk = UnicodeAttribute(range_key=True)


class NoticeOutbox(GlobalSecondaryIndex["AppointmentTable"]):
    """Sparse: a booking's notice (`AppointmentNotice`) written but not yet taken by its queue; the sweeper sends it."""

    class Meta:
        index_name = "outbox"
        projection = KeysOnlyProjection()

    outbox = UnicodeAttribute(hash_key=True)
    outbox_at = UTCDateTimeAttribute(range_key=True)


class AppointmentTable(Model):
    """Three kinds of item:
    - a slot's places taken: pk = S#<terc>#<counter>, sk = <slot> (`taken`, kept below the capacity by the
      condition of the transaction that books; a counter's slots of a period are one Query);
    - a booking: pk = B#<booking id>, sk = "-" (its state as attributes, the rest as JSON in `record`, its notice
      marked until its queue took it);
    - a guard: pk = G#<terc>#<owner>#<topic>#<day>, sk = "-": one booking of a topic per person and day.
    """

    class Meta(TableMeta):
        table_name = table_name("appointments")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    taken = NumberAttribute(null=True)
    booking_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    sequence = NumberAttribute(null=True)  # every change of a booking adds one (optimistic locking)
    record = UnicodeAttribute(null=True)
    owner_key = UnicodeAttribute(null=True)
    day_key = UnicodeAttribute(null=True)
    start_key = UnicodeAttribute(null=True)
    remind_on = UnicodeAttribute(null=True)
    reminded_at = UTCDateTimeAttribute(null=True)
    reminding = UTCDateTimeAttribute(null=True)  # a run took the reminder then (a lease), has not marked it sent
    notice = UnicodeAttribute(null=True)  # JSON: the AppointmentNotice to send
    outbox = UnicodeAttribute(null=True)
    outbox_at = UTCDateTimeAttribute(null=True)
    by_owner = BookingsByOwner()
    by_day = BookingsByDay()
    to_remind = BookingsToRemind()
    by_outbox = NoticeOutbox()


TABLES: tuple[type[Model], ...] = (AppointmentTable,)
QUEUES: tuple[QueueSpec, ...] = (
    # A visit booked, moved or cancelled: the worker e-mails the resident with the calendar file.
    QueueSpec("appointment-notices", visibility_timeout=60, max_receive_count=5),
)

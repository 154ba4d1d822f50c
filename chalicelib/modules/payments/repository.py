"""Payment orders in DynamoDB: one item per order (its state as attributes, the rest as JSON), its refunds and its
`PaymentSettled` events beside it, and finance's flags per JST and day.

A change of an order is a put on condition of the version it was read at (optimistic locking), so of two writers
the second finds the order changed and reads it again: 50 copies of one notification record one payment. A change
finance or the case must know of (paid, expired, refunded) is one transaction: the order, the event's outbox
marker and the audit entry, or none of them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import PutError, UpdateError

from chalicelib.core.settings import get_settings
from chalicelib.db import transact
from chalicelib.db.transact import Write
from chalicelib.events import Due
from chalicelib.events.topics import PaymentSettled
from chalicelib.modules import audit
from chalicelib.modules.payments.logic import day_of
from chalicelib.modules.payments.models import OPEN, Flag, Order, Refund
from chalicelib.modules.payments.resources import PaymentOrderTable as T

ORDER, OUTBOX = "O", "1"


def order_pk(order_id: str) -> str:
    return f"O#{order_id}"


def day_pk(prefix: str, terc: str, day: str) -> str:
    return f"{prefix}#{terc}#{day}" if prefix == "F" else f"T#{terc}#D#{day}"


class DynamoOrders:
    def __init__(self) -> None:
        self.connection = Connection(region=get_settings().region)

    # --- reads ------------------------------------------------------------------------------------------------

    def get(self, order_id: str) -> Order | None:
        try:
            item = T.get(order_pk(order_id), ORDER, consistent_read=True)
        except T.DoesNotExist:
            return None
        return _order(item)

    def opened_on(self, terc: str, day: str) -> list[Order]:
        return [_order(i) for i in T.by_day.query(day_pk("T", terc, day)) if i.record]

    def paid_on(self, terc: str, day: str) -> list[Order]:
        return [_order(i) for i in T.by_paid_day.query(day_pk("T", terc, day)) if i.record]

    def paid_in_month(self, terc: str, month: str) -> list[Order]:
        return [_order(i) for i in T.by_paid_month.query(f"T#{terc}#M#{month}") if i.record]

    def expiring(self, terc: str, now: datetime, *, limit: int = 500) -> list[str]:
        return [k.pk.removeprefix("O#") for k in T.by_expiry.query(f"T#{terc}", T.expires_at <= now, limit=limit)]

    def flags(self, terc: str, day: str) -> list[Flag]:
        found = [Flag.model_validate_json(i.record) for i in T.query(day_pk("F", terc, day)) if i.record]
        return sorted(found, key=lambda f: f.at)

    def refund(self, order_id: str, key: str) -> Refund | None:
        try:
            item = T.get(order_pk(order_id), f"R#{key}", consistent_read=True)
        except T.DoesNotExist:
            return None
        return Refund.model_validate_json(item.record or "{}")

    def settled_events(self, order_id: str) -> list[PaymentSettled]:
        return [PaymentSettled.model_validate_json(i.record or "{}")
                for i in T.query(order_pk(order_id), T.sk.startswith("S#"), consistent_read=True)]

    # --- writes -----------------------------------------------------------------------------------------------

    def open(self, order: Order) -> bool:
        """Store a new order; False when the case has one already (a repeated request)."""
        try:
            transact.write(self.connection, [Write("order", _item(order), kind="put", condition=T.pk.does_not_exist())])
        except transact.Cancelled as exc:
            if exc.failed("order"):
                return False
            raise
        return True

    def replace(self, order: Order, read_version: int) -> bool:
        """Store the changed order if nobody changed it since `read_version`; False otherwise (read it again)."""
        return self.commit(order, read_version, event=None, changes=())

    def commit(self, order: Order, read_version: int, *, event: PaymentSettled | None,
               changes: Sequence[audit.Change], more: Sequence[Write] = ()) -> bool:
        """The order (on condition of its version), the event's outbox marker and the audit entries, together;
        False when the order changed since it was read (nothing written)."""
        stored = order.model_copy(update={"version": read_version + 1})
        writes = [Write("order", _item(stored), kind="put", condition=_at_version(read_version)), *more]
        if event is not None:
            writes.append(Write("event", _marker(event), kind="put", condition=T.sk.does_not_exist()))
        return self._with_audit(order.terc, writes, changes)

    def _with_audit(self, terc: str, writes: list[Write], changes: Sequence[audit.Change]) -> bool:
        return audit.write_together(self.connection, terc, writes, changes, own=("order",))

    def add_flag(self, flag: Flag) -> None:
        """One flag per code and body a day: the gateway repeats a notification it was refused on its schedule."""
        same = f"{flag.code}#{flag.body_sha256}" if flag.body_sha256 else f"{flag.code}#{flag.flag_id}"
        try:
            T(pk=day_pk("F", flag.terc, day_of(flag.at)), sk=same, terc=flag.terc, order_id=flag.order_id,
              record=flag.model_dump_json()).save(condition=T.sk.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise

    # --- refunds: reserved on condition before the gateway's call, then done or given back ------------------

    def reserve_refund(self, order: Order, refund: Refund) -> str:
        """Claim the refund's key and add its amount to `refunded` on condition that the order is paid and the
        total stays within what was paid: "reserved", else "exceeds" or "claimed" (the key taken; nothing
        written)."""
        update = Write("order", T(pk=order_pk(order.order_id), sk=ORDER),
                       actions=[T.refunded.add(refund.amount), T.version.add(1)],
                       condition=(T.status == "oplacone") & (T.refunded <= order.amount - refund.amount))
        claim = Write("refund", _refund_item(refund), kind="put", condition=T.sk.does_not_exist())
        try:
            transact.write(self.connection, [update, claim])
        except transact.Cancelled as exc:
            if exc.failed("refund"):
                return "claimed"
            if exc.failed("order"):
                return "exceeds"
            raise
        return "reserved"

    def finish_refund(self, order: Order, refund: Refund, *, event: PaymentSettled,
                      changes: Sequence[audit.Change]) -> None:
        """The refund done: its record, the order zwrocone when refunded in full, the event and the audit entry."""
        full = order.refunded >= order.amount
        actions = [T.version.add(1), *([T.status.set("zwrocone"), T.open_key.remove()] if full else [])]
        update = Write("order", T(pk=order_pk(order.order_id), sk=ORDER), actions=actions,
                       condition=(T.refunded == order.refunded) if full else None)
        writes = [update, Write("refund", _refund_item(refund), kind="put"),
                  Write("event", _marker(event), kind="put", condition=T.sk.does_not_exist())]
        if not self._with_audit(order.terc, writes, changes) and full:
            # another refund moved the total meanwhile: record this one without deciding the order's status
            self.finish_refund(order.model_copy(update={"refunded": 0}), refund, event=event, changes=changes)

    def undo_refund(self, order: Order, refund: Refund) -> None:
        """The gateway refused: the reserved amount given back and the refund recorded as refused."""
        update = Write("order", T(pk=order_pk(order.order_id), sk=ORDER),
                       actions=[T.refunded.add(-refund.amount), T.version.add(1), T.status.set("oplacone")])
        transact.write(self.connection, [update, Write("refund", _refund_item(refund), kind="put")])

    # --- the outbox of PaymentSettled ---------------------------------------------------------------------

    def delivered(self, event: PaymentSettled) -> None:
        """Its queue took the event: the marker comes off (SQS and its dead-letter queue keep it from here)."""
        try:
            T(pk=order_pk(event.order_id), sk=f"S#{event.event_id}").update(
                actions=[T.outbox.remove(), T.outbox_at.remove()], condition=T.sk.exists())
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise

    def due(self, now: datetime, *, limit: int = 500) -> list[Due[PaymentSettled]]:
        found = []
        for key in T.by_outbox.query(OUTBOX, T.outbox_at <= now, limit=limit):
            try:
                item = T.get(key.pk, key.sk, consistent_read=True)
            except T.DoesNotExist:
                continue
            if item.outbox and item.record:
                found.append(Due(PaymentSettled.model_validate_json(item.record), int(item.sends or 0)))
        return found

    def postpone(self, event: PaymentSettled, *, until: datetime, sends: int) -> None:
        """The sweeper sent it again and the queue took it: as `delivered` (the marker comes off)."""
        self.delivered(event)



def _at_version(version: int) -> Any:
    return (T.version == version) if version else (T.version.does_not_exist() | (T.version == 0))


def _item(order: Order) -> T:
    record = order.model_dump(mode="json", exclude={"refunded", "version"})
    item = T(pk=order_pk(order.order_id), sk=ORDER, order_id=order.order_id, terc=order.terc, owner=order.owner,
             status=order.status, amount=order.amount, refunded=order.refunded, version=order.version,
             record=json.dumps(record, ensure_ascii=False), day_key=day_pk("T", order.terc, day_of(order.opened_at)))
    if order.paid_at is not None:
        item.paid_key = day_pk("T", order.terc, day_of(order.paid_at))
        item.paid_month = f"T#{order.terc}#M#{day_of(order.paid_at)[:7]}"
    if order.status in OPEN:
        item.open_key, item.expires_at = f"T#{order.terc}", order.expires_at
    return item


def _order(item: T) -> Order:
    record = json.loads(item.record or "{}")
    return Order.model_validate({**record, "status": item.status, "refunded": int(item.refunded or 0),
                                 "version": int(item.version or 0)})


def _marker(event: PaymentSettled) -> T:
    return T(pk=order_pk(event.order_id), sk=f"S#{event.event_id}", order_id=event.order_id, terc=event.terc,
             status=event.status, amount=event.amount, record=event.model_dump_json(),
             outbox=OUTBOX, outbox_at=event.at)


def _refund_item(refund: Refund) -> T:
    return T(pk=order_pk(refund.order_id), sk=f"R#{refund.idempotency_key}", order_id=refund.order_id,
             status=refund.status, amount=refund.amount, record=refund.model_dump_json())

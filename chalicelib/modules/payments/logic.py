"""The rules of a payment order: opening it, a new attempt, the checks of the gateway's notification, expiry.

No Chalice, no boto3: functions over the order and the ports the flows (paying, notifications, expiry, refunds)
are given. Amounts are grosze. A session id is `<order id>-<attempt number>`, so a notification names its order.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from chalicelib.core.clock import WARSAW
from chalicelib.core.errors import ApiError, Conflict, NotFound, Unprocessable
from chalicelib.modules.payments.models import OPEN, Attempt, Flag, Order

if TYPE_CHECKING:
    from collections.abc import Sequence

    from chalicelib.events.topics import PaymentRequested
    from chalicelib.integrations.payment_gateway import Merchant, Notification
    from chalicelib.model.tenant import PaymentsSetting


def day_of(at: datetime) -> str:
    """The Warsaw day of a moment: the day finance and the gateway's report count in."""
    return at.astimezone(WARSAW).date().isoformat()


def session_id(order_id: str, n: int) -> str:
    return f"{order_id}-{n}"


def order_of_session(session: str) -> str | None:
    """The order a session id names, None for anything that is not `<order id>-<n>`."""
    order_id, _, n = session.rpartition("-")
    return order_id if order_id and n.isdigit() and len(n) <= 6 else None


def open_order(message: PaymentRequested, setting: PaymentsSetting, now: datetime) -> Order:
    """The case's order as opened: `nowe`, expiring the JST's number of days after the case was registered."""
    return Order(order_id=message.case_id, terc=message.terc, case_id=message.case_id, sign=message.sign,
                 owner=message.owner, service=message.service, email=message.email, amount=message.fee.amount,
                 currency=message.fee.currency, title=message.fee.title, requested_at=message.requested_at,
                 opened_at=now, expires_at=message.requested_at + timedelta(days=setting.order_expiry_days))


# --- the resident's side --------------------------------------------------------------------------------------

class OrderNotFound(NotFound):
    code = "payment_not_found"
    message = "Ta sprawa nie ma opłaty do zapłaty przez Internet."


class AlreadyPaid(Conflict):
    code = "already_paid"
    message = "Opłata za tę sprawę została już wniesiona."


class OrderExpired(Conflict):
    code = "order_expired"
    message = "Termin zapłaty przez Internet minął. Skontaktuj się z urzędem."


class PaymentsUnavailable(Conflict):
    code = "payments_unavailable"
    message = "Urząd nie przyjmuje teraz płatności przez Internet. Opłatę można wnieść w urzędzie."


class GatewayUnavailable(ApiError):
    status = 503
    code = "gateway_unavailable"
    message = "Bramka płatności nie odpowiada. Spróbuj ponownie za chwilę."


def own_order(order: Order | None, owner: str) -> Order:
    """The resident's own order; 404 for no order and for anyone else's alike (nothing is revealed)."""
    if order is None or order.owner != owner:
        raise OrderNotFound()
    return order


def return_url(url: str, web_origin: str) -> str:
    """Where the payer comes back: a page of the portal (its origin), or any http(s) page on a local stage."""
    parts = urlsplit(url.strip())
    ok = parts.scheme in ("http", "https") and bool(parts.netloc) and not parts.username and not parts.password
    if ok and web_origin != "*":
        ok = f"{parts.scheme}://{parts.netloc}".lower() == web_origin.rstrip("/").lower()
    if not ok:
        raise Unprocessable(details=[{"field": "return_url", "code": "invalid_return_url",
                                      "message": "Adres powrotu musi być stroną portalu e-Urząd."}])
    return url.strip()


def next_attempt(order: Order, now: datetime) -> tuple[int, str]:
    """The number and session id of a new attempt; 409 when the order may not be paid any more."""
    if order.status in ("oplacone", "zwrocone"):
        raise AlreadyPaid()
    if order.status == "wygasle" or now >= order.expires_at:
        raise OrderExpired()
    n = len(order.attempts) + 1
    return n, session_id(order.order_id, n)


def with_attempt(order: Order, n: int, session: str, *, redirect_url: str, back_to: str, now: datetime) -> Order:
    attempts = [a if a.status != "oczekuje" else a.model_copy(update={"status": "nieudane"}) for a in order.attempts]
    attempt = Attempt(n=n, session_id=session, registered_at=now, redirect_url=redirect_url, return_url=back_to)
    return order.model_copy(update={"attempts": [*attempts, attempt], "status": "oczekuje"})


def attempt_failed(order: Order, session: str) -> Order:
    """The payer is back and the gateway holds no payment for the open attempt: it failed (may try again)."""
    attempts = [a.model_copy(update={"status": "nieudane"}) if a.session_id == session else a
                for a in order.attempts]
    status = "nieudane" if order.status == "oczekuje" else order.status
    return order.model_copy(update={"attempts": attempts, "status": status})


# --- the gateway's notification ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Refusal:
    """A notification refused: 400 with `code`, nothing changed, a flag for finance."""

    code: str
    message: str


FORGED = Refusal("invalid_signature", "Podpis powiadomienia nie zgadza się z jego treścią.")
UNKNOWN = Refusal("unknown_session", "Powiadomienie wskazuje nieznaną sesję płatności.")
OTHER_JST = Refusal("other_tenant", "Powiadomienie dotyczy zlecenia innej jednostki.")
WRONG_MERCHANT = Refusal("wrong_merchant", "Powiadomienie wskazuje inne konto sprzedawcy niż konto tej jednostki.")
WRONG_AMOUNT = Refusal("wrong_amount", "Kwota lub waluta powiadomienia nie zgadza się ze zleceniem.")
NOT_VERIFIED = Refusal("not_verified", "Bramka nie potwierdziła transakcji (weryfikacja odrzucona).")
MALFORMED = Refusal("malformed_notification", "Treść powiadomienia jest nieczytelna.")


def refusal(order: Order | None, note: Notification, merchant: Merchant, terc: str) -> Refusal | None:
    """Why this notification may not settle anything, None when it names an order of this JST exactly."""
    if note.merchant_id != merchant.merchant_id or note.pos_id != merchant.pos_id:
        return WRONG_MERCHANT
    # Any session of the order's form is looked at: verify (with this JST's keys) then says whether money came,
    # even for an attempt the order did not keep (its registration's write lost to a concurrent change).
    if order is None or order.order_id != order_of_session(note.session_id):
        return UNKNOWN
    if order.terc != terc:
        return OTHER_JST
    if note.amount != order.amount or note.currency != order.currency:
        return WRONG_AMOUNT
    return None


def paid(order: Order, note: Notification, now: datetime) -> Order:
    """The order as paid by the verified notification; `late` when it had expired before the money came."""
    attempts = [a.model_copy(update={"status": "oplacone"}) if a.session_id == note.session_id else a
                for a in order.attempts]
    if not any(a.session_id == note.session_id for a in attempts):
        n = int(note.session_id.rpartition("-")[2])
        attempts.append(Attempt(n=n, session_id=note.session_id, status="oplacone", registered_at=now,
                                redirect_url="", return_url=""))
    return order.model_copy(update={
        "status": "oplacone", "attempts": attempts, "paid_at": now, "paid_amount": note.amount,
        "paid_session": note.session_id, "gateway_order_id": note.order_id, "method_id": note.method_id,
        "statement": note.statement, "late": order.status == "wygasle" or now > order.expires_at})


def flag(terc: str, refused: Refusal, *, at: datetime, raw: bytes, source: str | None, order_id: str | None = None,
         session: str | None = None, amount: int | None = None) -> Flag:
    return Flag(flag_id=uuid.uuid4().hex, terc=terc, code=refused.code, message=refused.message, at=at,
                order_id=order_id, session_id=session, source=source, amount=amount,
                body_sha256=hashlib.sha256(raw).hexdigest() if raw else None)


LATE = Refusal("late_payment", "Wpłata po terminie: zlecenie wygasło, zanim wpłynęły pieniądze. Zapisano ją.")
PAID_TWICE = Refusal("paid_twice", "Opłatę wniesiono w kasie lub przelewem, a zlecenie opłacono też online: "
                                   "zwróć jedną z wpłat.")


# --- expiry --------------------------------------------------------------------------------------------------

def expired(order: Order, now: datetime) -> Order | None:
    """The order as expired, None when it is not due (paid, already expired, or its time has not come)."""
    if order.status not in OPEN or now < order.expires_at:
        return None
    attempts = [a.model_copy(update={"status": "nieudane"}) if a.status == "oczekuje" else a for a in order.attempts]
    return order.model_copy(update={"status": "wygasle", "attempts": attempts, "expired_at": now})


class OrderStore(Protocol):
    def get(self, order_id: str) -> Order | None: ...


# --- fees received in a month --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ServiceFees:
    """A catalogue service's fees paid online in a month (grosze): what was paid, and what of it was refunded."""

    service: str
    count: int
    paid: int
    refunded: int

    @property
    def net(self) -> int:
        return self.paid - self.refunded


def fees_by_service(paid: Sequence[Order]) -> dict[str, ServiceFees]:
    """The month's paid orders summed per service (an order's paid amount, or its amount if none recorded)."""
    sums: dict[str, ServiceFees] = {}
    for order in paid:
        if order.paid_at is None:
            continue
        was = sums.get(order.service, ServiceFees(order.service, 0, 0, 0))
        sums[order.service] = ServiceFees(order.service, was.count + 1, was.paid + (order.paid_amount or order.amount),
                                          was.refunded + order.refunded)
    return dict(sorted(sums.items()))


def fees_by_day(paid: Sequence[Order]) -> dict[str, dict[str, ServiceFees]]:
    """The month's paid orders summed per Warsaw day of payment, then per service (as `fees_by_service`)."""
    days: dict[str, list[Order]] = {}
    for order in paid:
        if order.paid_at is not None:
            days.setdefault(day_of(order.paid_at), []).append(order)
    return {day: fees_by_service(orders) for day, orders in sorted(days.items())}

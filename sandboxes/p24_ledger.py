"""The sandbox gateway's books: merchants, transactions, refunds and the notifications still owed.

Rules as Przelewy24 states them: a transaction is registered with a signed body, paid on the payer's page (or
not), notified to `urlStatus` with a signed body right away and again after 3/5/15/30/60/150/450 minutes until the
merchant verifies it; only a verified transaction is settled (reported, refundable). The sandbox computes every
`sign` itself, independently of the platform's adapter.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

WARSAW = ZoneInfo("Europe/Warsaw")
RETRY_MINUTES = (3, 5, 15, 30, 60, 150, 450)  # after the first notification, until verified
NOTIFICATION_KEYS = ("merchantId", "posId", "sessionId", "amount", "originAmount", "currency", "orderId",
                     "methodId", "statement", "crc")
# P24's status codes: 0 no payment, 1 paid but not verified ("advance"), 2 paid and verified, 3 returned.
NO_PAYMENT, ADVANCE, PAID, RETURNED = 0, 1, 2, 3


class Refused(Exception):
    """A P24-like refusal: HTTP status and the body's `error`."""

    def __init__(self, status: int, error: Any) -> None:
        super().__init__(str(error))
        self.status = status
        self.error = error


def sign(fields: dict[str, Any], keys: Iterable[str]) -> str:
    text = json.dumps({k: fields[k] for k in keys}, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha384(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class MerchantAccount:
    merchant_id: int
    pos_id: int
    crc: str
    api_key: str


@dataclass
class Delivery:
    at: str
    status: int | None  # the merchant's HTTP answer, None when unreachable
    error: str = ""


@dataclass
class Transaction:
    token: str
    merchant_id: int
    pos_id: int
    session_id: str
    amount: int
    currency: str
    description: str
    email: str
    url_return: str
    url_status: str
    registered_at: datetime
    time_limit_minutes: int
    order_id: int = 0
    status: int = NO_PAYMENT
    outcome: str = ""  # "" (not yet) | paid | failed
    method_id: int = 0
    statement: str = ""
    fee: int = 0
    paid_at: datetime | None = None
    verified_at: datetime | None = None
    refunded: int = 0
    refunds: list[dict[str, Any]] = field(default_factory=list)
    deliveries: list[Delivery] = field(default_factory=list)
    next_notification: float | None = None  # monotonic seconds; None: nothing owed
    retries_done: int = 0

    def view(self) -> dict[str, Any]:
        out = asdict(self)
        for name in ("registered_at", "paid_at", "verified_at"):
            out[name] = out[name].isoformat() if out[name] else None
        return out


@dataclass
class Fees:
    """The gateway's commission per paid transaction: a percentage (half up, grosze) plus a fixed part."""

    percent: Decimal = Decimal("1.2")
    fixed: int = 30

    def of(self, amount: int) -> int:
        return int((Decimal(amount) * self.percent / 100).quantize(Decimal(1), ROUND_HALF_UP)) + self.fixed


class Ledger:
    def __init__(self, *, minute_seconds: float = 60.0, fees: Fees | None = None,
                 monotonic: Callable[[], float] | None = None) -> None:
        import time

        self.minute_seconds = minute_seconds
        self.fees = fees or Fees()
        self.monotonic = monotonic or time.monotonic
        self.offset = timedelta(0)  # the sandbox's clock may be moved forward by a test
        self.merchants: dict[int, MerchantAccount] = {}
        self.transactions: dict[str, Transaction] = {}  # by token
        self.refund_answers: dict[tuple[int, str], dict[str, Any]] = {}  # (merchant, requestId) -> answer
        self.changed = threading.Condition()
        self._orders = itertools.count(300_000_001)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    # --- merchants and auth -----------------------------------------------------------------------------

    def add_merchant(self, account: MerchantAccount) -> None:
        with self.changed:
            self.merchants[account.merchant_id] = account

    def authenticate(self, pos_id: str, api_key: str) -> MerchantAccount:
        """HTTP Basic: posId and the API key (reports key) of a known merchant account."""
        for account in list(self.merchants.values()):
            if str(account.pos_id) == pos_id and hmac.compare_digest(account.api_key.encode(), api_key.encode()):
                return account
        raise Refused(401, "Incorrect authentication")

    # --- the transaction's life ---------------------------------------------------------------------------

    def register(self, account: MerchantAccount, body: dict[str, Any]) -> str:
        need = {"merchantId": int, "posId": int, "sessionId": str, "amount": int, "currency": str,
                "description": str, "email": str, "urlReturn": str, "sign": str}
        for name, kind in need.items():
            if not isinstance(body.get(name), kind) or isinstance(body.get(name), bool) or body.get(name) == "":
                raise Refused(400, f"Invalid input data: {name}")
        if (body["merchantId"], body["posId"]) != (account.merchant_id, account.pos_id):
            raise Refused(400, "Invalid input data: merchantId/posId")
        if body["amount"] <= 0 or body["currency"] != "PLN":
            raise Refused(400, "Invalid input data: amount/currency")
        expected = sign({**body, "crc": account.crc}, ("sessionId", "merchantId", "amount", "currency", "crc"))
        if not hmac.compare_digest(expected, body["sign"]):
            raise Refused(400, "Incorrect sign")
        with self.changed:
            if any(t.merchant_id == account.merchant_id and t.session_id == body["sessionId"]
                   for t in self.transactions.values()):
                raise Refused(400, "Transaction with this sessionId already exists")
            token = secrets.token_hex(16).upper()
            self.transactions[token] = Transaction(
                token=token, merchant_id=account.merchant_id, pos_id=account.pos_id,
                session_id=body["sessionId"], amount=body["amount"], currency=body["currency"],
                description=body["description"], email=body["email"], url_return=body["urlReturn"],
                url_status=str(body.get("urlStatus") or ""), registered_at=self.now(),
                time_limit_minutes=int(body.get("timeLimit") or 15))
        return token

    def for_payer(self, token: str) -> Transaction:
        with self.changed:
            tx = self.transactions.get(token)
        if tx is None:
            raise Refused(404, "Transaction does not exist")
        return tx

    def open_for_payment(self, tx: Transaction) -> bool:
        limit = tx.registered_at + timedelta(minutes=tx.time_limit_minutes)
        return tx.status == NO_PAYMENT and tx.outcome != "failed" and (tx.time_limit_minutes == 0
                                                                      or self.now() <= limit)

    def pay(self, token: str) -> Transaction:
        with self.changed:
            tx = self.for_payer(token)
            if not self.open_for_payment(tx):
                raise Refused(409, "Transaction cannot be paid")
            tx.order_id = next(self._orders)
            tx.status, tx.outcome, tx.paid_at = ADVANCE, "paid", self.now()
            tx.method_id, tx.statement = 25, f"p24-{tx.order_id % 10**6:06d}-{tx.session_id[:20]}"
            tx.fee = self.fees.of(tx.amount)
            tx.next_notification = self.monotonic() if tx.url_status else None
            self.changed.notify_all()
        return tx

    def fail(self, token: str) -> Transaction:
        """The payer's bank refused (or the payer cancelled on the page): no notification, status 0."""
        with self.changed:
            tx = self.for_payer(token)
            if tx.status == NO_PAYMENT:
                tx.outcome = "failed"
        return tx

    def notification(self, tx: Transaction) -> dict[str, Any]:
        account = self.merchants[tx.merchant_id]
        body: dict[str, Any] = {
            "merchantId": tx.merchant_id, "posId": tx.pos_id, "sessionId": tx.session_id, "amount": tx.amount,
            "originAmount": tx.amount, "currency": tx.currency, "orderId": tx.order_id, "methodId": tx.method_id,
            "statement": tx.statement}
        body["sign"] = sign({**body, "crc": account.crc}, NOTIFICATION_KEYS)
        return body

    def due_notifications(self) -> tuple[list[Transaction], float | None]:
        """Transactions whose notification is due now (each rescheduled), and when the next one falls due."""
        due: list[Transaction] = []
        with self.changed:
            now = self.monotonic()
            upcoming: list[float] = []
            for tx in self.transactions.values():
                if tx.next_notification is None or tx.status != ADVANCE:
                    tx.next_notification = None
                    continue
                if tx.next_notification <= now:
                    due.append(tx)
                    self._reschedule(tx, now)
                if tx.next_notification is not None:
                    upcoming.append(tx.next_notification)
        return due, min(upcoming) if upcoming else None

    def _reschedule(self, tx: Transaction, now: float) -> None:
        if tx.retries_done < len(RETRY_MINUTES):
            tx.next_notification = now + RETRY_MINUTES[tx.retries_done] * self.minute_seconds
            tx.retries_done += 1
        else:
            tx.next_notification = None

    def record_delivery(self, tx: Transaction, status: int | None, error: str = "") -> None:
        with self.changed:
            tx.deliveries.append(Delivery(at=self.now().isoformat(), status=status, error=error))

    def find(self, account: MerchantAccount, session_id: str) -> Transaction | None:
        with self.changed:
            return next((t for t in self.transactions.values()
                         if t.merchant_id == account.merchant_id and t.session_id == session_id), None)

    def verify(self, account: MerchantAccount, body: dict[str, Any]) -> None:
        for name, kind in {"merchantId": int, "posId": int, "sessionId": str, "amount": int, "currency": str,
                           "orderId": int, "sign": str}.items():
            if not isinstance(body.get(name), kind) or isinstance(body.get(name), bool):
                raise Refused(400, f"Invalid input data: {name}")
        expected = sign({**body, "crc": account.crc}, ("sessionId", "orderId", "amount", "currency", "crc"))
        if not hmac.compare_digest(expected, body["sign"]):
            raise Refused(400, "Incorrect sign")
        with self.changed:
            tx = self.find(account, body["sessionId"])
            if tx is None or tx.order_id != body["orderId"] or tx.status == NO_PAYMENT:
                raise Refused(400, "Transaction not found or not paid")
            if (tx.amount, tx.currency) != (body["amount"], body["currency"]):
                raise Refused(400, "Invalid amount or currency")
            if tx.status == ADVANCE:
                tx.status, tx.verified_at, tx.next_notification = PAID, self.now(), None
                self.changed.notify_all()

    def refund(self, account: MerchantAccount, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        request_id, items = body.get("requestId"), body.get("refunds")
        if not isinstance(request_id, str) or not request_id or not isinstance(items, list) or not items:
            raise Refused(400, "Invalid input data")
        with self.changed:
            if (account.merchant_id, request_id) in self.refund_answers:  # a repeat changes nothing
                return 201, self.refund_answers[(account.merchant_id, request_id)]
            results: list[dict[str, Any]] = []
            plan: list[tuple[Transaction, int]] = []
            for item in items:
                tx, amount = self._refundable(account, item, plan)
                if tx is not None:
                    plan.append((tx, amount))
                message = "success" if tx else "The amount of refund exceeds available amount for the transaction"
                results.append({**(item if isinstance(item, dict) else {}), "status": tx is not None,
                                "message": message})
            if not all(r["status"] for r in results):
                raise Refused(409, results)
            for tx, amount in plan:
                tx.refunded += amount
                tx.refunds.append({"requestId": request_id, "amount": amount, "at": self.now()})
                if tx.refunded == tx.amount:
                    tx.status = RETURNED
            answer = {"data": results, "responseCode": 0}
            self.refund_answers[(account.merchant_id, request_id)] = answer
        return 201, answer

    def _refundable(self, account: MerchantAccount, item: Any,
                    plan: list[tuple[Transaction, int]]) -> tuple[Transaction | None, int]:
        """The settled transaction one refund item names and its amount, if it may be returned (never more
        than was paid, counting what this request already returns of it); (None, 0) otherwise."""
        if not isinstance(item, dict):
            return None, 0
        tx, amount = self.find(account, str(item.get("sessionId"))), item.get("amount")
        if tx is None or tx.order_id != item.get("orderId") or tx.status not in (PAID, RETURNED):
            return None, 0
        if not isinstance(amount, int) or isinstance(amount, bool):
            return None, 0
        left = tx.amount - tx.refunded - sum(a for t, a in plan if t is tx)
        return (tx, amount) if 0 < amount <= left else (None, 0)

    def history(self, account: MerchantAccount, first: date, last: date) -> list[dict[str, Any]]:
        """The Report API's entries: each verified transaction and each refund, by its day in Warsaw."""
        def within(moment: datetime | None) -> bool:
            return moment is not None and first <= moment.astimezone(WARSAW).date() <= last

        def wall(moment: datetime | None) -> str:
            return moment.astimezone(WARSAW).strftime("%Y-%m-%d %H:%M:%S") if moment else ""

        entries: list[dict[str, Any]] = []
        with self.changed:
            mine = [t for t in self.transactions.values() if t.merchant_id == account.merchant_id]
            for tx in sorted(mine, key=lambda t: t.verified_at or t.registered_at):
                if tx.status in (PAID, RETURNED) and within(tx.verified_at):
                    entries.append({"type": "transaction", "amount": tx.amount, "currency": tx.currency, "details": [{
                        "orderId": tx.order_id, "sessionId": tx.session_id, "status": PAID, "amount": tx.amount,
                        "settledAmount": tx.amount - tx.fee, "fee": tx.fee, "date": wall(tx.registered_at),
                        "dateOfTransaction": wall(tx.paid_at), "dateOfVerification": wall(tx.verified_at),
                        "clientEmail": tx.email, "description": tx.description, "paymentMethod": tx.method_id,
                        "statement": tx.statement}]})
                for refund in tx.refunds:
                    if within(refund["at"]):
                        entries.append({"type": "refund", "amount": refund["amount"], "currency": tx.currency,
                                        "details": [{"orderId": tx.order_id, "sessionId": tx.session_id,
                                                     "amount": refund["amount"], "date": wall(refund["at"])}]})
        return entries

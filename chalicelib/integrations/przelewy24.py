"""Przelewy24 (REST API v1) behind the payment gateway port.

Every call is HTTP Basic (posId : API key) with a JSON body; amounts are grosze. Answers are
`{"data": ..., "responseCode": 0}`, refusals `{"error": ..., "code": N}`. `sign` is SHA-384 (hex) of the compact
JSON (`ensure_ascii=False`, no escaped slashes) of fixed fields in a fixed order with the merchant's CRC key last.
The day's report is P24's Report API (`GET /api/v1/report/history`, paged by a token).
urllib is imported on the first call, never at import: a cold start that takes no payment does not pay for it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote, urlencode

from chalicelib.integrations.payment_gateway import (
    GatewayError,
    InvalidSignature,
    Merchant,
    Notification,
    Registration,
    ReportRow,
    TransactionStatus,
)

REGISTER_SIGN = ("sessionId", "merchantId", "amount", "currency", "crc")
VERIFY_SIGN = ("sessionId", "orderId", "amount", "currency", "crc")
NOTIFICATION_SIGN = ("merchantId", "posId", "sessionId", "amount", "originAmount", "currency", "orderId",
                     "methodId", "statement", "crc")
# The notification's fields and their JSON types, besides `sign` (bool is refused where an int is expected).
NOTIFICATION_FIELDS: dict[str, type] = {
    "merchantId": int, "posId": int, "sessionId": str, "amount": int, "originAmount": int, "currency": str,
    "orderId": int, "methodId": int, "statement": str}
# P24's transaction status codes (GET /transaction/by/sessionId): 1 = paid, not yet verified by the merchant.
STATUS_NAMES = {0: "no_payment", 1: "advance", 2: "paid", 3: "returned"}
TIMEOUT_SECONDS = 8.0  # well inside the API function's 30 s, so a slow gateway is an answer, not a dead request
REPORT_MAX_PAGES = 50

# (method, url, headers, body, timeout) -> (HTTP status, body); the default is urllib, tests pass their own.
Transport = Callable[[str, str, Mapping[str, str], bytes | None, float], tuple[int, bytes]]


def sign(fields: Mapping[str, Any], keys: Iterable[str]) -> str:
    """P24's `sign`: SHA-384 hex of `{"k1":v1,...}` in the order of `keys` (all of them taken from `fields`)."""
    ordered = {key: fields[key] for key in keys}
    text = json.dumps(ordered, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha384(text.encode("utf-8")).hexdigest()


def register_sign(*, session_id: str, merchant_id: int, amount: int, currency: str, crc: str) -> str:
    return sign({"sessionId": session_id, "merchantId": merchant_id, "amount": amount, "currency": currency,
                 "crc": crc}, REGISTER_SIGN)


def verify_sign(*, session_id: str, order_id: int, amount: int, currency: str, crc: str) -> str:
    return sign({"sessionId": session_id, "orderId": order_id, "amount": amount, "currency": currency,
                 "crc": crc}, VERIFY_SIGN)


def notification_sign(fields: Mapping[str, Any], crc: str) -> str:
    return sign({**fields, "crc": crc}, NOTIFICATION_SIGN)


def parse_notification(merchant: Merchant, raw_body: bytes) -> Notification:
    """The notification in `raw_body` once its `sign` matches (constant time) under the merchant's CRC key.

    Anything that cannot be authenticated (not JSON, a field missing or of another type, another merchant's
    account, a wrong sign) is InvalidSignature: the caller refuses it the same way.
    """
    try:
        body = json.loads(raw_body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidSignature("notification is not JSON") from exc
    if not isinstance(body, dict):
        raise InvalidSignature("notification is not a JSON object")
    for name, kind in NOTIFICATION_FIELDS.items():
        value = body.get(name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise InvalidSignature(f"notification field {name} is missing or not a {kind.__name__}")
    given = body.get("sign")
    if not isinstance(given, str):
        raise InvalidSignature("notification has no sign")
    expected = notification_sign(body, merchant.crc)
    if not hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace")):
        raise InvalidSignature("notification sign does not match")
    if body["merchantId"] != merchant.merchant_id or body["posId"] != merchant.pos_id:
        raise InvalidSignature("notification names another merchant account")
    return Notification(merchant_id=body["merchantId"], pos_id=body["posId"], session_id=body["sessionId"],
                        amount=body["amount"], origin_amount=body["originAmount"], currency=body["currency"],
                        order_id=body["orderId"], method_id=body["methodId"], statement=body["statement"])


def urllib_transport(method: str, url: str, headers: Mapping[str, str], body: bytes | None,
                     timeout: float) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    # The URL is the configured gateway's (http(s) only, checked by Przelewy24.__init__), never the caller's.
    request = urllib.request.Request(url, data=body, method=method, headers=dict(headers))  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as err:
        return int(err.code), bytes(err.read() or b"")
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        raise GatewayError(f"Przelewy24 unreachable: {exc}", retryable=True) from exc


@dataclass(frozen=True)
class Reply:
    status: int
    body: Any  # the parsed JSON, or None

    @property
    def data(self) -> Any:
        return self.body.get("data") if isinstance(self.body, dict) else None

    @property
    def error(self) -> str:
        error = self.body.get("error") if isinstance(self.body, dict) else None
        return json.dumps(error, ensure_ascii=False) if isinstance(error, list | dict) else str(error or "")


class Przelewy24:
    """The adapter (PaymentGateway). One instance per base URL serves every JST's merchant account."""

    def __init__(self, base_url: str, *, transport: Transport | None = None,
                 timeout: float = TIMEOUT_SECONDS) -> None:
        if not base_url.startswith(("https://", "http://")):
            raise ValueError(f"the gateway's URL must be http(s): {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self._transport = transport or urllib_transport
        self._timeout = timeout

    # --- the port -----------------------------------------------------------------------------------------

    def register(self, merchant: Merchant, registration: Registration) -> str:
        r = registration
        body = {
            "merchantId": merchant.merchant_id, "posId": merchant.pos_id, "sessionId": r.session_id,
            "amount": r.amount, "currency": r.currency, "description": r.description, "email": r.email,
            "country": "PL", "language": "pl", "urlReturn": r.url_return, "urlStatus": r.url_status,
            "timeLimit": r.time_limit_minutes, "encoding": "UTF-8",
            "sign": register_sign(session_id=r.session_id, merchant_id=merchant.merchant_id, amount=r.amount,
                                  currency=r.currency, crc=merchant.crc),
        }
        reply = self._call(merchant, "POST", "/api/v1/transaction/register", body)
        self._raise_unless_ok(reply, "register")
        token = reply.data.get("token") if isinstance(reply.data, dict) else None
        if not isinstance(token, str) or not token:
            raise GatewayError("Przelewy24 register: no token in the answer", retryable=True)
        return f"{self.base_url}/trnRequest/{quote(token, safe='')}"

    def read_notification(self, merchant: Merchant, raw_body: bytes) -> Notification:
        return parse_notification(merchant, raw_body)

    def verify(self, merchant: Merchant, notification: Notification) -> bool:
        n = notification
        body = {
            "merchantId": merchant.merchant_id, "posId": merchant.pos_id, "sessionId": n.session_id,
            "amount": n.amount, "currency": n.currency, "orderId": n.order_id,
            "sign": verify_sign(session_id=n.session_id, order_id=n.order_id, amount=n.amount,
                                currency=n.currency, crc=merchant.crc),
        }
        reply = self._call(merchant, "PUT", "/api/v1/transaction/verify", body)
        if reply.status in (400, 404, 409):  # the gateway does not confirm this payment (amount, sign, session)
            return False
        self._raise_unless_ok(reply, "verify")
        return isinstance(reply.data, dict) and reply.data.get("status") == "success"

    def status(self, merchant: Merchant, session_id: str) -> TransactionStatus | None:
        reply = self._call(merchant, "GET", f"/api/v1/transaction/by/sessionId/{quote(session_id, safe='')}")
        if reply.status == 404:
            return None
        self._raise_unless_ok(reply, "status")
        data = reply.data
        if not isinstance(data, dict) or data.get("status") not in STATUS_NAMES:
            raise GatewayError("Przelewy24 status: unexpected answer", retryable=True)
        order_id = data.get("orderId")
        return TransactionStatus(session_id=str(data.get("sessionId") or session_id),
                                 order_id=order_id if isinstance(order_id, int) and order_id > 0 else None,
                                 amount=int(data.get("amount") or 0), status=STATUS_NAMES[data["status"]])

    def refund(self, merchant: Merchant, *, request_id: str, order_id: int, session_id: str, amount: int,
               description: str) -> None:
        body = {"requestId": request_id, "refundsUuid": request_id,
                "refunds": [{"orderId": order_id, "sessionId": session_id, "amount": amount,
                             "description": description}]}
        reply = self._call(merchant, "POST", "/api/v1/transaction/refund", body)
        self._raise_unless_ok(reply, "refund")
        items = reply.data if isinstance(reply.data, list) else []
        refused = [item for item in items if isinstance(item, dict) and item.get("status") is False]
        if refused or not items:
            raise GatewayError(f"Przelewy24 refund refused: {refused or reply.body}", retryable=False)

    def report(self, merchant: Merchant, day: date) -> list[ReportRow]:
        stamp = day.strftime("%Y%m%d")
        reply = self._call(merchant, "GET", "/api/v1/report/history?" + urlencode(
            {"dateFrom": stamp, "dateTo": stamp}))
        rows: list[ReportRow] = []
        pages = 1
        for read in range(1, REPORT_MAX_PAGES + 1):
            self._raise_unless_ok(reply, "report")
            rows.extend(report_rows(reply.data))
            token = reply.body.get("token")
            info = reply.body.get("pageInformation")
            if isinstance(info, dict) and isinstance(info.get("pageCount"), int):
                pages = info["pageCount"]  # said on the first page at least
            if not token or read >= pages:
                return rows
            reply = self._call(merchant, "GET", f"/api/v1/report/history/{quote(str(token), safe='')}")
        raise GatewayError("Przelewy24 report: too many pages", retryable=False)

    # --- HTTP ---------------------------------------------------------------------------------------------

    def _call(self, merchant: Merchant, method: str, path: str, body: Any = None) -> Reply:
        credentials = base64.b64encode(f"{merchant.pos_id}:{merchant.api_key}".encode()).decode()
        headers = {"Authorization": f"Basic {credentials}", "Accept": "application/json"}
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        status, raw = self._transport(method, self.base_url + path, headers, data, self._timeout)
        try:
            parsed = json.loads(raw) if raw else None
        except (ValueError, UnicodeDecodeError):
            parsed = None
        return Reply(status, parsed)

    @staticmethod
    def _raise_unless_ok(reply: Reply, what: str) -> None:
        if 200 <= reply.status < 300 and isinstance(reply.body, dict):
            if reply.body.get("responseCode", 0) not in (0, None):
                raise GatewayError(f"Przelewy24 {what}: responseCode {reply.body['responseCode']}",
                                   retryable=False)
            return
        retryable = reply.status >= 500 or reply.status in (408, 429) or 200 <= reply.status < 300
        raise GatewayError(f"Przelewy24 {what}: HTTP {reply.status} {reply.error}".rstrip(), retryable=retryable)


def report_rows(data: Any) -> list[ReportRow]:
    """Rows of one page of the Report API: its transactions (paid) and refunds (returned); batches skipped."""
    rows: list[ReportRow] = []
    for entry in data if isinstance(data, list) else []:
        kind = entry.get("type") if isinstance(entry, dict) else None
        if kind not in ("transaction", "refund"):
            continue
        details = entry.get("details")
        for item in details if isinstance(details, list) else [details]:
            if not isinstance(item, dict):
                continue
            order_id = item.get("orderId", item.get("ordrId"))  # P24's documentation spells it both ways
            rows.append(ReportRow(
                session_id=str(item.get("sessionId", "")), order_id=int(order_id or 0),
                amount=int(item.get("amount", entry.get("amount", 0)) or 0),
                currency=str(entry.get("currency") or "PLN"),
                status="paid" if kind == "transaction" else "returned",
                at=_when(item.get("dateOfVerification") or item.get("dateOfTransaction") or item.get("date")),
                fee=int(item.get("fee") or 0) if kind == "transaction" else 0))
    return rows


def _when(text: Any) -> datetime:
    """P24 writes times as Warsaw wall-clock `YYYY-MM-DD HH:MM:SS`; an ISO time with an offset is kept."""
    from zoneinfo import ZoneInfo

    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError as exc:
        raise GatewayError(f"Przelewy24 report: unreadable time {text!r}", retryable=False) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("Europe/Warsaw"))

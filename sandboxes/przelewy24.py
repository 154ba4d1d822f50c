"""A local Przelewy24 (REST v1) for `make run` and the tests: `python -m sandboxes.przelewy24 --port 8070`.

The wire contract of P24's REST API (Basic auth posId:API key, JSON, grosze, `sign`), the payer's page
`/trnRequest/{token}` and the notifications to `urlStatus`, repeated on P24's schedule (compressed by
`--minute-seconds`, env P24_SANDBOX_MINUTE_SECONDS) until verified. The platform only gets this server's URL.
Test hooks live under `/_sandbox/` only:

    POST /_sandbox/merchants      {"merchant_id", "pos_id", "crc", "api_key"}  add (or replace) a merchant account
    GET  /_sandbox/transactions   every transaction with its notifications' deliveries (?session_id= to filter)
    POST /_sandbox/notify         {"session_id"[, "merchant_id"]}  send a paid transaction's notification now
    POST /_sandbox/notification   {"session_id"[, "merchant_id"]}  the signed notification it would send (not sent)
    POST /_sandbox/clock          {"advance_minutes": N}  move the gateway's clock (payer's time limit, report days)
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import signal
import sys
import threading
import urllib.error
import urllib.request
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from sandboxes.p24_ledger import Fees, Ledger, MerchantAccount, Refused, Transaction
from sandboxes.p24_page import page, payer_page

MAX_BODY = 1 << 20


class Sandbox:
    """The server, its books and the thread that sends the notifications; `close()` stops all of it."""

    def __init__(self, ledger: Ledger, *, host: str = "127.0.0.1", port: int = 0, page_size: int = 100) -> None:
        self.ledger = ledger
        self.page_size = page_size
        # token -> (merchant, the pages still to read, records, page count)
        self.report_pages: dict[str, tuple[int, list[list[dict[str, Any]]], int, int]] = {}
        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.server.sandbox = self  # type: ignore[attr-defined]
        self.url = f"http://{host}:{self.server.server_address[1]}"
        self._stop = threading.Event()
        self._senders = ThreadPoolExecutor(max_workers=4, thread_name_prefix="p24-notify")
        self._threads = [threading.Thread(target=self.server.serve_forever, name="p24-http", daemon=True),
                         threading.Thread(target=self._notify_loop, name="p24-schedule", daemon=True)]
        for thread in self._threads:
            thread.start()

    def add_merchant(self, merchant_id: int, pos_id: int, crc: str, api_key: str) -> None:
        self.ledger.add_merchant(MerchantAccount(merchant_id, pos_id, crc, api_key))

    def close(self) -> None:
        self._stop.set()
        with self.ledger.changed:
            self.ledger.changed.notify_all()
        self.server.shutdown()
        self.server.server_close()
        self._senders.shutdown(wait=False, cancel_futures=True)

    def deliver(self, tx: Transaction) -> dict[str, Any]:
        """POST the signed notification to the merchant's urlStatus; the answer is recorded."""
        body = json.dumps(self.ledger.notification(tx), ensure_ascii=False).encode()
        # urlStatus is the merchant's own, given at registration (as at P24).
        request = urllib.request.Request(tx.url_status, data=body, method="POST",  # noqa: S310
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                status, error = int(response.status), ""
        except urllib.error.HTTPError as err:
            status, error = int(err.code), err.read()[:300].decode(errors="replace")
        except (urllib.error.URLError, OSError) as exc:
            status, error = 0, str(exc)
        self.ledger.record_delivery(tx, status or None, error)
        return {"status": status or None, "error": error}

    def _notify_loop(self) -> None:
        while not self._stop.is_set():
            due, upcoming = self.ledger.due_notifications()
            for tx in due:
                self._senders.submit(self.deliver, tx)
            wait = 0.2 if upcoming is None else max(0.0, min(0.2, upcoming - self.ledger.monotonic()))
            with self.ledger.changed:
                self.ledger.changed.wait(wait)


class Handler(BaseHTTPRequestHandler):
    server_version = "p24-sandbox"
    protocol_version = "HTTP/1.1"

    @property
    def sandbox(self) -> Sandbox:
        return self.server.sandbox  # type: ignore[attr-defined, no-any-return]

    def log_message(self, format: str, *args: Any) -> None:
        if os.environ.get("P24_SANDBOX_VERBOSE"):
            super().log_message(format, *args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    # --- plumbing ---------------------------------------------------------------------------------------

    def _dispatch(self, method: str) -> None:
        url = urlsplit(self.path)
        path, query = unquote(url.path), parse_qs(url.query)
        try:
            raw = self._body()
            route = self._route(method, path)
            if route is None:
                raise Refused(404, "Not found")
            route(path, query, raw)
        except Refused as refusal:
            self._json(refusal.status, {"error": refusal.error, "code": refusal.status})
        except Exception as exc:  # a sandbox bug answers like P24's undefined error, and says what it was
            self._json(500, {"error": f"Undefined error: {exc!r}", "code": 500})

    def _route(self, method: str, path: str) -> Any:
        routes = {
            ("GET", "/api/v1/testAccess"): self._test_access,
            ("POST", "/api/v1/transaction/register"): self._register,
            ("PUT", "/api/v1/transaction/verify"): self._verify,
            ("POST", "/api/v1/transaction/refund"): self._refund,
            ("GET", "/api/v1/report/history"): self._history,
            ("POST", "/_sandbox/merchants"): self._add_merchant,
            ("GET", "/_sandbox/transactions"): self._transactions,
            ("POST", "/_sandbox/notify"): self._notify_now,
            ("POST", "/_sandbox/notification"): self._notification,
            ("POST", "/_sandbox/clock"): self._clock,
            ("GET", "/_sandbox/health"): lambda *_: self._json(200, {"ok": True}),
        }
        if (method, path) in routes:
            return routes[(method, path)]
        prefixes = [("GET", "/api/v1/transaction/by/sessionId/", self._status),
                    ("GET", "/api/v1/report/history/", self._history_page),
                    ("GET", "/trnRequest/", self._payer_page), ("POST", "/trnRequest/", self._payer_choice)]
        return next((handler for m, prefix, handler in prefixes if m == method and path.startswith(prefix)), None)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise Refused(413, "Request too large")
        return self.rfile.read(length) if length else b""

    def _json_body(self, raw: bytes) -> dict[str, Any]:
        try:
            body = json.loads(raw)
        except ValueError as exc:
            raise Refused(400, "Invalid input data") from exc
        if not isinstance(body, dict):
            raise Refused(400, "Invalid input data")
        return body

    def _account(self) -> MerchantAccount:
        header = self.headers.get("Authorization", "")
        try:
            pos_id, _, api_key = base64.b64decode(header.removeprefix("Basic ")).decode().partition(":")
        except ValueError as exc:
            raise Refused(401, "Incorrect authentication") from exc
        return self.sandbox.ledger.authenticate(pos_id, api_key)

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, body: Any) -> None:
        self._send(status, json.dumps(body, ensure_ascii=False, default=str).encode(),
                   "application/json; charset=utf-8")

    # --- P24's REST API ---------------------------------------------------------------------------------

    def _test_access(self, *_: Any) -> None:
        self._account()  # P24's check of a merchant's credentials
        self._json(200, {"data": True, "error": ""})

    def _register(self, _path: str, _query: Any, raw: bytes) -> None:
        account = self._account()
        token = self.sandbox.ledger.register(account, self._json_body(raw))
        self._json(200, {"data": {"token": token}, "responseCode": 0})

    def _verify(self, _path: str, _query: Any, raw: bytes) -> None:
        self.sandbox.ledger.verify(self._account(), self._json_body(raw))
        self._json(200, {"data": {"status": "success"}, "responseCode": 0})

    def _status(self, path: str, _query: Any, _raw: bytes) -> None:
        account = self._account()
        tx = self.sandbox.ledger.find(account, path.removeprefix("/api/v1/transaction/by/sessionId/"))
        if tx is None:
            raise Refused(404, "Transaction does not exist")
        wall = "%Y-%m-%d %H:%M:%S"
        self._json(200, {"data": {
            "statement": tx.statement, "orderId": tx.order_id, "sessionId": tx.session_id, "status": tx.status,
            "amount": tx.amount, "currency": tx.currency, "date": tx.registered_at.strftime(wall),
            "dateOfTransaction": tx.paid_at.strftime(wall) if tx.paid_at else "", "clientEmail": tx.email,
            "paymentMethod": tx.method_id, "description": tx.description, "fee": str(tx.fee)}, "responseCode": 0})

    def _refund(self, _path: str, _query: Any, raw: bytes) -> None:
        status, answer = self.sandbox.ledger.refund(self._account(), self._json_body(raw))
        self._json(status, answer)

    def _history(self, _path: str, query: dict[str, list[str]], _raw: bytes) -> None:
        account = self._account()
        try:
            first, last = (datetime.strptime(query[k][0], "%Y%m%d").date() for k in ("dateFrom", "dateTo"))
        except (KeyError, ValueError) as exc:
            raise Refused(400, "Invalid input data: dateFrom/dateTo") from exc
        if not first <= last <= first + timedelta(days=31):
            raise Refused(400, "Invalid input data: max period length is 31 days")
        wanted = query.get("type", [""])[0]
        entries = [e for e in self.sandbox.ledger.history(account, first, last) if wanted in ("", e["type"])]
        size = self.sandbox.page_size
        pages = [entries[i:i + size] for i in range(0, len(entries), size)] or [[]]
        self._history_answer(account, pages, len(entries), len(pages))

    def _history_page(self, path: str, _query: Any, _raw: bytes) -> None:
        account = self._account()
        token = path.removeprefix("/api/v1/report/history/")
        kept = self.sandbox.report_pages.get(token)
        if kept is None or kept[0] != account.merchant_id:
            raise Refused(400, "Invalid token")
        del self.sandbox.report_pages[token]
        self._history_answer(account, kept[1], kept[2], kept[3])

    def _history_answer(self, account: MerchantAccount, pages: list[list[dict[str, Any]]], records: int,
                        count: int) -> None:
        token = ""
        if len(pages) > 1:
            token = secrets.token_hex(8)
            self.sandbox.report_pages[token] = (account.merchant_id, pages[1:], records, count)
        info = {"recordsOnPage": len(pages[0]), "recordsAll": records, "pageCount": count}
        self._json(200, {"data": pages[0], "token": token, "responseCode": 0, "pageInformation": info})

    # --- the payer's page -------------------------------------------------------------------------------

    def _payer_page(self, path: str, _query: Any, _raw: bytes) -> None:
        ledger = self.sandbox.ledger
        try:
            tx = ledger.for_payer(path.removeprefix("/trnRequest/"))
        except Refused:
            self._send(404, page("Nie znaleziono płatności", "<p>Ten link do płatności jest nieprawidłowy.</p>"),
                       "text/html; charset=utf-8")
            return
        self._send(200, payer_page(tx, open_for_payment=ledger.open_for_payment(tx)), "text/html; charset=utf-8")

    def _payer_choice(self, path: str, _query: Any, raw: bytes) -> None:
        token = path.removeprefix("/trnRequest/")
        action = parse_qs(raw.decode(errors="replace")).get("action", [""])[0]
        if action not in ("pay", "fail"):
            raise Refused(400, "Invalid input data: action")
        try:
            tx = self.sandbox.ledger.pay(token) if action == "pay" else self.sandbox.ledger.fail(token)
        except Refused:
            self._payer_page(path, None, b"")
            return
        self._send(303, b"", "text/plain", {"Location": tx.url_return})

    # --- test hooks -------------------------------------------------------------------------------------

    def _add_merchant(self, _path: str, _query: Any, raw: bytes) -> None:
        body = self._json_body(raw)
        try:
            self.sandbox.add_merchant(int(body["merchant_id"]), int(body["pos_id"]), str(body["crc"]),
                                      str(body["api_key"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise Refused(400, "merchant_id, pos_id, crc, api_key required") from exc
        self._json(201, {"merchant_id": int(body["merchant_id"])})

    def _transactions(self, _path: str, query: dict[str, list[str]], _raw: bytes) -> None:
        wanted = query.get("session_id", [None])[0]
        with self.sandbox.ledger.changed:
            rows = [t.view() for t in self.sandbox.ledger.transactions.values() if wanted in (None, t.session_id)]
        self._json(200, {"transactions": rows})

    def _paid(self, raw: bytes) -> Transaction:
        body = self._json_body(raw)
        with self.sandbox.ledger.changed:
            found = [t for t in self.sandbox.ledger.transactions.values()
                     if t.session_id == body.get("session_id") and body.get("merchant_id") in (None, t.merchant_id)
                     and t.order_id]
        if len(found) != 1:
            raise Refused(404 if not found else 409, "no single paid transaction of that session")
        return found[0]

    def _notify_now(self, _path: str, _query: Any, raw: bytes) -> None:
        self._json(200, self.sandbox.deliver(self._paid(raw)))

    def _notification(self, _path: str, _query: Any, raw: bytes) -> None:
        self._json(200, self.sandbox.ledger.notification(self._paid(raw)))

    def _clock(self, _path: str, _query: Any, raw: bytes) -> None:
        minutes = self._json_body(raw).get("advance_minutes")
        if not isinstance(minutes, int | float) or minutes < 0:
            raise Refused(400, "advance_minutes: a number >= 0")
        self.sandbox.ledger.offset += timedelta(minutes=minutes)
        self._json(200, {"now": self.sandbox.ledger.now().isoformat()})


def serve(port: int = 0, *, host: str = "127.0.0.1", minute_seconds: float | None = None,
          merchants: Iterable[dict[str, Any]] = (), fees: Fees | None = None, page_size: int = 100) -> Sandbox:
    """Start the sandbox in background threads (port 0: a free one); `.url`, `.close()`."""
    if minute_seconds is None:
        minute_seconds = float(os.environ.get("P24_SANDBOX_MINUTE_SECONDS") or 60.0)
    sandbox = Sandbox(Ledger(minute_seconds=minute_seconds, fees=fees), host=host, port=port, page_size=page_size)
    for m in merchants:
        sandbox.add_merchant(int(m["merchant_id"]), int(m["pos_id"]), str(m["crc"]), str(m["api_key"]))
    return sandbox


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m sandboxes.przelewy24", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("EURZAD_PAYMENTS_PORT") or 8070))
    parser.add_argument("--minute-seconds", type=float, default=None,
                        help="how long a minute of P24's retry schedule lasts here (default 60)")
    parser.add_argument("--merchants", type=argparse.FileType("r", encoding="utf-8"),
                        help='JSON list of {"merchant_id", "pos_id", "crc", "api_key"}')
    parser.add_argument("--merchant", action="append", default=[], metavar="MERCHANT_ID:POS_ID:CRC:API_KEY",
                        help="one merchant account (repeatable)")
    parser.add_argument("--fee-percent", type=Decimal, default=Fees.percent)
    parser.add_argument("--fee-fixed", type=int, default=Fees.fixed, help="grosze per transaction")
    parser.add_argument("--page-size", type=int, default=100, help="entries per page of the report")
    args = parser.parse_args(argv)
    merchants = json.load(args.merchants) if args.merchants else []
    for given in args.merchant:
        merchant_id, pos_id, crc, api_key = given.split(":", 3)
        merchants.append({"merchant_id": merchant_id, "pos_id": pos_id, "crc": crc, "api_key": api_key})
    sandbox = serve(args.port, host=args.host, minute_seconds=args.minute_seconds, merchants=merchants,
                    fees=Fees(args.fee_percent, args.fee_fixed), page_size=args.page_size)
    print(f"Przelewy24 (sandbox) na {sandbox.url} — {len(merchants)} kont sprzedawców", flush=True)
    stopped = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopped.set())
    stopped.wait()
    sandbox.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


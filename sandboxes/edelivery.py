"""A local sandbox e-Delivery box: the User Agent API subset the office's client speaks, the addressee's page,
and controls for tests. A small threaded stdlib HTTP server; state in memory.

    python -m sandboxes.edelivery --port 8071 --key provider.key.pem --cert provider-chain.pem \
        --box 'AE:PL-11111-22222-AAAAA-01=Jan Kowalski' --public-box 'AE:PL-…=Gmina X'

UAA (the client's side; `--token` makes them require `Authorization: Bearer <token>`):
  POST /{ADE}/messages, GET /{ADE}/messages, GET /{ADE}/messages/{id}, GET /{ADE}/messages/{id}/evidences,
  POST /{ADE}/messages/{id}/receive (the addressee collects), GET /{ADE}/messages/{id}/attachments/{n},
  POST /{ADE}/subscriptions, DELETE /{ADE}/subscriptions/{id}
The addressee's page: GET /skrzynka/{ADE} with „Odbierz” (POST /skrzynka/{ADE}/odbierz/{id}); GET / lists boxes.
Tests: POST /_sandbox/boxes {address, name, public_body}, POST /_sandbox/clock {now[, frozen]} |
  {advance_seconds} | {real: true}, POST /_sandbox/failures {next_sends, status}, GET /_sandbox/callbacks.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import re
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from chalicelib.signatures.sealing import OfficeSeal
from sandboxes import edelivery_page as page
from sandboxes.edelivery_state import Clock, Event, Message, Sandbox, SandboxError

MAX_BODY = 50 * 1024 * 1024
RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0)  # a callback that fails is tried again after these
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # callbacks go to local URLs, no proxy


def iso(at: dt.datetime | None) -> str | None:
    return at.astimezone(dt.UTC).isoformat(timespec="seconds").replace("+00:00", "Z") if at else None


def message_json(message: Message) -> dict[str, Any]:
    return {"messageId": message.message_id, "clientMessageId": message.client_message_id,
            "sender": message.sender, "recipient": message.recipient, "subject": message.subject,
            "status": message.status, "submittedAt": iso(message.submitted_at), "sentAt": iso(message.sent_at),
            "arrivedAt": iso(message.arrived_at), "deliveredAt": iso(message.delivered_at),
            "undeliveredReason": message.undelivered_reason,
            "attachments": [{"filename": n, "contentType": t, "size": len(c)} for n, t, c in message.documents]}


class Callbacks:
    """POSTs every event to the subscribers' URLs, each delivery in its own thread, retried on failure."""

    def __init__(self, delays: tuple[float, ...] = RETRY_DELAYS) -> None:
        self.sandbox: Sandbox | None = None
        self.delays = delays
        self.log: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def __call__(self, events: list[Event]) -> None:
        assert self.sandbox is not None
        for event in events:
            for address, url in self.sandbox.callbacks_for(event):
                body = json.dumps({"eventId": event.event_id, "eDeliveryAddress": address,
                                   "messageId": event.message_id, "status": event.status,
                                   "eventAt": iso(event.at)}).encode()
                threading.Thread(target=self._deliver, args=(url, body), daemon=True).start()

    def _deliver(self, url: str, body: bytes) -> None:
        for attempt, delay in enumerate((0.0, *self.delays), start=1):
            time.sleep(delay)
            try:
                request = urllib.request.Request(url, data=body, method="POST",  # noqa: S310
                                                 headers={"Content-Type": "application/json"})
                with _DIRECT.open(request, timeout=10) as answer:
                    status = answer.status
            except OSError as error:
                status = getattr(error, "code", 0)
            with self._lock:
                del self.log[:-999]  # the latest thousand attempts are enough to look at
                self.log.append({"url": url, "attempt": attempt, "status": status, "body": json.loads(body)})
            if 200 <= status < 300:
                return


ROUTES: list[tuple[str, str, str]] = [
    ("POST", r"/_sandbox/boxes", "admin_box"),
    ("GET", r"/_sandbox/boxes", "admin_boxes"),
    ("POST", r"/_sandbox/clock", "admin_clock"),
    ("GET", r"/_sandbox/clock", "admin_clock_read"),
    ("POST", r"/_sandbox/failures", "admin_failures"),
    ("GET", r"/_sandbox/callbacks", "admin_callbacks"),
    ("GET", r"/", "html_index"),
    ("GET", r"/skrzynka/(?P<ade>[^/]+)", "html_inbox"),
    ("POST", r"/skrzynka/(?P<ade>[^/]+)/odbierz/(?P<mid>[^/]+)", "html_collect"),
    ("GET", r"/skrzynka/(?P<ade>[^/]+)/(?P<mid>[^/]+)/(?P<n>\d+)", "html_document"),
    ("POST", r"/(?P<ade>[^/_][^/]*)/messages", "send"),
    ("GET", r"/(?P<ade>[^/_][^/]*)/messages", "list_messages"),
    ("GET", r"/(?P<ade>[^/_][^/]*)/messages/(?P<mid>[^/]+)", "status"),
    ("GET", r"/(?P<ade>[^/_][^/]*)/messages/(?P<mid>[^/]+)/evidences", "evidences"),
    ("POST", r"/(?P<ade>[^/_][^/]*)/messages/(?P<mid>[^/]+)/receive", "receive"),
    ("GET", r"/(?P<ade>[^/_][^/]*)/messages/(?P<mid>[^/]+)/attachments/(?P<n>\d+)", "attachment"),
    ("POST", r"/(?P<ade>[^/_][^/]*)/subscriptions", "subscribe"),
    ("DELETE", r"/(?P<ade>[^/_][^/]*)/subscriptions/(?P<mid>[^/]+)", "unsubscribe"),
]


class Handler(BaseHTTPRequestHandler):
    server: SandboxServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *_: Any) -> None:  # quiet: the tests and `make run` print what matters
        pass

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")

    def do_DELETE(self) -> None:
        self._route("DELETE")

    def _route(self, method: str) -> None:
        path = urlsplit(self.path).path
        try:
            for verb, pattern, name in ROUTES:
                match = re.fullmatch(pattern, path)
                if verb == method and match:
                    params = {k: unquote(v) for k, v in match.groupdict().items()}
                    if not name.startswith(("admin_", "html_")):
                        self._authorize()
                    self.server.sandbox.tick()
                    getattr(self, name)(**params)
                    return
            raise SandboxError(404, "not_found", "Nie ma takiego zasobu.")
        except SandboxError as error:
            headers = {"Retry-After": str(error.retry_after)} if error.retry_after else {}
            self._json(error.status, {"error": {"code": error.code, "message": error.message}}, headers)
        except (ValueError, TypeError, AttributeError) as error:  # a malformed control request, never a hang-up
            self._json(400, {"error": {"code": "invalid_request", "message": f"Niepoprawne żądanie: {error}"}})

    def _authorize(self) -> None:
        token = self.server.token
        if token and self.headers.get("Authorization") != f"Bearer {token}":
            raise SandboxError(401, "unauthorized", "Brak lub niepoprawny token dostępu.")

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise SandboxError(413, "too_large", "Wiadomość jest za duża.")
        raw = self.rfile.read(length)
        if "json" not in (self.headers.get("Content-Type") or ""):
            return raw
        try:
            return json.loads(raw or b"{}")
        except ValueError as error:
            raise SandboxError(400, "invalid_json", "Treść żądania nie jest poprawnym JSON-em.") from error

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, value: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(value, ensure_ascii=False).encode(), "application/json; charset=utf-8",
                   headers)

    # -- UAA ------------------------------------------------------------------------------------------------

    def send(self, ade: str) -> None:
        message, created = self.server.sandbox.send(ade, self._body())
        self._json(201 if created else 200, {"messageId": message.message_id, "status": message.status})

    def list_messages(self, ade: str) -> None:
        self._json(200, {"messages": [message_json(m) for m in self.server.sandbox.box_messages(ade)]})

    def status(self, ade: str, mid: str) -> None:
        self._json(200, message_json(self.server.sandbox.message(ade, mid)))

    def evidences(self, ade: str, mid: str) -> None:
        message = self.server.sandbox.message(ade, mid)
        self._json(200, {"evidences": [
            {"evidenceId": e.evidence_id, "type": e.kind, "issuedAt": iso(e.issued_at), "eventAt": iso(e.event_at),
             "content": base64.b64encode(e.xml).decode()} for e in message.evidences]})

    def receive(self, ade: str, mid: str) -> None:
        self._json(200, message_json(self.server.sandbox.collect(ade, mid)))

    def attachment(self, ade: str, mid: str, n: str) -> None:
        name, media_type, content = self._document(ade, mid, int(n))
        self._send(200, content, media_type, {"Content-Disposition": f"attachment; filename*=UTF-8''{name}"})

    def subscribe(self, ade: str) -> None:
        body = self._body()
        url = body.get("callbackUrl") if isinstance(body, dict) else None
        self._json(201, {"subscriptionId": self.server.sandbox.subscribe(ade, str(url or ""))})

    def unsubscribe(self, ade: str, mid: str) -> None:
        self.server.sandbox.unsubscribe(ade, mid)
        self._send(204, b"", "application/json")

    def _document(self, ade: str, message_id: str, index: int) -> tuple[str, str, bytes]:
        message = self.server.sandbox.message(ade, message_id)
        readable = ade == message.sender or message.status in ("DELIVERED", "DEEMED_DELIVERED")
        if not readable or index >= len(message.documents):
            raise SandboxError(404, "document_unknown", "Dokument niedostępny: najpierw odbierz wiadomość.")
        return message.documents[index]

    # -- the addressee's page -------------------------------------------------------------------------------

    def html_index(self) -> None:
        self._send(200, page.index(list(self.server.sandbox.boxes.values())), "text/html; charset=utf-8")

    def html_inbox(self, ade: str) -> None:
        sandbox = self.server.sandbox
        box = sandbox.boxes.get(ade)
        if box is None:
            raise SandboxError(404, "box_unknown", "Nie ma skrzynki o tym adresie w piaskownicy.")
        received = [m for m in sandbox.box_messages(ade) if m.recipient == ade]
        senders = {b.address: b.name for b in sandbox.boxes.values()}
        self._send(200, page.inbox(box, received, senders, sandbox.clock.now()), "text/html; charset=utf-8")

    def html_collect(self, ade: str, mid: str) -> None:
        self._body()
        self.server.sandbox.collect(ade, mid)
        self._send(303, b"", "text/plain", {"Location": self.path.rsplit("/odbierz/", 1)[0]})

    def html_document(self, ade: str, mid: str, n: str) -> None:
        self.attachment(ade, mid, n)

    # -- test controls --------------------------------------------------------------------------------------

    def admin_box(self) -> None:
        body = self._body()
        if not isinstance(body, dict) or not isinstance(body.get("address"), str):
            raise SandboxError(422, "invalid_request", "Podaj adres skrzynki (address).")
        box = self.server.sandbox.register_box(body["address"], str(body.get("name") or body["address"]),
                                               public_body=bool(body.get("public_body")))
        self._json(201, {"address": box.address, "name": box.name, "public_body": box.public_body})

    def admin_boxes(self) -> None:
        self._json(200, [{"address": b.address, "name": b.name, "public_body": b.public_body}
                         for b in self.server.sandbox.boxes.values()])

    def admin_clock(self) -> None:
        body = self._body()
        body = body if isinstance(body, dict) else {}
        try:
            now = self.server.sandbox.move_clock(lambda clock: _change_clock(clock, body))
        except (ValueError, TypeError) as error:
            raise SandboxError(422, "invalid_clock", f"Niepoprawna zmiana zegara: {error}") from error
        self._json(200, {"now": iso(now)})

    def admin_clock_read(self) -> None:
        self._json(200, {"now": iso(self.server.sandbox.clock.now())})

    def admin_failures(self) -> None:
        body = self._body()
        body = body if isinstance(body, dict) else {}
        self.server.sandbox.fail_next_sends(int(body.get("next_sends", 1)), int(body.get("status", 503)))
        self._json(200, {"next_sends": int(body.get("next_sends", 1))})

    def admin_callbacks(self) -> None:
        self._json(200, list(self.server.callbacks.log))


def _change_clock(clock: Clock, body: dict[str, Any]) -> None:
    if body.get("real"):
        clock.real()
    if "now" in body:
        at = dt.datetime.fromisoformat(str(body["now"]).replace("Z", "+00:00"))
        if at.tzinfo is None:
            raise ValueError("czas bez strefy")
        clock.set(at, frozen=bool(body.get("frozen", True)))
    if "advance_seconds" in body:
        clock.advance(float(body["advance_seconds"]))


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int, seal: OfficeSeal, *, token: str | None = None, host: str = "127.0.0.1",
                 callback_delays: tuple[float, ...] = RETRY_DELAYS) -> None:
        super().__init__((host, port), Handler)
        self.callbacks = Callbacks(callback_delays)
        self.sandbox = Sandbox(seal, self.callbacks)
        self.callbacks.sandbox = self.sandbox
        self.token = token
        self._ticking = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> SandboxServer:
        """Serve in a daemon thread, with a ticker that deems messages delivered as the clock passes D+15."""
        threading.Thread(target=self.serve_forever, daemon=True).start()
        threading.Thread(target=self._tick, daemon=True).start()
        return self

    def stop(self) -> None:
        self._ticking.set()
        self.shutdown()
        self.server_close()

    def _tick(self) -> None:
        while not self._ticking.wait(1.0):
            self.sandbox.tick()


def _box(spec: str) -> tuple[str, str]:
    address, _, name = spec.partition("=")
    return address.strip(), (name or address).strip()


def from_arguments(argv: list[str] | None = None) -> SandboxServer:
    """The server the command line describes, its boxes registered, not yet serving."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8071)
    parser.add_argument("--key", type=Path, required=True, help="the provider's private key (PEM)")
    parser.add_argument("--cert", type=Path, required=True, help="its certificate and chain (PEM)")
    parser.add_argument("--token", help="require this OAuth 2.0 bearer on the UAA routes")
    parser.add_argument("--box", action="append", default=[], help="ADE=name of a person's or firm's box")
    parser.add_argument("--public-box", action="append", default=[], help="ADE=name of a public body's box")
    args = parser.parse_args(argv)
    server = SandboxServer(args.port, OfficeSeal(args.key.read_bytes(), args.cert.read_bytes()), token=args.token)
    for spec, public in [(s, False) for s in args.box] + [(s, True) for s in args.public_box]:
        server.sandbox.register_box(*_box(spec), public_body=public)
    return server


def main(argv: list[str] | None = None) -> int:
    server = from_arguments(argv)
    print(f"piaskownica e-Doręczeń: {server.url}", flush=True)
    server.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

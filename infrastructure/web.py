"""The web portal on this machine: the static site (web/), its configuration, the API on the same origin and,
only here, the development sign-in that mints tokens from the local issuer.

In production the same files are served from S3 through CloudFront and `config.json` is the deployed one;
nothing under /lokalnie/ exists there. The API is passed through on the site's own origin because the
emulator's API Gateway does not answer CORS preflights (its OPTIONS mock drops the response headers); the
deployed API allows the portal's origin with CORS (EURZAD_WEB_ORIGIN).
"""

from __future__ import annotations

import base64
import binascii
import http.client
import json
import mimetypes
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

from infrastructure.local_proxy import HOP_HEADERS

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "web"
LOCAL_PAGES = Path(__file__).resolve().parent / "web_local"
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".html": "text/html; charset=utf-8", ".json": "application/json; charset=utf-8",
         ".svg": "image/svg+xml", ".png": "image/png", ".txt": "text/plain; charset=utf-8"}
ROLES = {"resident", "clerk", "tenant-admin", "finance", "region-admin"}


def mint_token(request: dict[str, Any]) -> str:
    """A token from the local issuer for the development sign-in, with a resident's PESEL and name."""
    from chalicelib.core import dev_issuer

    role = str(request.get("role") or "")
    if role not in ROLES:
        raise ValueError("Nieznana rola.")
    subject = str(request.get("subject") or "").strip() or f"lokalnie-{role}"
    claims: dict[str, Any] = {"role": role, "subject": subject[:100]}
    for key in ("terc", "department", "pesel"):
        value = str(request.get(key) or "").strip()
        if value:
            claims[key] = value[:200]
    # A department head (clerk only): the flag Cognito carries as custom:department_head.
    head = role == "clerk" and request.get("department_head") is True
    return dev_issuer.issue(**claims, name=str(request.get("name") or "")[:200] or None, department_head=head)


def _binary(data: bytes, content_type: str) -> bytes:
    """The emulator's API Gateway hands binary answers (application/xml) on still base64-encoded, where AWS
    decodes them; decoded here so the portal gets what it gets from the deployed API."""
    if not content_type.startswith(("application/xml", "text/xml")) or data[:1] in (b"<", b"\xef", b""):
        return data
    try:
        return base64.b64decode(data, validate=True)
    except binascii.Error:
        return data


def site_config(api: str, *, dev_sign_in: bool) -> dict[str, Any]:
    config: dict[str, Any] = {"api": api, "environment": "lokalne" if dev_sign_in else "produkcja"}
    if dev_sign_in:
        config["devSignIn"] = "/lokalnie/logowanie.html"
    return config


class Site(BaseHTTPRequestHandler):
    """The portal's handler; `handler_for` sets where the API is and whether the local sign-in exists."""

    protocol_version = "HTTP/1.1"
    target: ClassVar[urllib.parse.SplitResult] = urllib.parse.urlsplit("http://127.0.0.1")
    api: ClassVar[str] = ""
    dev_sign_in: ClassVar[bool] = True

    def _send(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _static(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        if path == "/config.json":
            body = json.dumps(site_config(self.api, dev_sign_in=self.dev_sign_in)).encode()
            self._send(200, body, TYPES[".json"], {"Cache-Control": "no-store"})
            return
        base, rel = (LOCAL_PAGES, path[len("/lokalnie/"):]) if path.startswith("/lokalnie/") else (SITE, path)
        if base is LOCAL_PAGES and not self.dev_sign_in:
            self._send(404, b"Nie znaleziono.", TYPES[".txt"])
            return
        file = (base / urllib.parse.unquote(rel).lstrip("/")).resolve()
        if file.is_dir():
            file = file / "index.html"
        if not file.is_relative_to(base.resolve()) or not file.is_file():
            self._send(404, b"Nie znaleziono.", TYPES[".txt"])
            return
        kind = TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        self._send(200, file.read_bytes(), kind, {"Cache-Control": "no-cache"})

    def _proxy(self, body: bytes | None) -> None:
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
        conn = http.client.HTTPConnection(self.target.hostname or "127.0.0.1", self.target.port,
                                          timeout=60)
        try:
            conn.request(self.command, self.target.path + self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        except OSError as exc:
            sys.stderr.write(f"[web] API unreachable: {exc!r}\n")
            self._send(502, f"API niedostępne: {exc}".encode(), TYPES[".txt"])
            return
        finally:
            conn.close()
        data = _binary(data, resp.getheader("Content-Type") or "")
        self._send(resp.status, data, resp.getheader("Content-Type") or "application/octet-stream",
                   {k: v for k, v in resp.getheaders() if k.lower() not in HOP_HEADERS | {"content-type"}})

    def _token(self, body: bytes) -> None:
        try:
            token = mint_token(json.loads(body or b"{}"))
        except (ValueError, TypeError) as exc:
            self._send(422, json.dumps({"error": {"code": "invalid", "message": str(exc), "details": []}},
                                       ensure_ascii=False).encode(), TYPES[".json"])
            return
        self._send(200, json.dumps({"token": token}).encode(), TYPES[".json"], {"Cache-Control": "no-store"})

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        if self.path.startswith("/v1/"):
            self._proxy(body)
        elif self.path == "/lokalnie/token" and self.command == "POST" and self.dev_sign_in:
            self._token(body or b"")
        elif self.command in ("GET", "HEAD"):
            self._static()
        else:
            self._send(405, b"Niedozwolona metoda.", TYPES[".txt"])

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = _dispatch  # noqa: N815 (http.server names)

    def log_message(self, fmt: str, *args: object) -> None:
        if self.path.startswith("/v1/") or (len(args) > 1 and str(args[1]) >= "400"):
            sys.stderr.write(f"[web] {self.command} {self.path} -> {args[1] if len(args) > 1 else ''}\n")


def handler_for(upstream: str, *, api: str = "", dev_sign_in: bool = True) -> type[BaseHTTPRequestHandler]:
    """Static files from web/ (and web_local/ under /lokalnie/), /config.json, /v1/* to `upstream`."""
    class Configured(Site):
        pass

    Configured.target = urllib.parse.urlsplit(upstream)
    Configured.api = api
    Configured.dev_sign_in = dev_sign_in
    return Configured


def serve(port: int, upstream: str, *, dev_sign_in: bool = True) -> ThreadingHTTPServer:
    """Bind the portal on 127.0.0.1:`port` (0: any free port); the caller runs serve_forever and shutdown."""
    return ThreadingHTTPServer(("127.0.0.1", port), handler_for(upstream, dev_sign_in=dev_sign_in))

"""The local API: a pass-through on a plain localhost port to the emulator's API Gateway URL.

The emulator starts a new worker process for every request that finds no idle one (each unpacks the
dependencies layer and imports the app), with no bound and no queue: a burst of parallel requests on two
cores makes them all overrun any timeout. So the proxy is where a burst queues: at most `concurrency`
requests go upstream at once and the rest wait their turn here, inside a listen backlog large enough to
hold them. `serve` first warms that many workers, so the first burst does not pay the cold starts.
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "host", "content-length"}
# The emulator bounds a handler's run by the function's timeout but not the start of a new worker.
COLD_START_ALLOWANCE = 60.0
# How long a request may wait for its turn before it is told to come back (503).
QUEUE_WAIT = 300.0


def function_timeout() -> float:
    return float(json.loads((ROOT / ".chalice" / "config.json").read_text()).get("lambda_timeout", 60))


def default_concurrency() -> int:
    return int(os.environ.get("EURZAD_API_CONCURRENCY") or max(2, os.cpu_count() or 2))


def error_body(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message, "details": []}}, ensure_ascii=False).encode()


class LocalApiServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # The listen backlog: clients of a burst wait in it instead of being reset (the default is 5).
    request_queue_size = 256


def proxy_to(upstream: str, *, concurrency: int, timeout: float) -> type[BaseHTTPRequestHandler]:
    target = urllib.parse.urlsplit(upstream)
    turns = threading.BoundedSemaphore(concurrency)

    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _reply(self, status: int, headers: list[tuple[str, str]], data: bytes) -> None:
            self.send_response(status)
            for key, value in headers:
                if key.lower() not in HOP_HEADERS:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def _fail(self, status: int, code: str, message: str, retry_after: int | None = None) -> None:
            headers = [("Content-Type", "application/json; charset=utf-8")]
            if retry_after is not None:
                headers.append(("Retry-After", str(retry_after)))
            self._reply(status, headers, error_body(code, message))

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
            # HEAD is GET without the body (API Gateway routes only the methods the app declares).
            method = "GET" if self.command == "HEAD" else self.command
            if not turns.acquire(timeout=QUEUE_WAIT):
                self._fail(503, "api_busy", "Lokalne API jest przeciążone; spróbuj ponownie za chwilę.", 5)
                return
            conn = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=timeout)
            try:
                conn.request(method, target.path + self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
            except TimeoutError:
                self._fail(504, "emulator_timeout", f"Lokalny emulator AWS nie odpowiedział w ciągu {timeout:.0f} s.")
                return
            except OSError as exc:
                self._fail(502, "emulator_unreachable", f"Lokalny emulator AWS jest nieosiągalny ({exc}).")
                return
            finally:
                conn.close()
                turns.release()
            self._reply(resp.status, resp.getheaders(), data)

        do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _forward  # noqa: N815

        def log_message(self, fmt: str, *args: object) -> None:
            sys.stderr.write(f"[api] {self.command} {self.path} -> {args[1] if len(args) > 1 else ''}\n")

    return Proxy


def warm(upstream: str, workers: int, timeout: float) -> list[int]:
    """Start `workers` API workers in the emulator (one request each, in parallel); their statuses."""

    def one(_: int) -> int:
        target = urllib.parse.urlsplit(upstream)
        conn = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=timeout)
        try:
            conn.request("GET", target.path + "/v1/catalogue")
            resp = conn.getresponse()
            resp.read()
            return resp.status
        except OSError:
            return 0
        finally:
            conn.close()

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(one, range(workers)))


def serve(upstream: str, port: int, *, concurrency: int | None = None) -> LocalApiServer:
    """Warm the API workers, then serve the API on 127.0.0.1:`port` (0: any free port) in a thread."""
    concurrency = concurrency or default_concurrency()
    timeout = function_timeout() + COLD_START_ALLOWANCE
    warm(upstream, concurrency, timeout)
    server = LocalApiServer(("127.0.0.1", port), proxy_to(upstream, concurrency=concurrency, timeout=timeout))
    threading.Thread(target=server.serve_forever, daemon=True, name="local-api").start()
    return server

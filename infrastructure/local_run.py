"""`make run`: the whole platform on this machine, in the foreground; Ctrl-C stops everything it started.

Starts the emulator, deploys the app stack into it (its SQS and schedule handlers run there on real
triggers), publishes the catalogue, loads the demo region, and serves the REST API on a plain localhost
port. URLs are printed and written to .local/endpoints.json.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from infrastructure import emulator

ROOT = Path(__file__).resolve().parent.parent
STAGE = "local"
EMULATOR_PORT = int(os.environ.get("EURZAD_EMULATOR_PORT", "4566"))
API_PORT = int(os.environ.get("EURZAD_API_PORT", "8080"))
WEB_PORT = int(os.environ.get("EURZAD_WEB_PORT", "8090"))
HOP_HEADERS = {"connection", "keep-alive", "transfer-encoding", "host", "content-length"}


def proxy_to(upstream: str) -> type[BaseHTTPRequestHandler]:
    """A pass-through to the emulator's API Gateway URL, so the API answers at http://127.0.0.1:PORT/v1/..."""
    target = urllib.parse.urlsplit(upstream)

    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_HEADERS}
            conn = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=60)
            try:
                conn.request(self.command, target.path + self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
            except OSError as exc:
                self.send_error(502, f"emulator unreachable: {exc}")
                return
            finally:
                conn.close()
            self.send_response(resp.status)
            for key, value in resp.getheaders():
                if key.lower() not in HOP_HEADERS:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _forward  # noqa: N815 (http.server names)

        def log_message(self, fmt: str, *args: object) -> None:
            sys.stderr.write(f"[api] {self.command} {self.path} -> {args[1] if len(args) > 1 else ''}\n")

    return Proxy


def serve_web(api_gateway: str) -> tuple[ThreadingHTTPServer, str]:
    """The web portal (web/) with the development sign-in; its API calls go to the emulator's API Gateway."""
    from infrastructure import web

    server = web.serve(WEB_PORT, api_gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{WEB_PORT}"


def main() -> int:
    state = ROOT / ".local" / "emulator"
    keep = os.environ.get("KEEP_STATE") == "1"
    emulator.start(EMULATOR_PORT, state, fresh=not keep)
    endpoint = emulator.endpoint(EMULATOR_PORT)
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    stopping = threading.Event()
    server: ThreadingHTTPServer | None = None
    site: ThreadingHTTPServer | None = None
    try:
        from infrastructure.deploy import deploy, stage_environment

        os.environ.update({k: v for k, v in stage_environment(STAGE).items() if k.startswith("EURZAD_")})
        from chalicelib import cli
        from chalicelib.core import dev_issuer

        outputs = deploy(STAGE, {"EURZAD_AUTH_JWKS": dev_issuer.jwks()})
        cli.catalogue_publish(cli.FORMS)
        cli.tenants_apply(sorted((ROOT / "region" / "demo").glob("*.yaml")))
        cli.signatures_install_demo()
        server = ThreadingHTTPServer(("127.0.0.1", API_PORT), proxy_to(outputs["api"]))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        site, web_url = serve_web(outputs["api"])
        endpoints = {
            "web": web_url,
            "api": f"http://127.0.0.1:{API_PORT}",
            "api_gateway": outputs["api"],
            "aws": endpoint,
            "stack": f"{os.environ['EURZAD_RESOURCE_PREFIX']}-app",
        }
        (ROOT / ".local" / "endpoints.json").write_text(json.dumps(endpoints, indent=2) + "\n")
        print("\ne-Urząd runs locally:")
        for name, url in endpoints.items():
            print(f"  {name:12} {url}")
        print(f"\n  try: curl {endpoints['api']}/v1/catalogue")
        print(f"  verify a signature: curl -H 'Content-Type: application/xml' --data-binary @signed.xml "
              f"{endpoints['api']}/v1/signatures/verify")
        print("  demo PKI (root, resident Jan Kowalski, office seal): .local/demo-pki/")
        print("  token: .venv/bin/python -m chalicelib.cli dev-token --role tenant-admin --tenant 1418043")
        print("\nCtrl-C stops everything.", flush=True)
        for sig in (signal.SIGINT, signal.SIGTERM):  # also when started from a script that ignores SIGINT
            signal.signal(sig, lambda *_: stopping.set())
        while not stopping.wait(0.5):  # a timed wait lets the signal handler run promptly
            pass
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            server.shutdown()
        if site is not None:
            site.shutdown()
        emulator.stop(state)
        print("stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make run`: the whole platform on this machine, in the foreground; Ctrl-C stops everything it started.

Starts the emulator, deploys the app stack into it (its SQS and schedule handlers run there on real
triggers), publishes the catalogue, loads the demo region, and serves the REST API on a plain localhost
port. URLs are printed and written to .local/endpoints.json.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

from infrastructure import emulator

if TYPE_CHECKING:
    from sandboxes.przelewy24 import Sandbox

ROOT = Path(__file__).resolve().parent.parent
STAGE = "local"
EMULATOR_PORT = int(os.environ.get("EURZAD_EMULATOR_PORT", "4566"))
API_PORT = int(os.environ.get("EURZAD_API_PORT", "8080"))
WEB_PORT = int(os.environ.get("EURZAD_WEB_PORT", "8090"))
PAYMENTS_PORT = int(os.environ.get("EURZAD_PAYMENTS_PORT", "8070"))
EDELIVERY_PORT = int(os.environ.get("EURZAD_EDELIVERY_PORT", "8071"))
# The emulator's files; endpoints.json is written beside them.
STATE = Path(os.environ.get("EURZAD_EMULATOR_STATE") or ROOT / ".local" / "emulator")
STARTED = time.monotonic()


def step(message: str) -> None:
    """A progress line: the first run spends a minute or two before it can print the URLs."""
    print(f"[make run {time.monotonic() - STARTED:5.1f}s] {message}", flush=True)


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def serve_web(api: str) -> tuple[ThreadingHTTPServer, str]:
    """The web portal (web/) with the development sign-in; its API calls go to `api`."""
    from infrastructure import web

    server = web.serve(WEB_PORT, api)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{WEB_PORT}"


def serve_payments_gateway() -> Sandbox:
    """The sandbox Przelewy24 (sandboxes/przelewy24.py) in this process; the deployed functions get its URL."""
    from sandboxes.przelewy24 import serve

    return serve(PAYMENTS_PORT)


def deploy_and_load(extra_env: dict[str, str]) -> dict[str, str]:
    """Deploy the stack into the running emulator, then the catalogue, the demo region, the demo PKI and the
    demo JSTs' merchant accounts (keys in Secrets Manager, accounts opened at the sandbox gateway)."""
    from infrastructure.deploy import deploy, stage_environment

    os.environ.update({k: v for k, v in stage_environment(STAGE).items() if k.startswith("EURZAD_")})
    from chalicelib import cli
    from chalicelib.core import dev_issuer

    step("wdrażam platformę (chalice package + stos CloudFormation)…")
    outputs = deploy(STAGE, {"EURZAD_AUTH_JWKS": dev_issuer.jwks(), **extra_env})
    step("publikuję katalog usług…")
    cli.catalogue_publish(cli.FORMS)
    step("wczytuję region demo…")
    cli.tenants_apply(sorted((ROOT / "region" / "demo").glob("[0-9]*.yaml")))
    step("wczytuję ustawienia kosztów regionu demo…")
    from chalicelib import cli_costs

    cli_costs.costs_apply(ROOT / "region" / "demo" / "koszty.yaml")
    step("instaluję demo PKI…")
    cli.signatures_install_demo()
    step("zakładam konta sprzedawców demo w bramce płatności…")
    from chalicelib import cli_payments

    demo = sorted((ROOT / "region" / "demo").glob("[0-9]*.yaml"))
    cli_payments.demo_merchants(demo, extra_env["EURZAD_PAYMENTS_GATEWAY_URL"])
    return outputs


def announce(endpoints: dict[str, str]) -> None:
    print("\ne-Urząd runs locally:")
    for name, url in endpoints.items():
        print(f"  {name:12} {url}")
    print(f"\n  try: curl {endpoints['api']}/v1/catalogue")
    print(f"  verify a signature: curl -H 'Content-Type: application/xml' --data-binary @signed.xml "
          f"{endpoints['api']}/v1/signatures/verify")
    print("  demo PKI (root, resident Jan Kowalski, office seal): .local/demo-pki/")
    print(f"  e-Doręczenia (sandbox): {endpoints['edelivery']}/ (the boxes; „Odbierz” on a resident's box)")
    print("  token: .venv/bin/python -m chalicelib.cli dev-token --role tenant-admin --tenant 1418043")
    print("\nCtrl-C stops everything.", flush=True)


def main() -> int:
    # SIGTERM stops like Ctrl-C, at any point (even during start-up), so the emulator is stopped cleanly and
    # writes its state; SIGINT too when started from a script that ignores it.
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _interrupt)
    state = STATE.resolve()
    keep = os.environ.get("KEEP_STATE") == "1"
    if not keep and state.exists():
        step("usuwam stan poprzedniego uruchomienia (KEEP_STATE=1 by go zachować)…")
    step(f"uruchamiam emulator AWS na porcie {EMULATOR_PORT} "
         f"({'ze stanem z poprzedniego uruchomienia' if keep else 'od zera'}, {state})…")
    endpoint = emulator.endpoint(EMULATOR_PORT)
    os.environ["AWS_ENDPOINT_URL"] = endpoint
    servers: list[ThreadingHTTPServer] = []  # the e-Delivery sandbox, the local API, then the portal
    gateway: Sandbox | None = None
    try:
        # Always persisted, so that the next KEEP_STATE=1 run finds what this one left.
        emulator.start(EMULATOR_PORT, state, fresh=not keep, persist=True)
        step(f"uruchamiam bramkę płatności (sandbox Przelewy24) na porcie {PAYMENTS_PORT}…")
        gateway = serve_payments_gateway()
        from infrastructure import local_edelivery

        step(f"uruchamiam piaskownicę e-Doręczeń na porcie {EDELIVERY_PORT}…")
        edelivery = local_edelivery.start(EDELIVERY_PORT)
        servers.append(edelivery)
        outputs = deploy_and_load({"EURZAD_PAYMENTS_GATEWAY_URL": gateway.url, "EURZAD_EDELIVERY_URL": edelivery.url})
        from infrastructure import local_proxy

        step("rozgrzewam funkcję API i uruchamiam lokalne API…")
        servers.append(local_proxy.serve(outputs["api"], API_PORT))
        step("uruchamiam portal…")
        site, web_url = serve_web(f"http://127.0.0.1:{API_PORT}")  # through the local API: bursts queue there
        servers.append(site)
        endpoints = {
            "web": web_url,
            "api": f"http://127.0.0.1:{API_PORT}",
            "api_gateway": outputs["api"],
            "aws": endpoint,
            "payments_gateway": gateway.url,
            "edelivery": edelivery.url,
            "stack": f"{os.environ['EURZAD_RESOURCE_PREFIX']}-app",
        }
        (state.parent / "endpoints.json").write_text(json.dumps(endpoints, indent=2) + "\n")
        announce(endpoints)
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):  # a second Ctrl-C must not cut the state being written
            signal.signal(sig, signal.SIG_IGN)
        for server in servers:
            server.shutdown()
        if gateway is not None:
            gateway.close()
        step("zatrzymuję emulator (zapisuje stan)…")
        emulator.stop(state)
        print("stopped.", flush=True)
    return 0

if __name__ == "__main__":
    sys.exit(main())

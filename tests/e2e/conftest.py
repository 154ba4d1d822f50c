"""End-to-end: the packaged app deployed into the emulator as one stack, called over HTTP.

Deploy and data loading run as the operator would run them (separate processes, stage `e2e`), so the
functions, their SQS trigger and API Gateway are the emulator's, not the test process's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from chalicelib.core import dev_issuer
from tests.conftest import ROOT
from tests.payments_gateway import PaymentsGateway

PREFIX = "eurzad-e2e"


@dataclass
class Reply:
    status: int
    body: Any
    headers: dict[str, str]


@dataclass
class Stack:
    api: str
    pki_dir: Path

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None, *,
             timeout: float = 60) -> Reply:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.api + path, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return Reply(resp.status, json.loads(resp.read() or b"null"), dict(resp.headers))
        except urllib.error.HTTPError as err:
            return Reply(err.code, json.loads(err.read() or b"null"), dict(err.headers))

    def post_xml(self, path: str, document: bytes) -> Reply:
        req = urllib.request.Request(self.api + path, data=document, method="POST",
                                     headers={"Content-Type": "application/xml"})
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return Reply(resp.status, json.loads(resp.read()), dict(resp.headers))
        except urllib.error.HTTPError as err:
            return Reply(err.code, json.loads(err.read() or b"null"), dict(err.headers))


def run(*args: str) -> str:
    env = {**os.environ, "EURZAD_RESOURCE_PREFIX": PREFIX}
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=900, check=False)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


_deployed: list[Stack] = []  # one deployment per session, also for tests/browser (which imports this fixture)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory, payments_gateway: PaymentsGateway, edelivery_box: Any) -> Stack:
    if not _deployed:
        _deployed.append(_deploy(tmp_path_factory, payments_gateway.url, edelivery_box))
    return _deployed[0]


def _deploy(tmp_path_factory: pytest.TempPathFactory, payments_gateway: str, edelivery_box: Any) -> Stack:
    """The stack's functions call the session's sandbox gateway and sandbox e-Delivery box; the demo JSTs'
    merchants are opened at the gateway."""
    if not os.environ.get("AWS_ENDPOINT_URL"):
        pytest.fail("e2e tests need AWS_ENDPOINT_URL (run them through `make test`)")
    # the deployed functions send the office's letters to the session's sandbox e-Delivery box
    outputs = json.loads(run("-m", "infrastructure.deploy", "--stage", "e2e",
                             "--env", f"EURZAD_AUTH_JWKS={dev_issuer.jwks()}",
                             "--env", f"EURZAD_PAYMENTS_GATEWAY_URL={payments_gateway}",
                             "--env", f"EURZAD_EDELIVERY_URL={edelivery_box.url}"))
    demo = [str(path) for path in sorted((ROOT / "region" / "demo").glob("[0-9]*.yaml"))]
    pki_dir = tmp_path_factory.mktemp("demo-pki")

    def catalogue_and_region() -> None:  # the region is checked against the published catalogue
        run("-m", "chalicelib.cli", "catalogue", "publish")
        run("-m", "chalicelib.cli", "tenants", "apply", *demo)
        run("-m", "chalicelib.cli", "costs", "apply", str(ROOT / "region" / "demo" / "koszty.yaml"))

    # Three operator commands that need nothing of each other (merchants and the PKI read only the files), at once:
    # each is a process that spends seconds importing before its few AWS calls.
    with ThreadPoolExecutor(max_workers=3) as pool:
        loads = [pool.submit(catalogue_and_region),
                 pool.submit(run, "-m", "chalicelib.cli", "payments", "demo-merchants", "--gateway", payments_gateway,
                             *demo),
                 pool.submit(run, "-m", "chalicelib.cli", "signatures", "install-demo-pki", "--dir", str(pki_dir))]
        for load in loads:
            load.result()
    return Stack(api=outputs["api"], pki_dir=pki_dir)


@pytest.fixture(scope="session")
def local_api(stack: Stack) -> Iterator[Stack]:
    """The stack behind the local API of `make run` (infrastructure.local_proxy), on a free port."""
    from infrastructure import local_proxy

    server = local_proxy.serve(stack.api, 0)
    yield Stack(api=f"http://127.0.0.1:{server.server_address[1]}", pki_dir=stack.pki_dir)
    server.shutdown()
    server.server_close()


def eventually(check: Callable[[], Any], *, timeout: float = 90.0, every: float = 1.0) -> Any:
    """Poll until `check` returns something truthy: asynchronous work in the emulator takes seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f}s: {check.__doc__ or check}")
        time.sleep(every)

"""Fuzzing the deployed API from its own document (GET /v1/openapi.json) with schemathesis.

For every operation and every role (anonymous, resident, clerk, tenant-admin) hypothesis generates requests
from the document, valid and invalid, half of them aimed at a real JST and service so that the calls also
get past "not found"; most go to the operations the role may call (`x-roles`), a few check the refusal.
Every response must be no 5xx, a documented status and match the documented schema. Derandomized: the
same requests every run. `make fuzz` runs many more examples (EURZAD_FUZZ_EXAMPLES).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import jsonschema
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from tests.conftest import ROOT, token
from tests.e2e.conftest import Stack, run

TERC, SERVICE = "1418043", "pismo-ogolne"
EXAMPLES = int(os.environ.get("EURZAD_FUZZ_EXAMPLES", "6"))  # per operation the role may call, and mode
MIN_REQUESTS = int(os.environ.get("EURZAD_FUZZ_MIN_REQUESTS", "1000"))
SENDERS = int(os.environ.get("EURZAD_FUZZ_SENDERS", "3"))  # requests in flight at once
ROLES: dict[str, dict[str, str]] = {
    "anonymous": {},
    "resident": {"Authorization": f"Bearer {token('resident', subject='fuzz-resident')}"},
    "clerk": {"Authorization": f"Bearer {token('clerk', TERC, department='OR')}"},
    "tenant-admin": {"Authorization": f"Bearer {token('tenant-admin', TERC)}"},
}
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@dataclass
class Findings:
    requests: int = 0
    seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    found: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (operation, check, status) -> repro
    lock: threading.Lock = field(default_factory=threading.Lock)


class Sender:
    """Sends the generated requests on a few threads while hypothesis goes on generating the next ones on the
    test's thread: generating is CPU in this process, answering is the emulator's, so the two overlap.
    No phase depends on an answer (no shrinking), so the requests are the same as when sent one by one."""

    def __init__(self, stack: Stack, findings: Findings) -> None:
        self.stack, self.findings = stack, findings
        self.pool = ThreadPoolExecutor(max_workers=SENDERS, thread_name_prefix="fuzz")
        self.sent: list[Future[None]] = []
        self.local = threading.local()
        self.sessions: list[requests.Session] = []  # one per sending thread

    def submit(self, case: Any, role: str, label: str) -> None:
        self.findings.requests += 1
        if self.findings.requests == 1:
            # The first one here: the modules a call and its checks import lazily load on this thread. Imported on a
            # sender while hypothesis parses a lambda here, pytest's rewrite of them hits CPython 3.11's
            # thread-unsafe AST depth check ("AST constructor recursion depth mismatch").
            self._send(case, role, label)
            return
        self.sent.append(self.pool.submit(self._send, case, role, label))

    def _send(self, case: Any, role: str, label: str) -> None:
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
            with self.findings.lock:
                self.sessions.append(self.local.session)
        headers = dict(ROLES[role])
        findings = self.findings
        try:
            response = case.call(base_url=self.stack.api, session=self.local.session, headers=headers, timeout=60)
        except requests.RequestException as exc:
            with findings.lock:
                findings.found.setdefault((label, "connection", type(exc).__name__), str(exc))
            return
        with findings.lock:
            findings.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            with findings.lock:
                for failure in group.exceptions:
                    key = (label, type(failure).__name__, str(response.status_code))
                    findings.found.setdefault(key, f"[{role}] {failure.title}\n{case.as_curl_command()}")

    def finish(self) -> None:
        self.pool.shutdown(wait=True)
        for session in self.sessions:
            session.close()
        for sent in self.sent:
            sent.result()  # an error of the test's own code is raised, not lost in a thread


def _fuzz(operation: Any, role: str, sender: Sender) -> None:
    pinned = {k: v for k, v in (("terc", TERC), ("service", SERVICE))
              if any(p.name == k for p in operation.path_parameters)}
    raw = operation.definition.raw
    if raw.get("x-public") or role in raw["x-roles"]:
        modes = list(schemathesis.GenerationMode)
        examples = EXAMPLES
    else:  # the role may not call it: a few requests check the refusal, the rest go where the role gets in
        modes, examples = [schemathesis.GenerationMode.POSITIVE], 1
    strategies = [operation.as_strategy(generation_mode=mode) for mode in modes]
    if pinned:
        strategies += [operation.as_strategy(generation_mode=mode, path_parameters=pinned) for mode in modes]

    @settings(max_examples=examples * len(strategies), derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=st.one_of(strategies))
    def run(case: Any) -> None:
        sender.submit(case, role, operation.label)

    run()


def fuzz(stack: Stack) -> Findings:
    schema = schemathesis.openapi.from_url(f"{stack.api}/v1/openapi.json", timeout=60)
    findings = Findings()
    started = time.monotonic()
    sender = Sender(stack, findings)
    try:
        for role in ROLES:
            for result in schema.get_all_operations():
                _fuzz(result.ok(), role, sender)
    finally:
        sender.finish()
    findings.seconds = time.monotonic() - started
    return findings


@pytest.fixture
def restore_region(stack: Stack) -> Iterator[None]:
    """The tenant-admin's generated changes hit the real JST: the demo region is put back afterwards."""
    yield
    run("-m", "chalicelib.cli", "tenants", "apply", *map(str, sorted((ROOT / "region" / "demo").glob("[0-9]*.yaml"))))


def test_the_deployed_api_answers_every_generated_request_as_documented(stack: Stack, restore_region: None) -> None:
    findings = fuzz(stack)
    statuses = dict(sorted(findings.statuses.items()))
    print(f"\nfuzz: {findings.requests} requests in {findings.seconds:.0f}s, statuses {statuses}")
    report = "\n\n".join(f"{op} {check} {status}\n{repro}" for (op, check, status), repro in findings.found.items())
    assert not findings.found, f"{len(findings.found)} findings:\n{report}"
    assert findings.requests >= MIN_REQUESTS


# Hostile inputs that once gave a 5xx or an answer outside the error shape: the generated requests above do
# not reach them (the document's patterns keep them valid), so each is asked for here.
@dataclass(frozen=True)
class Probe:
    role: str
    method: str
    template: str  # the documented path; "" for a path the API does not have
    path: str
    query: dict[str, str] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None


DRAFTS = f"/v1/tenants/{TERC}/services/{SERVICE}/drafts"
JSON = {"Content-Type": "application/json"}
PROBES = [
    pytest.param(Probe("anonymous", "GET", "/v1/catalogue/{service}", f"/v1/catalogue/{SERVICE}", {"version": "1"}),
                 id="control-a-good-request-passes"),
    pytest.param(Probe("anonymous", "GET", "/v1/catalogue/{service}", f"/v1/catalogue/{SERVICE}",
                       {"version": "²"}),
                 id="version-unicode-digit"),
    pytest.param(Probe("clerk", "GET", "/v1/tenants/{terc}/inbox", f"/v1/tenants/{TERC}/inbox", {"limit": "²"}),
                 id="inbox-limit-unicode-digit"),
    pytest.param(Probe("tenant-admin", "PUT", "/v1/tenants/{terc}/services/{service}/settings",
                       f"/v1/tenants/{TERC}/services/{SERVICE}/settings", headers={**JSON, "If-Match": "²"},
                       body=b'{"enabled": true}'),
                 id="if-match-unicode-digit"),
    pytest.param(Probe("resident", "POST", "/v1/tenants/{terc}/services/{service}/drafts", DRAFTS, headers=JSON,
                       body=b'{"data": {"x": ' + b"[" * 5000 + b"]" * 5000 + b"}}"),
                 id="deep-json"),
    pytest.param(Probe("resident", "GET", "/v1/me/drafts/{draft_id}", "/v1/me/drafts/" + "a" * 2000),
                 id="long-path-id"),
    pytest.param(Probe("resident", "POST", "/v1/tenants/{terc}/services/{service}/drafts", DRAFTS,
                       headers={"Content-Type": "text/plain"}, body=b"x"),
                 id="unsupported-media-type-shape"),
    pytest.param(Probe("anonymous", "GET", "", "/v1/no-such-route"),
                 id="unknown-route-shape"),
]


@pytest.mark.parametrize("probe", PROBES)
def test_listed_findings_answer_as_documented(stack: Stack, probe: Probe) -> None:
    schema = schemathesis.openapi.from_url(f"{stack.api}/v1/openapi.json", timeout=60)
    headers = {**ROLES[probe.role], **probe.headers}
    response = requests.request(probe.method, stack.api + probe.path, params=probe.query, headers=headers,
                                data=probe.body, timeout=60)
    if not probe.template:  # not an operation of the document: only the error shape can be checked
        error = schema.raw_schema["components"]["schemas"]["Error"]
        assert response.status_code == 404, response.text
        jsonschema.validate(response.json(), error)
        return
    operation = schema[probe.template][probe.method]
    path_parameters = re.fullmatch(re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", probe.template), probe.path).groupdict()  # type: ignore[union-attr]
    case = operation.Case(path_parameters=path_parameters, query=probe.query, headers=headers)
    case.validate_response(response, checks=CHECKS, headers=headers)

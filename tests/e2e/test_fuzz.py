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
import time
from collections import Counter
from collections.abc import Iterator
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


def _fuzz(stack: Stack, operation: Any, role: str, findings: Findings, session: requests.Session) -> None:
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
        headers = dict(ROLES[role])
        findings.requests += 1
        try:
            response = case.call(base_url=stack.api, session=session, headers=headers, timeout=60)
        except requests.RequestException as exc:
            findings.found.setdefault((operation.label, "connection", type(exc).__name__), str(exc))
            return
        findings.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except FailureGroup as group:
            for failure in group.exceptions:
                key = (operation.label, type(failure).__name__, str(response.status_code))
                findings.found.setdefault(key, f"[{role}] {failure.title}\n{case.as_curl_command()}")

    run()


def fuzz(stack: Stack) -> Findings:
    schema = schemathesis.openapi.from_url(f"{stack.api}/v1/openapi.json", timeout=60)
    findings = Findings()
    started = time.monotonic()
    with requests.Session() as session:
        for role in ROLES:
            for result in schema.get_all_operations():
                _fuzz(stack, result.ok(), role, findings, session)
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

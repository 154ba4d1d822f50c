"""The edge through the deployed stack: API Gateway's own answers and the app's refusals share the error shape.

What reaches the function and what API Gateway answers itself differ from the in-process client (which has
no greedy route, no gateway responses and no binary media types), so these run against the emulator's API.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any

import jwt
import pytest

from chalicelib.cli import load_definitions
from chalicelib.core import dev_issuer
from chalicelib.core.settings import get_settings
from tests.conftest import auth
from tests.e2e.conftest import Stack
from tests.formdata import valid_data

A = "1418043"


def raw_call(stack: Stack, method: str, path: str, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    req = urllib.request.Request(stack.api + path, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def error_of(status_headers_body: tuple[int, dict[str, str], bytes]) -> tuple[int, str]:
    status, _, body = status_headers_body
    error = json.loads(body)["error"]
    assert set(error) >= {"code", "message", "details"}, error
    assert isinstance(error["details"], list)
    return status, str(error["code"])


@pytest.mark.parametrize("path", ["/v1/nie-ma-takiej", "/V1/catalogue", "/v1/catalogue/pismo-ogolne/form/x/y",
                                  "/", "/v1", "/v1/catalogue/../../etc/passwd"])
def test_an_unknown_path_is_404_in_the_error_shape(stack: Stack, path: str) -> None:
    assert error_of(raw_call(stack, "GET", path)) == (404, "not_found")


def test_a_method_the_path_does_not_serve_is_405_with_allow(stack: Stack) -> None:
    answer = raw_call(stack, "DELETE", "/v1/catalogue")
    assert error_of(answer) == (405, "method_not_allowed")
    assert answer[1].get("Allow") == "GET"
    assert error_of(raw_call(stack, "POST", f"/v1/tenants/{A}")) == (405, "method_not_allowed")


def test_a_wrong_content_type_is_415_in_the_error_shape(stack: Stack) -> None:
    answer = raw_call(stack, "POST", "/v1/signatures/verify", b"hello", {"Content-Type": "text/plain"})
    assert error_of(answer) == (415, "unsupported_media_type")


def test_health_answers_without_a_token(stack: Stack) -> None:
    status, _, body = raw_call(stack, "GET", "/v1/health")
    assert (status, json.loads(body)) == (200, {"status": "ok"})


def test_a_json_body_over_the_cap_is_413(stack: Stack) -> None:
    big = json.dumps({"data": {"tresc": "x" * (2 * 1024 * 1024)}}).encode()
    answer = raw_call(stack, "POST", f"/v1/tenants/{A}/services/pismo-ogolne/drafts", big,
                      {"Content-Type": "application/json", **auth("resident", subject="e2e-edge")})
    assert error_of(answer) == (413, "body_too_large")


@pytest.mark.parametrize(("path", "headers"), [
    ("/v1/catalogue/pismo-ogolne?version=%C2%B2", {}),
    ("/v1/catalogue/pismo-ogolne/form?version=%E2%91%A0", {}),
])
def test_unicode_digits_in_a_public_query_are_422(stack: Stack, path: str, headers: dict[str, str]) -> None:
    assert error_of(raw_call(stack, "GET", path, headers=headers)) == (422, "validation_error")


def test_an_overlong_path_id_is_404(stack: Stack) -> None:
    answer = raw_call(stack, "GET", "/v1/me/drafts/" + "a" * 1100, headers=auth("resident", subject="e2e-edge"))
    assert error_of(answer) == (404, "not_found")


def test_a_signed_token_with_an_empty_subject_is_401(stack: Stack) -> None:
    s = get_settings()
    now = int(time.time())
    claims = {"iss": s.auth_issuer, "aud": s.auth_audience, "sub": "", "iat": now, "exp": now + 60,
              "role": "resident"}
    token = jwt.encode(claims, dev_issuer.private_key(), algorithm="RS256", headers={"kid": dev_issuer.KEY_ID})
    answer = raw_call(stack, "GET", "/v1/me/drafts", headers={"Authorization": f"Bearer {token}"})
    assert error_of(answer) == (401, "invalid_token")


def _letter() -> dict[str, Any]:
    defn = next(d for d in load_definitions() if d.id == "pismo-ogolne")
    return valid_data(defn, lambda field: pytest.fail(f"no attachment expected for {field}"))


def test_the_document_to_sign_arrives_as_raw_xml(stack: Stack) -> None:
    body = json.dumps({"data": _letter()}).encode()
    headers = {"Content-Type": "application/json", **auth("resident", subject="e2e-edge")}
    status, got, document = raw_call(stack, "POST", f"/v1/tenants/{A}/services/pismo-ogolne/document", body,
                                     {**headers, "Accept": "application/xml"})
    assert status == 200, document[:300]
    assert got.get("Content-Type", "").startswith("application/xml")
    assert document.startswith(b"<?xml") or document.startswith(b"<"), document[:80]
    # Without an Accept naming XML the gateway would hand base64 over: refused in the error shape instead
    refused = raw_call(stack, "POST", f"/v1/tenants/{A}/services/pismo-ogolne/document", body, headers)
    assert error_of(refused) == (406, "not_acceptable")

"""Input the platform cannot keep is a 4xx in the error shape on every route, and nothing is written or copied.

Each case here was a 500 before (lxml, DynamoDB or `int` failing after the attachments were copied).
"""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from chalicelib.resources import bucket_name
from tests.conftest import auth
from tests.formdata import with_value
from tests.integration.test_submissions import application

A = "1418043"
DRZEWA = "zezwolenie-na-usuniecie-drzew"
RESIDENT = "resident-edge"


def me() -> dict[str, str]:
    return auth("resident", subject=RESIDENT)


def send(api: Any, method: str, path: str, body: str | bytes | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    resp = api.http.request(method, path, headers={"Content-Type": "application/json", **(headers or {})}, body=body)
    return resp.status_code, json.loads(resp.body)


def documents() -> int:
    listing = boto3.client("s3").list_objects_v2(Bucket=bucket_name("documents"), Prefix="submissions/")
    return int(listing.get("KeyCount", 0))


def counts(api: Any) -> tuple[int, int, int]:
    drafts = send(api, "GET", "/v1/me/drafts", headers=me())[1]["count"]
    submissions = send(api, "GET", "/v1/me/submissions", headers=me())[1]["count"]
    return drafts, submissions, documents()


@pytest.mark.parametrize("bad", ["a\x00b", "a\x07b", "a\ufffeb", "a\uffffb", "a\ud800b"])
def test_text_the_document_cannot_carry_is_refused_before_anything_is_copied(api: Any, bad: str) -> None:
    data = with_value(application(api, A, DRZEWA, subject=RESIDENT), "numer_dzialki", bad)
    body = json.dumps({"data": data})  # ASCII escapes: \u0000, \ud800 travel as JSON allows
    before = counts(api)

    submitted = send(api, "POST", f"/v1/tenants/{A}/services/{DRZEWA}/submissions", body,
                     {**me(), "Idempotency-Key": f"edge-text-{ord(bad[1]):05d}"})
    document = send(api, "POST", f"/v1/tenants/{A}/services/{DRZEWA}/document", body,
                    {**me(), "Accept": "application/xml"})

    for status, answer in (submitted, document):
        assert status == 422, answer
        assert answer["error"]["details"][0]["field"] == "data.numer_dzialki"
        assert answer["error"]["details"][0]["code"] == "invalid_characters"
    assert counts(api) == before


@pytest.mark.parametrize(("body", "code"), [
    ('{"data": {"uwagi": "\\udc00"}}', "invalid_characters"),
    ('{"data": ' + "[" * 1000 + "]" * 1000 + "}", "too_deep"),
    ('{"data": {"n": ' + "1" * 4301 + "}}", "number_too_large"),
])
def test_a_draft_the_platform_cannot_keep_is_422_and_not_saved(api: Any, body: str, code: str) -> None:
    before = counts(api)
    status, answer = send(api, "POST", f"/v1/tenants/{A}/services/pismo-ogolne/drafts", body, me())
    assert (status, answer["error"]["details"][0]["code"]) == (422, code)
    assert counts(api) == before


def test_json_nested_too_deep_is_422_on_an_admin_route_too(api: Any) -> None:
    status, answer = send(api, "PUT", f"/v1/tenants/{A}/services/pismo-ogolne/settings",
                          '{"enabled": ' + "[" * 1000 + "]" * 1000 + "}", auth("tenant-admin", A))
    assert (status, answer["error"]["details"][0]["code"]) == (422, "too_deep")


def test_a_json_body_of_twelve_mib_is_413(api: Any) -> None:
    body = json.dumps({"data": {"tresc": "x" * (12 * 1024 * 1024)}})
    status, answer = send(api, "POST", f"/v1/tenants/{A}/services/pismo-ogolne/drafts", body, me())
    assert (status, answer["error"]["code"]) == (413, "body_too_large")


@pytest.mark.parametrize(("path", "headers", "expected"), [
    ("/v1/catalogue/pismo-ogolne?version=²", {}, (422, "validation_error")),
    ("/v1/catalogue/pismo-ogolne/form?version=①", {}, (422, "validation_error")),
    (f"/v1/tenants/{A}/inbox?department=GK&limit=²", auth("clerk", A), (422, "validation_error")),
])
def test_unicode_digits_in_query_parameters_are_4xx(api: Any, path: str, headers: dict[str, str],
                                                     expected: tuple[int, str]) -> None:
    status, answer = send(api, "GET", path, headers=headers)
    assert (status, answer["error"]["code"]) == expected


def test_unicode_digits_in_if_match_are_400(api: Any, restore_region: None) -> None:
    status, answer = send(api, "PUT", f"/v1/tenants/{A}/services/pismo-ogolne/settings", '{"enabled": true}',
                          {**auth("tenant-admin", A), "If-Match": '"²"'})
    assert (status, answer["error"]["code"]) == (400, "invalid_if_match")


@pytest.mark.parametrize("path", ["/v1/me/submissions/{id}", "/v1/me/drafts/{id}", "/v1/me/attachments/{id}"])
def test_a_path_id_over_a_kilobyte_is_404(api: Any, path: str) -> None:
    status, answer = send(api, "GET", path.replace("{id}", "a" * 1100), headers=me())
    assert (status, answer["error"]["code"]) == (404, "not_found")

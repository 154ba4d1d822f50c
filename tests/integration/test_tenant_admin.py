"""A JST administrator turns services on and off at run time; other JSTs are untouched and out of reach."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.modules.tenants.resources import AuditTable
from tests.conftest import auth

A, B = "1418043", "1418032"  # Piaseczno, Lesznowola


def services_of(api: Any, terc: str) -> set[str]:
    resp = api.http.get(f"/v1/tenants/{terc}/services")
    assert resp.status_code == 200
    return {e["id"] for e in json.loads(resp.body)["items"]}


def put(api: Any, terc: str, service: str, body: Any, **headers: str) -> Any:
    raw = body if isinstance(body, str) else json.dumps(body)
    return api.http.put(f"/v1/tenants/{terc}/services/{service}/settings",
                        headers={"Content-Type": "application/json", **headers}, body=raw)


@pytest.mark.usefixtures("restore_region")
def test_b_disables_a_service_and_only_b_changes(api: Any) -> None:
    before_a, before_b = services_of(api, A), services_of(api, B)
    shared = sorted(before_a & before_b)[0]
    resp = put(api, B, shared, {"enabled": False}, **auth("tenant-admin", B))
    assert resp.status_code == 200, resp.body
    assert services_of(api, B) == before_b - {shared}  # at once, no redeploy
    assert services_of(api, A) == before_a
    audit = [e for e in AuditTable.query(f"T#{B}") if e.event_id == json.loads(resp.body)["audit_event"]]
    assert audit and audit[0].summary == f"{shared}: wyłączono usługę"


@pytest.mark.usefixtures("restore_region")
def test_fee_override_shows_in_the_tenants_list(api: Any) -> None:
    resp = put(api, A, "zaswiadczenie-o-niezaleganiu", {"fee": "30.00"}, **auth("tenant-admin", A))
    assert resp.status_code == 200, resp.body
    entry = json.loads(api.http.get(f"/v1/tenants/{A}/services/zaswiadczenie-o-niezaleganiu").body)
    assert entry["fee"]["amount"] == "30.00"


def test_b_admin_cannot_touch_a(api: Any) -> None:
    before = services_of(api, A)
    resp = put(api, A, sorted(before)[0], {"enabled": False}, **auth("tenant-admin", B))
    assert resp.status_code == 403
    assert json.loads(resp.body)["error"]["code"] == "tenant_forbidden"
    assert services_of(api, A) == before


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ("{not json", 400, "invalid_json", ""),
        ("", 400, "empty_body", None),
        ({"enabled": "maybe"}, 422, "validation_error", "enabled"),
        ({"fee": -5}, 422, "validation_error", "fee"),
        ({"fee": "12.345"}, 422, "validation_error", "fee"),
        ({"department": "ZZ"}, 422, "validation_error", "department"),
        ({"colour": "red"}, 422, "validation_error", "colour"),
        ({}, 422, "empty_change", None),
    ],
)
def test_malformed_changes_are_refused_and_nothing_is_written(
    api: Any, body: Any, status: int, code: str, field: str | None
) -> None:
    before = json.loads(api.http.get(f"/v1/tenants/{A}/config", headers=auth("tenant-admin", A)).body)
    resp = put(api, A, "pismo-ogolne", body, **auth("tenant-admin", A))
    assert resp.status_code == status, resp.body
    error = json.loads(resp.body)["error"]
    assert error["code"] == code
    if field is not None:
        assert error["details"][0]["field"] == field
    after = json.loads(api.http.get(f"/v1/tenants/{A}/config", headers=auth("tenant-admin", A)).body)
    assert after == before


def test_unknown_service_or_tenant(api: Any) -> None:
    resp = put(api, A, "nie-ma-takiej", {"enabled": True}, **auth("tenant-admin", A))
    assert (resp.status_code, json.loads(resp.body)["error"]["code"]) == (404, "service_not_found")
    resp = put(api, "1418099", "pismo-ogolne", {"enabled": True}, **auth("region-admin"))
    assert (resp.status_code, json.loads(resp.body)["error"]["code"]) == (404, "tenant_not_found")


@pytest.mark.usefixtures("restore_region")
def test_stale_if_match_is_a_conflict(api: Any) -> None:
    config = api.http.get(f"/v1/tenants/{A}/config", headers=auth("tenant-admin", A))
    version = json.loads(config.body)["version"]
    ok = put(api, A, "pismo-ogolne", {"enabled": True}, **auth("tenant-admin", A), **{"If-Match": f'"{version}"'})
    assert ok.status_code == 200 and ok.headers["ETag"] == f'"{version + 1}"'
    stale = put(api, A, "pismo-ogolne", {"enabled": False}, **auth("tenant-admin", A), **{"If-Match": f'"{version}"'})
    assert stale.status_code == 409 and json.loads(stale.body)["error"]["code"] == "version_mismatch"

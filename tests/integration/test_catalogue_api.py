"""The public catalogue and a JST's service list, through the app against the emulator."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.cli import load_definitions
from tests.conftest import auth

PIASECZNO, LESZNOWOLA = "1418043", "1418032"


def get(api: Any, path: str, **headers: str) -> tuple[int, Any]:
    resp = api.http.get(path, headers=headers)
    return resp.status_code, json.loads(resp.body)


def test_catalogue_lists_every_published_service(api: Any) -> None:
    status, body = get(api, "/v1/catalogue")
    assert status == 200
    assert {e["id"] for e in body["items"]} == {d.id for d in load_definitions()}
    assert body["count"] >= 8


def test_search_by_text_without_diacritics(api: Any) -> None:
    status, body = get(api, "/v1/catalogue?q=usuniecie%20drzew")
    assert status == 200
    assert [e["id"] for e in body["items"]] == ["zezwolenie-na-usuniecie-drzew"]


def test_tenant_filter_applies_overrides(api: Any) -> None:
    status, body = get(api, f"/v1/catalogue?tenant={PIASECZNO}")
    assert status == 200 and body["count"] > 0
    assert all(e["tenant"] == PIASECZNO and e["bank_account"] for e in body["items"])


def test_a_service_shows_its_jrwa_class_and_category_and_an_older_version_what_it_was_published_with(
        api: Any) -> None:
    status, latest = get(api, "/v1/catalogue/pismo-ogolne")
    assert status == 200 and (latest["version"], latest["jrwa"], latest["archival_category"]) == (2, "1510", "A")
    assert latest["jrwa_title"] == "Skargi i wnioski"
    status, first = get(api, "/v1/catalogue/pismo-ogolne?version=1")
    assert status == 200 and (first["jrwa"], first["jrwa_title"], first["archival_category"]) == ("0", None, None)
    _, offered = get(api, f"/v1/tenants/{PIASECZNO}/services/zezwolenie-na-usuniecie-drzew")
    assert (offered["jrwa"], offered["archival_category"]) == ("6131", "B10")


def test_service_detail_and_form(api: Any) -> None:
    status, detail = get(api, "/v1/catalogue/zezwolenie-na-usuniecie-drzew")
    assert status == 200 and detail["version"] == 1 and detail["legal_basis"]
    status, form = get(api, "/v1/catalogue/zezwolenie-na-usuniecie-drzew/form")
    assert status == 200
    assert form["schema"]["type"] == "object" and form["schema"]["properties"]
    assert form["ui"]["order"] == list(form["schema"]["properties"])


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/v1/catalogue/nie-ma-takiej-uslugi", 404, "service_not_found"),
        ("/v1/catalogue/pismo-ogolne?version=99", 404, "service_not_found"),
        ("/v1/catalogue/pismo-ogolne?version=abc", 422, "validation_error"),
        ("/v1/catalogue?tenant=9999999", 404, "tenant_not_found"),
        ("/v1/catalogue?tenant=abc", 422, "validation_error"),
        ("/v1/catalogue?category=kosmos", 422, "validation_error"),
        ("/v1/catalogue?colour=red", 422, "validation_error"),
        ("/v1/tenants/1418099", 404, "tenant_not_found"),
        ("/v1/tenants/1418043/services/nie-ma-takiej", 404, "service_not_enabled"),
    ],
)
def test_bad_requests_get_the_error_shape_in_polish(api: Any, path: str, status: int, code: str) -> None:
    got, body = get(api, path)
    assert got == status
    assert body["error"]["code"] == code
    assert body["error"]["message"] and isinstance(body["error"]["details"], list)


def test_error_details_name_the_field(api: Any) -> None:
    _, body = get(api, "/v1/catalogue?category=kosmos")
    assert body["error"]["details"][0]["field"] == "category"
    assert "dozwolone" in body["error"]["details"][0]["message"]


def test_tenant_directory_and_profile(api: Any) -> None:
    status, body = get(api, "/v1/tenants")
    assert status == 200 and {PIASECZNO, LESZNOWOLA, "1418"} <= {t["terc"] for t in body["items"]}
    status, profile = get(api, f"/v1/tenants/{PIASECZNO}")
    assert status == 200 and profile["edelivery_address"].startswith("AE:PL-")
    assert "services" not in profile  # configuration details are for administrators


def test_config_is_for_the_tenants_own_admin(api: Any) -> None:
    resp = api.http.get(f"/v1/tenants/{PIASECZNO}/config", headers=auth("tenant-admin", PIASECZNO))
    assert resp.status_code == 200
    assert resp.headers["ETag"] == f'"{json.loads(resp.body)["version"]}"'

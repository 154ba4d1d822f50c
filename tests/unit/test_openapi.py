"""The API's own description: every route, its models, its security and the one error shape, valid OpenAPI 3.1."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from typing import Any

import jsonschema
import pytest
from chalice.test import Client
from openapi_spec_validator import validate

from app import app
from chalicelib.core import metering
from chalicelib.core.auth import Access, Role
from chalicelib.core.errors import NotFound, Unprocessable
from chalicelib.core.http import FALLBACK_PATH
from chalicelib.openapi.document import build
from tests.conftest import ROOT

ERROR_CODES = ("400", "401", "404", "415", "422", "429")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return build(app.routes)


def operations(document: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(m.upper(), p): op for p, methods in document["paths"].items() for m, op in methods.items()}


def test_the_document_is_valid_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"].startswith("3.1")
    validate(document)


def test_every_route_of_the_app_is_described_with_its_models(document: dict[str, Any]) -> None:
    described = operations(document)
    routes = {(m, p) for p, methods in app.routes.items() for m in methods if p != FALLBACK_PATH}
    assert routes == set(described), f"missing: {routes - set(described)}"
    for (method, path), op in described.items():
        assert op["summary"], f"{method} {path} has no summary"
        success = next(code for code in op["responses"] if code.startswith("2"))
        if success != "204" and path != "/v1/openapi.json":
            (media,) = op["responses"][success]["content"].items()
            assert "$ref" in media[1]["schema"] or media[0] == "application/xml", f"{method} {path}: no model"
        if method in ("POST", "PUT"):
            assert op["requestBody"]["content"], f"{method} {path} has no request body"
    assert len({op["operationId"] for op in described.values()}) == len(described)


def test_security_and_roles_follow_each_routes_access_policy(document: dict[str, Any]) -> None:
    for (method, path), op in operations(document).items():
        access: Access = app.routes[path][method].view_function.eurzad_access
        if access.public:
            assert op["security"] == [] and op["x-roles"] == []
            assert "403" not in op["responses"]
        else:
            assert op["security"] == [{"bearer": []}]
            assert op["x-roles"] == sorted(r.value for r in access.roles)
            assert all(r in op["description"] for r in op["x-roles"])
            assert "403" in op["responses"]
    ops = operations(document)
    assert "406" in ops[("POST", "/v1/tenants/{terc}/services/{service}/document")]["responses"]
    assert ops[("GET", "/v1/tenants/{terc}/audit")]["x-roles"] == ["finance", "region-admin", "tenant-admin"]
    assert ops[("GET", "/v1/tenants/{terc}/inbox")]["x-tenant-param"] == "terc"
    assert ops[("GET", "/v1/catalogue")]["x-public"] is True
    scheme = document["components"]["securitySchemes"]["bearer"]
    assert (scheme["type"], scheme["scheme"], scheme["bearerFormat"]) == ("http", "bearer", "JWT")


def test_errors_share_one_schema_that_the_real_error_bodies_match(document: dict[str, Any]) -> None:
    for (method, path), op in operations(document).items():
        writes = ("409",) if method == "DELETE" else ("409", "413") if method in ("POST", "PUT") else ()
        for code in ERROR_CODES + writes + (() if op["security"] == [] else ("403",)):
            schema = op["responses"][code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}, f"{method} {path} {code}"
    error = document["components"]["schemas"]["Error"]
    details = [{"field": "data.x", "code": "missing", "message": "Pole jest wymagane."}]
    jsonschema.validate(NotFound("Brak.", code="service_not_found").body(), error)
    jsonschema.validate(Unprocessable(details=details).body(), error)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"Code": "UnsupportedMediaType", "Message": "x"}, error)


def test_path_parameters_carry_their_patterns(document: dict[str, Any]) -> None:
    ops = operations(document)
    params = {p["name"]: p for p in ops[("GET", "/v1/tenants/{terc}/submissions/{submission_id}")]["parameters"]}
    terc = re.compile(params["terc"]["schema"]["pattern"])
    assert all(terc.fullmatch(t) for t in ("1418043", "1418", "14"))
    assert not any(terc.fullmatch(t) for t in ("141804", "14180431", "141804a", "²"))
    assert params["submission_id"]["schema"]["pattern"] == "^[0-9a-f]{32}$"
    for op in ops.values():
        for p in op["parameters"]:
            if p["in"] == "path":
                assert "pattern" in p["schema"], p


def test_query_parameters_and_headers_come_from_the_routes_models(document: dict[str, Any]) -> None:
    ops = operations(document)
    search = {p["name"]: p for p in ops[("GET", "/v1/catalogue")]["parameters"]}
    assert set(search) == {"q", "tenant", "category"}
    assert search["q"]["schema"] == {"type": "string", "maxLength": 100}
    submit = {p["name"]: p for p in ops[("POST", "/v1/tenants/{terc}/services/{service}/submissions")]["parameters"]}
    assert submit["Idempotency-Key"]["in"] == "header" and submit["Idempotency-Key"]["required"] is True
    assert set(ops[("POST", "/v1/tenants/{terc}/services/{service}/submissions")]["requestBody"]["content"]) == {
        "application/json", "application/xml", "text/xml"}
    inbox = {p["name"]: p["schema"] for p in ops[("GET", "/v1/tenants/{terc}/inbox")]["parameters"]}
    assert (inbox["limit"]["minimum"], inbox["limit"]["maximum"]) == (1, 100)


def test_served_at_v1_openapi_json_to_anyone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(metering, "finish", lambda sink: None)  # no AWS here: the meter's write is not the point
    with Client(app) as client:
        resp = client.http.get("/v1/openapi.json")
        again = client.http.get("/v1/openapi.json", headers={"Authorization": f"Bearer {_token()}"})
    assert resp.status_code == 200 and again.status_code == 200
    assert {k.lower(): v for k, v in resp.headers.items()}["content-type"].startswith("application/json")
    served = json.loads(resp.body)
    assert ("GET", "/v1/openapi.json") in operations(served)
    validate(served)
    assert resp.body == again.body


def test_the_document_is_built_on_first_request_not_at_import() -> None:
    """Cold start: importing the app loads neither the generator nor the response shapes."""
    code = ("import sys, app; print(sorted(m for m in sys.modules if m.startswith('chalicelib.openapi.')"
            " or m == 'chalicelib.signatures.report'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.replace("'", '"')) == ["chalicelib.openapi.routes"]


def _token() -> str:
    from tests.conftest import token

    return token(Role.RESIDENT.value, subject="anna")

"""The HTTP edge without AWS: default deny, error mapping and metering of a throw-away app."""

from __future__ import annotations

import json
from typing import Any

import pytest
from chalice import Blueprint, Chalice
from chalice.test import Client

from chalicelib.core import metering
from chalicelib.core.auth import Access, Role
from chalicelib.core.errors import BadRequest, NotFound
from chalicelib.core.http import endpoint, if_match_version, install


class Sink:
    def __init__(self) -> None:
        self.usages: list[metering.Usage] = []

    def add(self, usage: metering.Usage, *, duration_ms: float, day: str) -> None:
        self.usages.append(usage)


def make_app() -> tuple[Chalice, Sink]:
    app = Chalice(app_name="edge-test")
    sink = Sink()
    install(app, lambda: sink)
    bp = Blueprint("chalicelib.modules.demo.routes")

    @bp.route("/forgotten")
    def forgotten() -> dict[str, str]:
        return {"secret": "data"}

    @endpoint(bp, "/v1/tenants/{terc}/thing", access=Access.anyone())
    def thing(terc: str) -> dict[str, str]:
        if terc == "0000000":
            raise NotFound("Brak.", code="thing_not_found")
        if terc == "1111111":
            raise RuntimeError("boom")
        return {"terc": terc}

    @endpoint(bp, "/v1/tenants/{terc}/secret", access=Access.of(Role.TENANT_ADMIN, tenant_param="terc"))
    def secret(terc: str) -> dict[str, str]:
        return {"terc": terc}

    app.register_blueprint(bp)
    return app, sink


def test_a_route_without_a_policy_is_refused() -> None:
    app, _ = make_app()
    with Client(app) as client:
        resp = client.http.get("/forgotten")
    assert resp.status_code == 403
    assert json.loads(resp.body)["error"]["code"] == "no_access_policy"


def test_errors_take_the_one_shape_and_crashes_do_not_leak() -> None:
    app, _ = make_app()
    with Client(app) as client:
        missing = client.http.get("/v1/tenants/0000000/thing")
        crash = client.http.get("/v1/tenants/1111111/thing")
    assert missing.status_code == 404
    assert json.loads(missing.body) == {"error": {"code": "thing_not_found", "message": "Brak.", "details": []}}
    assert crash.status_code == 500
    assert json.loads(crash.body)["error"]["code"] == "internal_error"
    assert "boom" not in crash.body.decode()


def test_every_invocation_is_metered_with_tenant_and_module() -> None:
    app, sink = make_app()
    with Client(app) as client:
        client.http.get("/v1/tenants/1418043/thing")
        client.http.get("/v1/tenants/1111111/thing")
    ok, crashed = sink.usages
    assert (ok.tenant, ok.module, ok.error) == ("1418043", "demo", False)
    assert crashed.error is True
    assert ok.http and crashed.http  # each is an API Gateway request, priced as one


def test_a_refused_call_counts_for_the_tenant_it_was_aimed_at() -> None:
    app, sink = make_app()
    with Client(app) as client:
        resp = client.http.get("/v1/tenants/1418043/secret")
    assert resp.status_code == 401
    (usage,) = sink.usages
    assert (usage.tenant, usage.module) == ("1418043", "demo")


def make_json_app() -> Chalice:
    from pydantic import BaseModel

    from chalicelib.core.http import parse_body

    class Body(BaseModel):
        data: dict[str, Any]

    app, _ = make_app()
    bp = Blueprint("chalicelib.modules.echo.routes")

    @endpoint(bp, "/v1/echo/{item_id}", access=Access.anyone(), methods=("POST",))
    def echo(item_id: str) -> Any:
        return parse_body(bp.current_request.raw_body, Body).data

    app.register_blueprint(bp)
    return app


def _post(app: Chalice, body: str | bytes, path: str = "/v1/echo/x1", content_type: str = "application/json") -> Any:
    with Client(app) as client:
        return client.http.post(path, headers={"Content-Type": content_type}, body=body)


def _error(resp: Any) -> tuple[int, str, list[str]]:
    error = json.loads(resp.body)["error"]
    return resp.status_code, error["code"], [d["field"] for d in error["details"]]


def test_a_wrong_method_is_405_with_allow_and_an_unknown_path_404_in_the_error_shape() -> None:
    app, _ = make_app()
    with Client(app) as client:
        wrong = client.http.post("/v1/tenants/1418043/thing", headers={"Content-Type": "application/json"}, body="{}")
        unknown = client.http.get("/nie-ma")  # one segment: the in-process client matches the greedy route
    assert _error(wrong) == (405, "method_not_allowed", [""])
    assert wrong.headers["Allow"] == "GET"
    assert _error(unknown) == (404, "not_found", [])


def test_a_wrong_content_type_is_415_in_the_error_shape() -> None:
    resp = _post(make_json_app(), b"{}", content_type="text/plain")
    assert _error(resp) == (415, "unsupported_media_type", ["Content-Type"])


def test_a_path_id_longer_than_any_key_is_404_before_the_view() -> None:
    assert _error(_post(make_json_app(), '{"data": {}}', path="/v1/echo/" + "a" * 1100)) == (404, "not_found", [])
    assert _error(_post(make_json_app(), '{"data": {}}', path="/v1/echo/%C5%BC")) == (404, "not_found", [])


def test_a_json_body_over_one_mib_is_413() -> None:
    body = json.dumps({"data": {"t": "x" * (1024 * 1024)}})
    assert _error(_post(make_json_app(), body)) == (413, "body_too_large", [""])


@pytest.mark.parametrize(("body", "code", "fields"), [
    ('{"data": ' + "[" * 1000 + "]" * 1000 + "}", "too_deep", [""]),
    ('{"data": ' + '{"a": ' * 40 + "1" + "}" * 40 + "}", "too_deep", ["data" + ".a" * 32]),
    ('{"data": {"n": ' + "9" * 5000 + "}}", "number_too_large", [""]),
    ('{"data": {"n": 1e999}}', "number_too_large", [""]),
    ('{"data": {"n": NaN}}', "invalid_json", [""]),
    ('{"data": {"t": "a\\u0000b", "ok": "x"}}', "invalid_characters", ["data.t"]),
    ('{"data": {"t": ["ok", "\\uffff"]}}', "invalid_characters", ["data.t[1]"]),
    ('{"data": {"t": "\\ud800"}}', "invalid_characters", ["data.t"]),
    ('{"data": {"t": "\\u001b[31m"}}', "invalid_characters", ["data.t"]),
])
def test_json_that_cannot_be_kept_is_422_with_the_field(body: str, code: str, fields: list[str]) -> None:
    resp = _post(make_json_app(), body)
    error = json.loads(resp.body)["error"]
    assert resp.status_code == 422
    assert [d["field"] for d in error["details"]] == fields
    assert {d["code"] for d in error["details"]} == {code}


def test_text_with_tab_and_line_breaks_passes() -> None:
    resp = _post(make_json_app(), '{"data": {"t": "a\\tb\\r\\nc ż \\ud83d\\ude00"}}')
    assert resp.status_code == 200
    assert json.loads(resp.body) == {"t": "a\tb\r\nc ż 😀"}


@pytest.mark.parametrize(("raw", "expected"), [
    ("12", 12), ("0", 0), ("²", None), ("①", None), ("٣", None), ("1" * 10, None), ("", None), ("-1", None),
    (" 1", None), (None, None),
])
def test_integer_parameters_take_ascii_digits_only(raw: str | None, expected: int | None) -> None:
    from chalicelib.core.inputs import ascii_int

    assert ascii_int(raw) == expected


def test_an_xml_answer_needs_an_accept_that_names_it() -> None:
    from chalicelib.core.errors import NotAcceptable
    from chalicelib.core.http import require_accept

    class Request:
        def __init__(self, accept: str | None) -> None:
            self.headers = {"accept": accept} if accept else {}

    assert require_accept(Request("text/html, application/xml;q=0.9"), ("application/xml",)) == "application/xml"
    for accept in (None, "*/*", "application/json"):
        with pytest.raises(NotAcceptable):
            require_accept(Request(accept), ("application/xml",))


def test_a_crash_outside_the_view_still_answers_in_the_error_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.core import http

    def unreachable_jwks() -> Any:
        raise RuntimeError("JWKS down")

    monkeypatch.setattr(http, "get_verifier", unreachable_jwks)
    app, sink = make_app()
    with Client(app) as client:
        resp = client.http.get("/v1/tenants/1418043/secret", headers={"Authorization": "Bearer x.y.z"})
    assert _error(resp) == (500, "internal_error", [])
    assert "JWKS" not in resp.body.decode()
    assert sink.usages[0].error is True


@pytest.mark.parametrize(("header", "version"), [(None, None), ("", None), ("3", 3), ('"12"', 12)])
def test_if_match_names_a_version_or_nothing(header: str | None, version: int | None) -> None:
    assert if_match_version({"if-match": header} if header is not None else {}, "sprawy") == version


@pytest.mark.parametrize("header", ["W/\"3\"", "abc", "-1", "1e3", "٣"])
def test_an_if_match_that_names_no_version_is_refused_in_polish(header: str) -> None:
    with pytest.raises(BadRequest) as caught:
        if_match_version({"if-match": header}, "konfiguracji")
    assert caught.value.code == "invalid_if_match" and "wersji konfiguracji" in caught.value.message

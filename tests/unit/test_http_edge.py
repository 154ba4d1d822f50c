"""The HTTP edge without AWS: default deny, error mapping and metering of a throw-away app."""

from __future__ import annotations

import json

from chalice import Blueprint, Chalice
from chalice.test import Client

from chalicelib.core import metering
from chalicelib.core.auth import Access, Role
from chalicelib.core.errors import NotFound
from chalicelib.core.http import endpoint, install


class Sink:
    def __init__(self) -> None:
        self.usages: list[metering.Usage] = []

    def add(self, usage: metering.Usage, *, duration_ms: float, day: str) -> None:
        self.usages.append(usage)


def make_app() -> tuple[Chalice, Sink]:
    app = Chalice(app_name="edge-test")
    sink = Sink()
    install(app, lambda: sink)
    bp = Blueprint("chalicelib.services.demo.routes")

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


def test_a_refused_call_counts_for_the_tenant_it_was_aimed_at() -> None:
    app, sink = make_app()
    with Client(app) as client:
        resp = client.http.get("/v1/tenants/1418043/secret")
    assert resp.status_code == 401
    (usage,) = sink.usages
    assert (usage.tenant, usage.module) == ("1418043", "demo")

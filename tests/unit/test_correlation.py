"""The correlation id without AWS: taken at the edge (or made), returned to the caller, carried by every event
the request causes, stored in the audit entry and named in every e-mail."""

from __future__ import annotations

import json
from typing import Any

import pytest
from chalice import Blueprint, Chalice
from chalice.test import Client

from chalicelib.core import observability
from chalicelib.core.auth import Access
from chalicelib.core.http import endpoint, install
from chalicelib.core.observability import logger, set_correlation_id
from chalicelib.events.topics import RegistrationMessage
from chalicelib.integrations import aws
from chalicelib.integrations.mail import Mail, SesMailer
from chalicelib.modules.tenants import logic
from tests.unit.test_http_edge import Sink
from tests.unit.test_tenants_logic import FakeStore, change, tenant


def app_with_events() -> Chalice:
    app = Chalice(app_name="correlation-test")
    install(app, Sink)
    bp = Blueprint("chalicelib.modules.demo.routes")

    @endpoint(bp, "/v1/tenants/{terc}/event", access=Access.anyone())
    def event(terc: str) -> Any:
        message = RegistrationMessage(submission_id="s1", owner="o", terc=terc, service="x")
        return {"correlation_id": message.correlation_id, "logged": logger.get_correlation_id()}

    app.register_blueprint(bp)
    return app


def test_the_callers_correlation_id_is_returned_logged_and_carried_by_the_events_it_causes() -> None:
    with Client(app_with_events()) as client:
        resp = client.http.get("/v1/tenants/1418043/event", headers={"X-Correlation-Id": "portal-7f3a-01"})
    assert resp.status_code == 200
    assert resp.headers["X-Correlation-Id"] == "portal-7f3a-01"
    assert json.loads(resp.body) == {"correlation_id": "portal-7f3a-01", "logged": "portal-7f3a-01"}


@pytest.mark.parametrize("sent", [None, "", "two words", "<script>", "x" * 101, "zażółć"])
def test_without_a_sane_one_the_edge_makes_one_and_returns_it(sent: str | None) -> None:
    headers = {"X-Correlation-Id": sent} if sent is not None else {}
    with Client(app_with_events()) as client:
        resp = client.http.get("/v1/tenants/1418043/event", headers=headers)
        other = client.http.get("/v1/tenants/1418043/event", headers=headers)
    made = resp.headers["X-Correlation-Id"]
    assert made != sent and observability.sane_correlation_id(made) == made
    assert json.loads(resp.body)["correlation_id"] == made
    assert other.headers["X-Correlation-Id"] != made  # every request its own


def test_refusals_carry_it_too() -> None:
    with Client(app_with_events()) as client:
        resp = client.http.get("/v1/tenants/" + "x" * 300 + "/event", headers={"X-Correlation-Id": "req-404"})
    assert resp.status_code == 404 and resp.headers["X-Correlation-Id"] == "req-404"


def test_the_audit_entry_and_the_change_event_carry_the_requests_correlation_id() -> None:
    set_correlation_id("admin-req-9")
    store = FakeStore(tenant())
    _, audit = change(store, "pismo-ogolne", enabled=False)
    assert store.audits[0].correlation_id == "admin-req-9" and store.audits[0].notify
    assert logic.event_of(audit).correlation_id == "admin-req-9"


def test_every_email_names_its_correlation_id(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []

    class Ses:
        def send_email(self, **kw: Any) -> dict[str, str]:
            calls.append(kw)
            return {"MessageId": "m-1"}

    monkeypatch.setattr(aws, "client", lambda service: Ses())
    set_correlation_id("req-anna-1")
    SesMailer("noreply@example.pl").send(Mail(to="anna@example.pl", subject="Temat", text="Treść.\n"))
    body = calls[0]["Message"]["Body"]["Text"]["Data"]
    assert body == "Treść.\n\nNumer referencyjny: req-anna-1\n"
    assert calls[0]["Tags"] == [{"Name": "correlation_id", "Value": "req-anna-1"}]


@pytest.fixture(autouse=True)
def _fresh_log_context() -> Any:
    yield
    logger.remove_keys(["correlation_id"])

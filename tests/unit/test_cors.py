"""The web portal calls the API from its own origin: every route allows that origin (EURZAD_WEB_ORIGIN), and so
do the refusals made before the view (401/403), which the portal must be able to read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from chalice.test import Client

from chalicelib.core.settings import get_settings
from tests.unit.test_http_edge import make_app

PORTAL = "https://eurzad.example.pl"


@pytest.fixture
def portal_origin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("EURZAD_WEB_ORIGIN", PORTAL)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("portal_origin")
def test_answers_carry_the_portals_origin_and_the_headers_it_sends() -> None:
    app, _ = make_app()
    with Client(app) as client:
        resp = client.http.get("/v1/tenants/1418043/thing")
    assert resp.status_code == 200
    assert resp.headers["Access-Control-Allow-Origin"] == PORTAL
    allowed = resp.headers["Access-Control-Allow-Headers"].split(",")
    assert {"Authorization", "Content-Type", "Idempotency-Key", "If-Match"} <= set(allowed)
    assert resp.headers["Access-Control-Expose-Headers"] == "ETag,X-Correlation-Id"


@pytest.mark.usefixtures("portal_origin")
def test_refusals_before_the_view_are_readable_by_the_portal() -> None:
    app, _ = make_app()
    with Client(app) as client:
        resp = client.http.get("/v1/tenants/1418043/secret")
    assert resp.status_code == 401
    assert resp.headers["Access-Control-Allow-Origin"] == PORTAL

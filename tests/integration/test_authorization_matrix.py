"""Every route of the app, every role: who gets in and who gets 401/403.

The table must name every route the app has: a new route without a row here fails the first test, so no
route can skip the matrix.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from app import app

A, B = "1418043", "1418032"
PUBLIC = "public"
ADMINS = ("tenant-admin", "region-admin")
# (method, path) -> roles allowed (tenant-bound roles only for their own JST), or PUBLIC
ROUTES: dict[tuple[str, str], Any] = {
    ("GET", "/v1/health"): PUBLIC,
    # any other path or method: 404 / 405 in the error shape, whoever calls
    **{(method, "/{proxy+}"): PUBLIC for method in ("GET", "POST", "PUT", "DELETE", "PATCH")},
    ("GET", "/v1/catalogue"): PUBLIC,
    ("GET", "/v1/openapi.json"): PUBLIC,
    ("POST", "/v1/signatures/verify"): PUBLIC,
    ("GET", "/v1/catalogue/{service}"): PUBLIC,
    ("GET", "/v1/catalogue/{service}/form"): PUBLIC,
    ("GET", "/v1/tenants"): PUBLIC,
    ("GET", "/v1/tenants/{terc}"): PUBLIC,
    ("GET", "/v1/tenants/{terc}/services"): PUBLIC,
    ("GET", "/v1/tenants/{terc}/services/{service}"): PUBLIC,
    ("POST", "/v1/tenants/{terc}/services/{service}/fee"): PUBLIC,  # the fee of a form filled so far
    ("GET", "/v1/tenants/{terc}/config"): ADMINS,
    ("PUT", "/v1/tenants/{terc}/services/{service}/settings"): ADMINS,
    ("GET", "/v1/tenants/{terc}/audit"): (*ADMINS, "finance"),
    ("GET", "/v1/tenants/{terc}/audit-trail"): ADMINS,
    # e-wniosek: residents act for themselves (their own items only), in any JST of the region
    ("POST", "/v1/tenants/{terc}/services/{service}/attachments"): ("resident",),
    ("POST", "/v1/tenants/{terc}/services/{service}/drafts"): ("resident",),
    ("POST", "/v1/tenants/{terc}/services/{service}/document"): ("resident",),
    ("POST", "/v1/tenants/{terc}/services/{service}/submissions"): ("resident",),
    ("GET", "/v1/me/attachments/{attachment_id}"): ("resident",),
    ("GET", "/v1/me/drafts"): ("resident",),
    ("GET", "/v1/me/drafts/{draft_id}"): ("resident",),
    ("PUT", "/v1/me/drafts/{draft_id}"): ("resident",),
    ("DELETE", "/v1/me/drafts/{draft_id}"): ("resident",),
    ("GET", "/v1/me/submissions"): ("resident",),
    ("GET", "/v1/me/submissions/{submission_id}"): ("resident",),
    ("GET", "/v1/me/submissions/{submission_id}/upp"): ("resident",),
    ("GET", "/v1/me/submissions/{submission_id}/document"): ("resident",),
    ("GET", "/v1/me/submissions/{submission_id}/attachments/{attachment_id}"): ("resident",),
    # the electronic inbox: clerks of that JST
    ("GET", "/v1/tenants/{terc}/inbox"): ("clerk",),
    ("GET", "/v1/tenants/{terc}/submissions/{submission_id}"): ("clerk",),
    ("GET", "/v1/tenants/{terc}/submissions/{submission_id}/upp"): ("clerk",),
    ("GET", "/v1/tenants/{terc}/submissions/{submission_id}/document"): ("clerk",),
    ("GET", "/v1/tenants/{terc}/submissions/{submission_id}/attachments/{attachment_id}"): ("clerk",),
    # the case's life: its department's clerks; e-informacja: the resident's own cases; the calculator: anyone
    ("GET", "/v1/tenants/{terc}/cases/{case_id}"): ("clerk",),
    ("POST", "/v1/tenants/{terc}/cases/{case_id}/transitions"): ("clerk",),
    ("POST", "/v1/tenants/{terc}/cases/{case_id}/assignment"): ("clerk",),
    ("POST", "/v1/tenants/{terc}/cases/{case_id}/notes"): ("clerk",),
    ("POST", "/v1/tenants/{terc}/cases/{case_id}/deadline"): ("clerk",),
    ("POST", "/v1/tenants/{terc}/cases/{case_id}/fee-payment"): ("clerk",),
    ("GET", "/v1/tenants/{terc}/cases/{case_id}/documents/{document}"): ("clerk",),
    ("GET", "/v1/me/cases"): ("resident",),
    ("GET", "/v1/me/cases/{case_id}"): ("resident",),
    ("POST", "/v1/me/cases/{case_id}/supplements"): ("resident",),
    ("GET", "/v1/me/cases/{case_id}/files/{file_id}"): ("resident",),
    ("GET", "/v1/deadlines"): PUBLIC,
    ("GET", "/v1/tenants/{terc}/archive/due"): ADMINS,
    # paper cases: registered by the JST's clerks; followed by anyone holding the sign and the access code
    ("POST", "/v1/tenants/{terc}/scans"): ("clerk",),
    ("POST", "/v1/tenants/{terc}/cases"): ("clerk",),
    ("GET", "/v1/tenants/{terc}/cases/{case_id}/scans/{scan_id}"): ("clerk",),
    ("POST", "/v1/tenants/{terc}/cases/{case_id}/files"): ("clerk",),
    ("GET", "/v1/tenants/{terc}/cases/{case_id}/files/{file_id}"): ("clerk",),
    ("POST", "/v1/public/cases/lookup"): PUBLIC,
    # payments: the resident pays their own case's fee; the gateway notifies (its signature is the check);
    # finance of the JST (or of the region) refunds
    ("POST", "/v1/me/cases/{case_id}/payment"): ("resident",),
    ("GET", "/v1/me/cases/{case_id}/payment"): ("resident",),
    ("POST", "/v1/payments/przelewy24/{terc}/notifications"): PUBLIC,
    ("POST", "/v1/tenants/{terc}/payments/{order_id}/refunds"): ("finance",),
    # finance's view: the day's payments and flags (and the JST's administrator), the reconciliation; proofs
    ("GET", "/v1/tenants/{terc}/payments"): ("finance", "tenant-admin"),
    ("GET", "/v1/tenants/{terc}/payments/flags"): ("finance", "tenant-admin"),
    ("GET", "/v1/tenants/{terc}/payments/reconciliation"): ("finance",),
    ("GET", "/v1/tenants/{terc}/payments/{order_id}/proof"): ("clerk", "finance", "tenant-admin"),
    ("GET", "/v1/me/cases/{case_id}/payment/proof"): ("resident",),
    # the office's letters in a case: its clerks (the cases' own access rules decide which)
    ("POST", "/v1/tenants/{terc}/cases/{case_id}/letters/preview"): ("clerk",),
    ("POST", "/v1/tenants/{terc}/cases/{case_id}/letters"): ("clerk",),
    ("GET", "/v1/tenants/{terc}/cases/{case_id}/letters"): ("clerk",),
    # delivery: the case's clerks send and follow, the party reads its own, the e-Delivery box calls back
    # (its secret token in the URL: a wrong one is 404)
    ("POST", "/v1/tenants/{terc}/cases/{case_id}/letters/{letter_id}/delivery"): ("clerk",),
    ("GET", "/v1/tenants/{terc}/cases/{case_id}/deliveries"): ("clerk",),
    ("GET", "/v1/tenants/{terc}/deliveries/failed"): ("clerk",),
    ("GET", "/v1/tenants/{terc}/cases/{case_id}/deliveries/{delivery_id}"): ("clerk",),
    ("POST", "/v1/tenants/{terc}/cases/{case_id}/deliveries/{delivery_id}/return-receipt"): ("clerk",),
    ("POST", "/v1/tenants/{terc}/cases/{case_id}/deliveries/{delivery_id}/appeal"): ("clerk",),
    ("POST", "/v1/tenants/{terc}/cases/{case_id}/deliveries/{delivery_id}/resend"): ("clerk",),
    ("GET", "/v1/tenants/{terc}/cases/{case_id}/deliveries/{delivery_id}/print-file"): ("clerk",),
    ("GET", "/v1/tenants/{terc}/cases/{case_id}/deliveries/{delivery_id}/evidences/{evidence_id}"): ("clerk",),
    ("GET", "/v1/me/cases/{case_id}/deliveries"): ("resident",),
    ("GET", "/v1/me/cases/{case_id}/deliveries/{delivery_id}/evidences/{evidence_id}"): ("resident",),
    ("POST", "/v1/edelivery/callbacks/{token}"): PUBLIC,
    # costs: finance of any JST and of the region
    ("GET", "/v1/finance/prices"): ("finance",),
    ("GET", "/v1/finance/costs"): ("finance",),  # a JST's finance: its own JST only
    ("GET", "/v1/finance/costs/rows"): ("finance",),
    ("GET", "/v1/finance/cost-settings"): ("finance",),
    ("PUT", "/v1/finance/cost-settings"): ("finance",),  # the region's finance only (REGIONAL)
    # budgets: regional finance for any JST, a JST's finance for its own; the fees beside the costs likewise
    ("PUT", "/v1/finance/budgets/{terc}"): ("finance",),
    ("GET", "/v1/finance/budgets/{terc}"): ("finance",),
    ("GET", "/v1/finance/fees-vs-costs"): ("finance",),
    ("GET", "/v1/finance/costs/actual"): ("finance",),  # the region's finance only (REGIONAL)
    # e-wizyta: the offer and free slots for anyone, bookings the resident's own, the day the clerks'
    ("GET", "/v1/tenants/{terc}/appointments"): PUBLIC,
    ("PUT", "/v1/tenants/{terc}/appointments"): ADMINS,
    ("GET", "/v1/tenants/{terc}/appointments/{topic}/slots"): PUBLIC,
    ("POST", "/v1/me/appointments"): ("resident",),
    ("GET", "/v1/me/appointments"): ("resident",),
    ("DELETE", "/v1/me/appointments/{booking_id}"): ("resident",),
    ("POST", "/v1/me/appointments/{booking_id}/move"): ("resident",),
    ("GET", "/v1/me/appointments/{booking_id}/calendar"): ("resident",),
    ("GET", "/v1/tenants/{terc}/appointments/day"): ("clerk",),
    ("POST", "/v1/tenants/{terc}/appointments/bookings/{booking_id}/attendance"): ("clerk",),
    # public registers: anyone searches and reads what is public; the register's clerks keep it
    ("GET", "/v1/tenants/{terc}/registers/{register}"): PUBLIC,
    ("GET", "/v1/tenants/{terc}/registers/{register}/{entry_id}"): PUBLIC,
    ("POST", "/v1/tenants/{terc}/registers/{register}"): ("clerk",),
    ("PUT", "/v1/tenants/{terc}/registers/{register}/{entry_id}"): ("clerk",),
    ("POST", "/v1/tenants/{terc}/registers/{register}/{entry_id}/revocation"): ("clerk",),
    ("GET", "/v1/tenants/{terc}/registers/{register}/{entry_id}/history"): ("clerk",),
    ("POST", "/v1/tenants/{terc}/registers/{register}/{entry_id}/declarations"): ("clerk",),
    ("POST", "/v1/tenants/{terc}/registers/{register}/{entry_id}/photo"): ("clerk",),
    ("GET", "/v1/tenants/{terc}/registers/{register}/{entry_id}/photo"): PUBLIC,
}
# Routes only the region's finance (no TERC in the token) may call: a JST's finance gets 403 tenant_forbidden.
REGIONAL = {("PUT", "/v1/finance/cost-settings"), ("GET", "/v1/finance/costs/actual")}
ROLES = ("resident", "clerk", "tenant-admin", "finance", "region-admin")
TENANT_BOUND = {"clerk", "tenant-admin"}


def _call(api: Any, method: str, path: str, headers: dict[str, str]) -> Any:
    url = path.replace("{terc}", A).replace("{service}", "pismo-ogolne")
    for name in ("submission_id", "attachment_id", "draft_id", "case_id", "scan_id", "file_id", "order_id", "letter_id",
                 "delivery_id", "evidence_id", "booking_id"):
        url = url.replace(f"{{{name}}}", "0" * 32)
    url = url.replace("{token}", "t" * 43)
    url = url.replace("{document}", "document").replace("{topic}", "dowod-osobisty")
    url = url.replace("{register}", "zezwolenia-alkoholowe").replace("{entry_id}", "0" * 26)
    # A body that cannot pass validation: an authorised call is then refused with 422, never writes.
    body = json.dumps({"enabled": "?"}) if method in ("PUT", "POST") else None
    return api.http.request(method, url, headers={"Content-Type": "application/json", **headers}, body=body)


def _token(role: str, terc: str | None) -> dict[str, str]:
    from tests.conftest import auth

    return auth(role, terc if role in TENANT_BOUND or (role == "finance" and terc) else None)


def test_the_table_names_every_route_of_the_app() -> None:
    actual = {(m, p) for p, methods in app.routes.items() for m in methods}
    assert actual == set(ROUTES), f"routes without a row: {actual - set(ROUTES)}; stale rows: {set(ROUTES) - actual}"


@pytest.mark.parametrize(("method", "path"), sorted(ROUTES))
def test_anonymous(api: Any, method: str, path: str) -> None:
    resp = _call(api, method, path, {})
    if ROUTES[(method, path)] == PUBLIC:
        assert resp.status_code not in (401, 403)
    else:
        assert resp.status_code == 401
        assert json.loads(resp.body)["error"]["code"] == "unauthorized"


@pytest.mark.parametrize(("method", "path"), sorted(ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_on_its_own_tenant(api: Any, method: str, path: str, role: str) -> None:
    allowed = ROUTES[(method, path)]
    resp = _call(api, method, path, _token(role, A))
    if (method, path) in REGIONAL and role == "finance":  # the token names JST A; then the region's
        assert resp.status_code == 403, resp.body
        assert json.loads(resp.body)["error"]["code"] == "tenant_forbidden"
        resp = _call(api, method, path, _token(role, None))
    if allowed == PUBLIC or role in allowed:
        assert resp.status_code not in (401, 403), resp.body
    else:
        assert resp.status_code == 403, resp.body
        assert json.loads(resp.body)["error"]["code"] == "role_forbidden"


@pytest.mark.parametrize(("method", "path"), sorted(k for k, v in ROUTES.items() if v != PUBLIC and "{terc}" in k[1]))
@pytest.mark.parametrize("role", ["tenant-admin", "finance", "clerk"])
def test_other_tenants_staff_are_refused(api: Any, method: str, path: str, role: str) -> None:
    resp = _call(api, method, path, _token(role, B))
    assert resp.status_code == 403
    assert json.loads(resp.body)["error"]["code"] in ("tenant_forbidden", "role_forbidden")


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Basic dXNlcjpwYXNz", "Bearer "])
def test_bad_credentials_on_protected_route(api: Any, header: str) -> None:
    resp = _call(api, "GET", "/v1/tenants/{terc}/config", {"Authorization": header})
    assert resp.status_code == 401

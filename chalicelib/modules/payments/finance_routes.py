"""The payments API for finance and for proofs: a JST's payments of a day, the flags, the day's reconciliation
with the gateway's report (JSON or CSV), and the sealed proof of payment (the resident's own; staff of the JST).

Its views hang on the module's blueprint (`routes.bp`), which imports this file.
"""

from __future__ import annotations

from typing import Any

from chalice.app import Response

from chalicelib.core.auth import Access, Role
from chalicelib.core.clock import WARSAW, get_clock
from chalicelib.core.http import endpoint, json_response, require_accept, require_principal
from chalicelib.modules import signatures, tenants
from chalicelib.modules.payments import logic
from chalicelib.modules.payments.finance_wiring import (
    finance,
    finance_models,
    finance_orders,
    proof,
    proofs,
    reconciliation_csv,
)
from chalicelib.modules.payments.routes import RESIDENT, bp
from chalicelib.modules.payments.wiring import gateway, orders

FINANCE = Access.of(Role.FINANCE, tenant_param="terc")
FINANCE_READ = Access.of(Role.FINANCE, Role.TENANT_ADMIN, tenant_param="terc")
STAFF = Access.of(Role.CLERK, Role.FINANCE, Role.TENANT_ADMIN, tenant_param="terc")
XML = ("application/xml", "text/xml")


def _query() -> dict[str, str]:
    return dict(bp.current_request.query_params or {})


def _today() -> Any:
    return get_clock().now().astimezone(WARSAW).date()


def _proof_response(order: Any, payer: proof.Payer, media_type: str) -> Response:
    tenant = tenants.config(order.terc)
    body = proof.issued(proofs(), order, tenant, payer, now=get_clock().now(),
                        seal=lambda document, at: signatures.seal(document, at=at))
    disposition = f'attachment; filename="potwierdzenie-wplaty-{order.order_id}.xml"'
    return Response(body=body, status_code=200, headers={"Content-Type": media_type,
                                                         "Content-Disposition": disposition})


@endpoint(bp, "/v1/me/cases/{case_id}/payment/proof", access=RESIDENT, response="application/xml",
          summary="Potwierdzenie wpłaty za moją sprawę (XML z pieczęcią urzędu)")
def my_proof(case_id: str) -> Any:
    media_type = require_accept(bp.current_request, XML)
    principal = require_principal()
    order = logic.own_order(orders().get(case_id), principal.subject)
    return _proof_response(order, proof.payer_of(order, name=principal.name, pesel=principal.pesel), media_type)


@endpoint(bp, "/v1/tenants/{terc}/payments/{order_id}/proof", access=STAFF, response="application/xml",
          summary="Potwierdzenie wpłaty (XML z pieczęcią urzędu)")
def staff_proof(terc: str, order_id: str) -> Any:
    media_type = require_accept(bp.current_request, XML)
    order = orders().get(order_id)
    if order is None or order.terc != terc:
        raise logic.OrderNotFound("Nie ma takiego zlecenia płatności w tej jednostce.")
    return _proof_response(order, proof.payer_of(order, name=None, pesel=None), media_type)


@endpoint(bp, "/v1/tenants/{terc}/payments", access=FINANCE_READ, summary="Płatności JST z jednego dnia",
          params="modules.payments.finance_models:PaymentsQuery",
          response="modules.payments.finance_models:PaymentDay")
def payments_of_day(terc: str) -> Any:
    query = _query()
    day = finance.parse_day(query.get("day"), today=_today())
    status = finance.parse_status(query.get("status"))
    tenants.config(terc)  # an unknown JST is 404
    found = finance.payments_of_day(finance_orders(), terc, day, status)
    return json_response(finance_models.PaymentDay.model_validate(found))


@endpoint(bp, "/v1/tenants/{terc}/payments/flags", access=FINANCE_READ,
          summary="Sygnały do wyjaśnienia z jednego dnia (odrzucone powiadomienia, wpłaty po terminie, zwroty)",
          params="modules.payments.finance_models:FlagsQuery", response="modules.payments.finance_models:FlagDay")
def flags_of_day(terc: str) -> Any:
    day = finance.parse_day(_query().get("day"), today=_today())
    tenants.config(terc)
    return json_response(finance_models.FlagDay.model_validate(finance.flags_of_day(finance_orders(), terc, day)))


@endpoint(bp, "/v1/tenants/{terc}/payments/reconciliation", access=FINANCE,
          summary="Rozliczenie dnia z raportem operatora płatności (JSON albo CSV)",
          params="modules.payments.finance_models:ReconciliationQuery",
          response="modules.payments.finance_models:ReconciliationView")
def reconciliation(terc: str) -> Any:
    query = _query()
    day = finance.parse_day(query.get("day"), today=_today(), required=True)
    csv = finance.parse_format(query.get("format"))
    setting = tenants.config(terc).payments
    if setting is None:
        raise logic.PaymentsUnavailable("Ta jednostka nie przyjmuje opłat przez Internet: nie ma czego rozliczać.")
    gw, merchant = gateway(setting)
    result = finance.reconcile_day(finance_orders(), finance.gateway_report(gw, merchant), terc, day)
    if csv:
        disposition = f'attachment; filename="{reconciliation_csv.filename(result)}"'
        return Response(body=reconciliation_csv.render(result).decode("utf-8"), status_code=200,
                        headers={"Content-Type": "text/csv; charset=utf-8", "Content-Disposition": disposition})
    return json_response(finance_models.ReconciliationView.model_validate(finance.reconciliation_view(result)))

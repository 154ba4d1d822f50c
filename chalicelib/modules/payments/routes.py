"""The payments API: the resident pays their case's fee and reads its state; the gateway posts its
notifications (public: its signature is the check); finance refunds."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.core import inputs, metering
from chalicelib.core.auth import Access, Role
from chalicelib.core.clock import get_clock
from chalicelib.core.http import endpoint, json_response, parse_body, public_base_url, require_principal
from chalicelib.core.settings import get_settings
from chalicelib.modules import tenants
from chalicelib.modules.payments import logic, models, notifications, paying, refunds
from chalicelib.modules.payments.wiring import gateway, orders

bp = Blueprint(__name__)
RESIDENT = Access.of(Role.RESIDENT)
FINANCE = Access.of(Role.FINANCE, tenant_param="terc")
NOTIFICATIONS = "/v1/payments/przelewy24/{terc}/notifications"


def _own(case_id: str) -> models.Order:
    order = logic.own_order(orders().get(case_id), require_principal().subject)
    metering.attribute(tenant=order.terc, service=order.service)  # the resident's path names no JST
    return order


def _gateway_of(terc: str) -> Any:
    setting = tenants.config(terc).payments
    if setting is None:
        raise logic.PaymentsUnavailable()
    return gateway(setting)


@endpoint(bp, "/v1/me/cases/{case_id}/payment", access=RESIDENT, methods=("POST",), status=201,
          summary="Zapłać opłatę za sprawę (przekierowanie do bramki płatności)",
          request="modules.payments.models:PayIn", response="modules.payments.models:PayOut")
def pay(case_id: str) -> Any:
    body = parse_body(bp.current_request.raw_body, models.PayIn)
    order = _own(case_id)
    back_to = logic.return_url(body.return_url, get_settings().web_origin)
    gw, merchant = _gateway_of(order.terc)
    base = public_base_url(bp.current_request)
    if base is None:  # no address the gateway could notify: EURZAD_PUBLIC_API_URL must name it
        raise logic.PaymentsUnavailable()
    paid = paying.pay(orders(), gw, merchant, order=order, back_to=back_to,
                      notify_url=base + NOTIFICATIONS.replace("{terc}", order.terc),
                      fallback_email=get_settings().mail_from, now=get_clock().now())
    return json_response(paid, status=201)


@endpoint(bp, "/v1/me/cases/{case_id}/payment", access=RESIDENT, summary="Stan opłaty za moją sprawę",
          response="modules.payments.models:PaymentView")
def payment(case_id: str) -> Any:
    order = _own(case_id)
    setting = tenants.config(order.terc).payments if order.open_attempt is not None else None
    if setting is not None:
        try:
            gw, merchant = gateway(setting)
        except logic.GatewayUnavailable:  # the order as stored; the gateway's word comes with its notification
            pass
        else:
            order = paying.refreshed(orders(), gw, merchant, order)
    return paying.view(order, proof=order.status in ("oplacone", "zwrocone"))


@endpoint(bp, NOTIFICATIONS, access=Access.anyone(), methods=("POST",),
          content_types=("application/json", "text/plain"),
          summary="Powiadomienie bramki Przelewy24 o wpłacie (podpisane kluczem CRC jednostki)",
          response="modules.payments.models:NotificationAck")
def notification(terc: str) -> Any:
    request = bp.current_request
    raw = request.raw_body
    raw = raw.encode("utf-8") if isinstance(raw, str) else raw or b""  # the bytes as sent: the sign covers them
    source = str((request.context.get("identity") or {}).get("sourceIp") or "unknown")
    config = tenants.config(terc)
    if config.payments is None:
        orders().add_flag(logic.flag(terc, logic.WRONG_MERCHANT, at=get_clock().now(), raw=raw, source=source))
        raise notifications.NotificationRefused(logic.WRONG_MERCHANT.message, code=logic.WRONG_MERCHANT.code)
    gw, merchant = gateway(config.payments)
    notifications.receive(orders(), gw, merchant, terc=terc, raw=raw, source=source, now=get_clock().now())
    return {"status": "ok"}


@endpoint(bp, "/v1/tenants/{terc}/payments/{order_id}/refunds", access=FINANCE, methods=("POST",), status=201,
          summary="Zwrot wpłaty (w całości lub w części)", request="modules.payments.models:RefundIn",
          params="openapi.shapes:IdempotencyHeaders", response="modules.payments.models:RefundOut")
def refund(terc: str, order_id: str) -> Any:
    request = bp.current_request
    key = inputs.idempotency_key(request.headers.get("idempotency-key"))
    body = parse_body(request.raw_body, models.RefundIn)
    order = orders().get(order_id)
    if order is None or order.terc != terc:
        raise logic.OrderNotFound("Nie ma takiego zlecenia płatności w tej jednostce.")
    gw, merchant = _gateway_of(terc)
    done = refunds.refund(orders(), gw, merchant, order=order, key=key, body=body,
                          who=require_principal().subject, now=get_clock().now())
    return json_response(done, status=201)


# Finance's routes and the proofs hang on this blueprint too (their own file).
from chalicelib.modules.payments import finance_routes  # noqa: E402, F401

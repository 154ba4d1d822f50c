"""The delivery API: the clerk sends an issued letter (the channel chosen by the party's ADE), follows it, enters
a paper return receipt, records an appeal, sends a failed one again; the clerk and the party download the
evidences; the e-Delivery box's callback (authenticated by the secret token in its URL)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import Any

from chalice.app import Blueprint

from chalicelib.core.auth import Access, Role
from chalicelib.core.clock import get_clock
from chalicelib.core.errors import BadRequest, Forbidden, NotFound, Unprocessable
from chalicelib.core.http import endpoint, json_response, parse_body, require_principal
from chalicelib.core.observability import logger
from chalicelib.modules import cases, letters, tenants
from chalicelib.modules.delivery import callbacks, wiring
from chalicelib.modules.delivery.wiring import actions, logic, models, paper, records

bp = Blueprint(__name__)
CLERKS = Access.of(Role.CLERK, tenant_param="terc")
RESIDENTS = Access.of(Role.RESIDENT)
IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")
CASE = "/v1/tenants/{terc}/cases/{case_id}"
ONE = CASE + "/deliveries/{delivery_id}"
LINK_SECONDS = 300


def _idempotency_key() -> str:
    raw = bp.current_request.headers.get("idempotency-key") or ""
    if not IDEMPOTENCY_KEY.fullmatch(raw):
        code = "idempotency_key_invalid" if raw else "idempotency_key_missing"
        raise BadRequest("Brak lub nieprawidłowy nagłówek Idempotency-Key.", code=code, details=[
            {"field": "Idempotency-Key", "code": code,
             "message": "Nagłówek Idempotency-Key jest wymagany (8–100 znaków: litery, cyfry, _ . : -)."}])
    return raw


def _case(terc: str, case_id: str, *, acting: bool = False) -> dict[str, Any]:
    """The case as its department's clerk opens it; acting on it needs its assignee or the department head."""
    who = require_principal()
    record = cases.case_for_clerk(terc, case_id, department=who.department)
    if acting and not who.department_head and record.get("assignee") != who.subject:
        raise Forbidden("Pismo wysyła i doręczenie prowadzi urzędnik prowadzący sprawę albo kierownik komórki.",
                        code="not_assignee")
    return record


def _delivery(terc: str, case_id: str, delivery_id: str) -> records.Stored:
    stored = wiring.deliveries().get(terc, case_id, delivery_id)
    if stored is None:
        raise NotFound("Sprawa nie ma takiego doręczenia.", code="delivery_not_found")
    return stored


@endpoint(bp, CASE + "/letters/{letter_id}/delivery", access=CLERKS, methods=("POST",), status=201,
          summary="Wysłanie wydanego pisma stronie: e-Doręczenia (ADE), podmiot publiczny albo papier",
          request="modules.delivery.models:DeliveryRequest", response="modules.delivery.models:DeliveryView",
          params="openapi.shapes:IdempotencyHeaders")
def delivery_send(terc: str, case_id: str, letter_id: str) -> Any:
    key = _idempotency_key()
    body = parse_body(bp.current_request.raw_body, models.DeliveryRequest)
    case = _case(terc, case_id, acting=True)
    letter = letters.issued(terc, case_id, letter_id)
    if letter is None:
        raise NotFound("Sprawa nie ma takiego wydanego pisma.", code="letter_not_found")
    tenant, now = tenants.config(terc), get_clock().now()
    request = logic.Request(channel=body.channel, ade=body.ade, public_body=body.public_body,
                            address=tuple(body.address))
    public = tenants.edelivery_addresses()
    record, created = logic.begin(wiring.ports(), case=case, letter=letter, sender_ade=tenant.edelivery_address,
                                  office=tenant.office_name, request=request, public_bodies=public,
                                  clerk=require_principal().subject, key=key, now=now)
    if created and record["channel"] != records.PAPER:
        callbacks.ensure_subscription(tenant.edelivery_address, bp.current_request)
    return json_response(records.view(record), status=201 if created else 200)


@endpoint(bp, CASE + "/deliveries", access=CLERKS, summary="Doręczenia pism w sprawie",
          response="modules.delivery.models:DeliveryList")
def delivery_list(terc: str, case_id: str) -> Any:
    _case(terc, case_id)
    items = [records.view(r) for r in wiring.deliveries().of_case(terc, case_id)]
    return {"items": items, "count": len(items)}


@endpoint(bp, "/v1/tenants/{terc}/deliveries/failed", access=CLERKS,
          summary="Nieudane wysyłki pism jednostki (do ponowienia)", response="modules.delivery.models:DeliveryList")
def delivery_failed(terc: str) -> Any:
    department = require_principal().department
    items = [records.view(r) for r in wiring.deliveries().failed(terc)
             if not department or _department_of(terc, r["case_id"], department)]
    return {"items": items, "count": len(items)}


def _department_of(terc: str, case_id: str, department: str) -> bool:
    try:
        cases.case_for_clerk(terc, case_id, department=department)
    except (Forbidden, NotFound):
        return False
    return True


@endpoint(bp, ONE, access=CLERKS, summary="Doręczenie pisma: stan, daty, dowody, termin na odwołanie",
          response="modules.delivery.models:DeliveryView")
def delivery_get(terc: str, case_id: str, delivery_id: str) -> Any:
    _case(terc, case_id)
    return records.view(_delivery(terc, case_id, delivery_id).record)


@endpoint(bp, ONE + "/return-receipt", access=CLERKS, methods=("POST",),
          summary="Potwierdzenie odbioru przesyłki papierowej: data doręczenia i skan",
          request="modules.delivery.models:ReturnReceiptRequest", response="modules.delivery.models:DeliveryView")
def delivery_return_receipt(terc: str, case_id: str, delivery_id: str) -> Any:
    body = parse_body(bp.current_request.raw_body, models.ReturnReceiptRequest)
    _case(terc, case_id, acting=True)
    stored = _delivery(terc, case_id, delivery_id)
    try:
        scan = base64.b64decode(body.scan_base64, validate=True)
    except binascii.Error as error:
        raise Unprocessable("Skan nie jest poprawnym base64.", code="scan_invalid", details=[
            {"field": "scan_base64", "code": "scan_invalid", "message": "Niepoprawne base64."}]) from error
    media_type = actions.scan_type(scan)
    who, now = require_principal(), get_clock().now()
    file_id = hashlib.sha256(f"{delivery_id}:return-receipt".encode()).hexdigest()[:32]
    clerk = cases.Clerk(subject=who.subject, name=who.name, department=who.department, head=who.department_head)
    if stored.record["status"] == "do_wydruku":
        cases.add_office_files(terc, case_id, [cases.OfficeFile(
            file_id=file_id, title=f"Potwierdzenie odbioru — {stored.record['title']}", kind="zalacznik",
            filename=body.filename, content_type=media_type, body=scan, for_party=False)], clerk=clerk, at=now)
    record = actions.return_receipt(wiring.ports(), stored, delivered_on=body.delivered_on, scan=scan,
                                    scan_file_id=file_id, clerk=who.subject, now=now)
    return records.view(record)


@endpoint(bp, ONE + "/appeal", access=CLERKS, methods=("POST",),
          summary="Odwołanie od doręczonej decyzji: decyzja nie staje się ostateczna z upływem terminu",
          request="modules.delivery.models:AppealRequest", response="modules.delivery.models:DeliveryView")
def delivery_appeal(terc: str, case_id: str, delivery_id: str) -> Any:
    body = parse_body(bp.current_request.raw_body, models.AppealRequest)
    _case(terc, case_id, acting=True)
    record = actions.appeal(wiring.ports(), _delivery(terc, case_id, delivery_id), received_on=body.received_on,
                            clerk=require_principal().subject, now=get_clock().now())
    return records.view(record)


@endpoint(bp, ONE + "/resend", access=CLERKS, methods=("POST",), summary="Ponowienie nieudanej wysyłki",
          request="modules.delivery.models:ResendRequest", response="modules.delivery.models:DeliveryView")
def delivery_resend(terc: str, case_id: str, delivery_id: str) -> Any:
    body = parse_body(bp.current_request.raw_body, models.ResendRequest)
    _case(terc, case_id, acting=True)
    record = actions.send_again(wiring.ports(), _delivery(terc, case_id, delivery_id),
                                clerk=require_principal().subject, now=get_clock().now(), address=tuple(body.address))
    return records.view(record)


@endpoint(bp, ONE + "/print-file", access=CLERKS,
          summary="Plik do druku (usługa hybrydowa): arkusz adresowy i pismo (ZIP, link na 5 minut)",
          response="modules.delivery.models:Link")
def delivery_print_file(terc: str, case_id: str, delivery_id: str) -> Any:
    _case(terc, case_id)
    record = _delivery(terc, case_id, delivery_id).record
    if record["channel"] != records.PAPER:
        raise NotFound("To doręczenie nie jest przesyłką papierową.", code="print_file_not_found")
    from chalicelib.integrations.clients import objects

    [letter_pdf] = wiring.ports().files.letter_documents(terc, case_id, record["files"][1:])
    key = f"cases/{terc}/{case_id}/deliveries/{delivery_id}/wydruk.zip"
    version = objects().put("documents", key, paper.print_file(record, letter_pdf), "application/zip")
    filename = f"wydruk-{record['case_sign'] or case_id}.zip".replace("/", "-")
    return {"url": objects().presigned_get("documents", key, version_id=version, filename=filename,
                                           content_type="application/zip", expires=LINK_SECONDS),
            "filename": filename}


def _evidence_link(record: dict[str, Any], evidence_id: str) -> dict[str, Any]:
    from chalicelib.integrations.clients import objects

    found = next((e for e in record["evidences"] if e["id"] == evidence_id), None)
    if found is None:
        raise NotFound("Doręczenie nie ma takiego dowodu.", code="evidence_not_found")
    filename = f"{found['kind']}-{record['delivery_id'][:8]}.xml"
    key = wiring.evidence_key(record["terc"], record["case_id"], record["delivery_id"], evidence_id)
    return {"url": objects().presigned_get("documents", key, version_id=found.get("version_id"), filename=filename,
                                           content_type="application/xml", expires=LINK_SECONDS),
            "filename": filename}


@endpoint(bp, ONE + "/evidences/{evidence_id}", access=CLERKS,
          summary="Dowód doręczenia (XML podpisany przez dostawcę albo z pieczęcią urzędu), link na 5 minut",
          response="modules.delivery.models:Link")
def delivery_evidence(terc: str, case_id: str, delivery_id: str, evidence_id: str) -> Any:
    _case(terc, case_id)
    return _evidence_link(_delivery(terc, case_id, delivery_id).record, evidence_id)


@endpoint(bp, "/v1/me/cases/{case_id}/deliveries", access=RESIDENTS,
          summary="Doręczenia pism w mojej sprawie: stan, daty, termin na odwołanie",
          response="modules.delivery.models:DeliveryList")
def my_deliveries(case_id: str) -> Any:
    case = cases.case_for_party(case_id, owner=require_principal().subject)
    items = [records.view(r, party=True) for r in wiring.deliveries().of_case(str(case["terc"]), case_id)]
    return {"items": items, "count": len(items)}


@endpoint(bp, "/v1/me/cases/{case_id}/deliveries/{delivery_id}/evidences/{evidence_id}", access=RESIDENTS,
          summary="Dowód doręczenia pisma w mojej sprawie (link na 5 minut)", response="modules.delivery.models:Link")
def my_delivery_evidence(case_id: str, delivery_id: str, evidence_id: str) -> Any:
    case = cases.case_for_party(case_id, owner=require_principal().subject)
    return _evidence_link(_delivery(str(case["terc"]), case_id, delivery_id).record, evidence_id)


@endpoint(bp, "/v1/edelivery/callbacks/{token}", access=Access.anyone(), methods=("POST",),
          summary="Powiadomienie skrzynki e-Doręczeń o zmianie stanu (uwierzytelnione tajnym tokenem w adresie)",
          request="modules.delivery.models:CallbackRequest", response="modules.delivery.models:CallbackAnswer")
def edelivery_callback(token: str) -> Any:
    body = parse_body(bp.current_request.raw_body, models.CallbackRequest)
    accepted = callbacks.handle(token, body.eDeliveryAddress, body.messageId, get_clock().now())
    if not accepted:
        logger.warning("e-Delivery callback refused: unknown token or message")
    return {"accepted": accepted}

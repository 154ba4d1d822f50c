"""The office's side of the electronic inbox (ESP): a department's cases, and a submission's files."""

from __future__ import annotations

import itertools
import re
import uuid
from typing import Any

from chalice.app import Blueprint

from chalicelib import events
from chalicelib.core import metering
from chalicelib.core.auth import Access, Role
from chalicelib.core.clock import WARSAW, get_clock
from chalicelib.core.errors import BadRequest, Conflict, NotFound, Unprocessable
from chalicelib.core.http import (
    endpoint,
    error_response,
    if_match_version,
    json_response,
    parse_body,
    require_principal,
)
from chalicelib.core.observability import logger
from chalicelib.integrations.clients import mailer, objects
from chalicelib.modules import audit, catalogue, payments, submissions, tenants
from chalicelib.modules.cases import (
    calculator,
    einformacja,
    fee,
    forwarding,
    handling,
    lifecycle,
    logic,
    lookup,
    models,
    office_files,
    overdue,
    paper,
    paper_store,
    retention,
    supplements,
    trail,
)
from chalicelib.modules.cases.wiring import cases, lookup_limits, paper_cases, retention_stores

bp = Blueprint(__name__)
CLERKS = Access.of(Role.CLERK, tenant_param="terc")
RESIDENT = Access.of(Role.RESIDENT)
MY_CASES_LIMIT = 100


def _params() -> dict[str, str]:
    return dict(bp.current_request.query_params or {})


@endpoint(bp, "/v1/tenants/{terc}/inbox", access=CLERKS, summary="Skrzynka podawcza komórki (ESP)",
          params="openapi.shapes:InboxQuery", response="openapi.shapes:InboxPage")
def inbox(terc: str) -> Any:
    return logic.inbox(cases(), lambda: tenants.config(terc), terc=terc,
                       clerk_department=require_principal().department, params=_params(),
                       today=overdue.today_of(get_clock().now()))


def _filed(terc: str, submission_id: str) -> submissions.Filed:
    return logic.require_visible(submissions.filed_with(terc, submission_id),
                                 clerk_department=require_principal().department)


@endpoint(bp, "/v1/tenants/{terc}/submissions/{submission_id}", access=CLERKS, summary="Wniosek w JST",
          response="openapi.shapes:ClerkSubmissionView")
def submission(terc: str, submission_id: str) -> Any:
    return _filed(terc, submission_id).view()


@endpoint(bp, "/v1/tenants/{terc}/submissions/{submission_id}/upp", access=CLERKS, summary="Link do UPP wniosku",
          response="openapi.shapes:Download")
def submission_upp(terc: str, submission_id: str) -> Any:
    return _read(terc, submission_id, "upp")


@endpoint(bp, "/v1/tenants/{terc}/submissions/{submission_id}/document", access=CLERKS,
          summary="Link do dokumentu wniosku", response="openapi.shapes:Download")
def submission_document(terc: str, submission_id: str) -> Any:
    return _read(terc, submission_id, "document")


@endpoint(bp, "/v1/tenants/{terc}/submissions/{submission_id}/attachments/{attachment_id}", access=CLERKS,
          summary="Link do załącznika wniosku", response="openapi.shapes:Download")
def submission_attachment(terc: str, submission_id: str, attachment_id: str) -> Any:
    return _read(terc, submission_id, "attachment", attachment_id)


def _read(terc: str, submission_id: str, what: str, attachment_id: str | None = None) -> Any:
    """A link to a document for staff, given only once its read is in the audit trail (503 if it cannot be)."""
    filed = _filed(terc, submission_id)
    link = filed.link(what, attachment_id)
    who = require_principal()
    audit.record(terc, [trail.document_read(terc, submission_id, filed.submission.case_sign, what, attachment_id,
                                            actor=audit.Actor(who.subject, who.name), at=get_clock().now())])
    return link


def _file_read(record: dict[str, Any], document: str, link: Any) -> Any:
    """`link` to a case's own file, given only once its read is in the audit trail (503 if it cannot be)."""
    who = require_principal()
    audit.record(record["terc"], [trail.case_file_read(record, document, actor=audit.Actor(who.subject, who.name),
                                                       at=get_clock().now())])
    return link


# --- the case's life: its clerks of its department (a clerk without one, the kancelaria, sees every case) ---

def _actor() -> lifecycle.Actor:
    who = require_principal()
    return lifecycle.Actor(subject=who.subject, name=who.name, head=who.department_head)


def _answer(view: dict[str, Any]) -> Any:
    return json_response(view, headers={"ETag": f'"{view["version"]}"'})


def _change(terc: str, case_id: str, apply: handling.Change, outgoing: handling.Outgoing | None = None) -> Any:
    expected = if_match_version(bp.current_request.headers, "sprawy")
    return _answer(handling.change(cases(), terc, case_id, clerk_department=require_principal().department,
                                   expected_version=expected, apply=apply, now=get_clock().now(), mailer=mailer(),
                                   outgoing=outgoing, publish=events.publish))


@endpoint(bp, "/v1/tenants/{terc}/cases/{case_id}", access=CLERKS, summary="Sprawa: stan, termin, historia, notatki",
          response="modules.cases.models:CaseView")
def case(terc: str, case_id: str) -> Any:
    stored = handling.open_case(cases(), terc, case_id, clerk_department=require_principal().department)
    return _answer(handling.view(stored))


@endpoint(bp, "/v1/tenants/{terc}/cases/{case_id}/transitions", access=CLERKS, methods=("POST",),
          summary="Zmiana stanu sprawy", request="modules.cases.models:TransitionRequest",
          response="modules.cases.models:CaseView", params="openapi.shapes:IfMatchHeaders")
def case_transition(terc: str, case_id: str) -> Any:
    body = parse_body(bp.current_request.raw_body, models.TransitionRequest)
    if forwarding.to_platform(body.to, to_terc=body.to_terc, office=body.office):
        forwarded = forwarding.Forwarding(to_terc=str(body.to_terc), reason=body.reason, actor=_actor(),
                                          at=get_clock().now(), receivers=forwarding.PlatformReceivers(),
                                          filings=submissions)
        return _change(terc, case_id, forwarded.apply, outgoing=forwarded.message)
    move = lifecycle.Move(to=body.to, reason=body.reason, gaps=tuple(body.gaps), term_days=body.term_days,
                          document=body.document, office=body.office)
    if body.document_file:
        return _change(terc, case_id, office_files.settle(move, body.document_file, actor=_actor(),
                                                          at=get_clock().now()))
    return _change(terc, case_id, handling.transition(move, actor=_actor(), at=get_clock().now()))


@endpoint(bp, "/v1/tenants/{terc}/cases/{case_id}/files", access=CLERKS, methods=("POST",),
          summary="Plik dodany do sprawy przez urząd (załącznik, rozstrzygnięcie)",
          request="modules.cases.models:FileRequest", response="modules.cases.models:CaseView",
          params="openapi.shapes:IfMatchHeaders")
def case_file_add(terc: str, case_id: str) -> Any:
    body = parse_body(bp.current_request.raw_body, models.FileRequest)
    actor, at = _actor(), get_clock().now()
    # checked before the upload is copied, so a refused clerk leaves nothing in the documents bucket
    office_files.may_add(handling.open_case(cases(), terc, case_id,
                                            clerk_department=require_principal().department).record, actor)
    file_id = uuid.uuid4().hex
    scans = paper_store.S3Scans(actor.subject)
    scan = scans.take_file(terc, case_id, file_id, body.scan_id)
    answer = _change(terc, case_id, lambda record, life: office_files.add(
        record, life, scan, file_id=file_id, title=body.title, kind=body.kind, for_party=body.for_party,
        actor=actor, at=at))
    scans.discard(terc, [body.scan_id])
    return answer


@endpoint(bp, "/v1/tenants/{terc}/cases/{case_id}/files/{file_id}", access=CLERKS,
          summary="Link do pliku sprawy", response="openapi.shapes:Download")
def case_file(terc: str, case_id: str, file_id: str) -> Any:
    record = handling.open_case(cases(), terc, case_id, clerk_department=require_principal().department).record
    found = office_files.file_of(record, file_id)
    return _file_read(record, f"file:{file_id}", paper_store.file_link(record, found, now=get_clock().now()))


@endpoint(bp, "/v1/tenants/{terc}/cases/{case_id}/documents/{document}", access=CLERKS,
          summary="Link do dokumentu sprawy przekazanej (kopia w jednostce)", response="openapi.shapes:Download")
def case_document(terc: str, case_id: str, document: str) -> Any:
    stored = handling.open_case(cases(), terc, case_id, clerk_department=require_principal().department)
    return _file_read(stored.record, document, forwarding.link(objects(), stored.record, document,
                                                               now=get_clock().now()))


@endpoint(bp, "/v1/tenants/{terc}/cases/{case_id}/assignment", access=CLERKS, methods=("POST",),
          summary="Przyjęcie lub przydział sprawy", request="modules.cases.models:AssignmentRequest",
          response="modules.cases.models:CaseView", params="openapi.shapes:IfMatchHeaders")
def case_assignment(terc: str, case_id: str) -> Any:
    body = parse_body(bp.current_request.raw_body, models.AssignmentRequest)
    return _change(terc, case_id, handling.assignment(body.clerk, actor=_actor(), at=get_clock().now()))


@endpoint(bp, "/v1/tenants/{terc}/cases/{case_id}/notes", access=CLERKS, methods=("POST",),
          summary="Notatka wewnętrzna do sprawy", request="modules.cases.models:NoteRequest",
          response="modules.cases.models:CaseView", params="openapi.shapes:IfMatchHeaders")
def case_note(terc: str, case_id: str) -> Any:
    body = parse_body(bp.current_request.raw_body, models.NoteRequest)
    return _change(terc, case_id, handling.note(body.text, actor=_actor(), at=get_clock().now()))


@endpoint(bp, "/v1/tenants/{terc}/cases/{case_id}/deadline", access=CLERKS, methods=("POST",),
          summary="Nowy termin załatwienia sprawy (art. 36 KPA)", request="modules.cases.models:DeadlineRequest",
          response="modules.cases.models:CaseView", params="openapi.shapes:IfMatchHeaders")
def case_deadline(terc: str, case_id: str) -> Any:
    body = parse_body(bp.current_request.raw_body, models.DeadlineRequest)
    actor, at = _actor(), get_clock().now()
    return _change(terc, case_id, lambda record, life: overdue.set_due_date(
        record, life, due=body.due_date, reason=body.reason, actor=actor, at=at))


@endpoint(bp, "/v1/tenants/{terc}/cases/{case_id}/fee-payment", access=CLERKS, methods=("POST",),
          summary="Opłata wniesiona w kasie lub przelewem (sprawa rusza jak po płatności online)",
          request="modules.cases.models:FeePaymentRequest", response="modules.cases.models:CaseView",
          params="openapi.shapes:IfMatchHeaders")
def case_fee_payment(terc: str, case_id: str) -> Any:
    body = parse_body(bp.current_request.raw_body, models.FeePaymentRequest)
    actor, at = _actor(), get_clock().now()
    answer = _change(terc, case_id, lambda record, life: fee.paid_otherwise(
        record, life, amount=body.amount, paid_on=body.paid_on, how=body.how, reference=body.reference,
        actor=actor, at=at))
    try:  # the online order closed, so the fee is not paid twice; if this fails, expiry closes it in time
        payments.close_order(case_id, at=at)
    except Exception:
        logger.exception("payment order not closed after the fee was paid otherwise", extra={"case_id": case_id})
    return answer


# --- e-informacja: the resident's own cases ---

@endpoint(bp, "/v1/me/cases", access=RESIDENT, summary="Moje sprawy (e-informacja)",
          response="modules.cases.models:ResidentCases")
def my_cases() -> Any:
    items = [einformacja.summary(r) for r in cases().of_owner(require_principal().subject, limit=MY_CASES_LIMIT)]
    return {"items": items, "count": len(items)}


@endpoint(bp, "/v1/me/cases/{case_id}", access=RESIDENT, summary="Moja sprawa: etapy, termin, wezwania",
          response="modules.cases.models:ResidentCase")
def my_case(case_id: str) -> Any:
    stored = cases().find(None, case_id)
    view = einformacja.case_for(stored, owner=require_principal().subject)  # 404 for anyone else's
    if stored is not None:  # the resident's path names no JST: the case's own pays for it
        metering.attribute(tenant=stored.record.get("terc"), service=stored.record.get("service"))
    return view


@endpoint(bp, "/v1/me/cases/{case_id}/files/{file_id}", access=RESIDENT,
          summary="Link do pliku udostępnionego stronie", response="openapi.shapes:Download")
def my_case_file(case_id: str, file_id: str) -> Any:
    record = supplements.own_case(cases().find(None, case_id), owner=require_principal().subject).record
    found = office_files.file_of(record, file_id, party=True)
    return paper_store.file_link(record, found, now=get_clock().now())


@endpoint(bp, "/v1/me/cases/{case_id}/supplements", access=RESIDENT, methods=("POST",),
          content_types=("application/json", "application/xml", "text/xml"),
          summary="Odpowiedź na wezwanie do uzupełnienia (pismo uzupełniające z UPP)",
          request="modules.submissions.models:SubmissionIn", params="openapi.shapes:IdempotencyHeaders",
          response="openapi.shapes:SubmissionView", status=201)
def my_case_supplement(case_id: str) -> Any:
    """The party answers the open summons of their case: a general letter (form or signed XML) with its own UPP,
    filed with the case's JST and department; 404 for anyone else's case, 409 `no_open_summons`."""
    who, request = require_principal(), bp.current_request
    stored = supplements.own_case(cases().find(None, case_id), owner=who.subject)
    record = stored.record
    raw = request.raw_body
    try:
        answer = submissions.submit_answer(
            owner=who.subject, pesel=who.pesel, name=who.name, terc=record["terc"], case_id=case_id,
            case_sign=record["case_sign"], department=record["department"],
            # checked as the request is read: once answered, the same request (same key) replays its first answer
            still_open=lambda: supplements.open_summons(stored, owner=who.subject),
            idempotency_key=request.headers.get("idempotency-key"),
            content_type=(request.headers.get("content-type") or "").split(";")[0].strip().lower(),
            raw=raw.encode() if isinstance(raw, str) else raw or b"")
    except Conflict as exc:
        if exc.code != "submission_in_progress":
            raise
        response = error_response(exc)  # the same request again shortly gets the winner's submission
        response.headers["Retry-After"] = "2"
        return response
    headers = {"Location": answer.view["links"]["self"]}
    if answer.replayed:
        headers["Idempotent-Replayed"] = "true"
    return json_response(answer.view, status=201, headers=headers)


@endpoint(bp, "/v1/deadlines", access=Access.anyone(), summary="Kalkulator terminu KPA",
          params="modules.cases.models:DeadlineQuery", response="modules.cases.models:DeadlineAnswer")
def deadline() -> Any:
    params = _params()
    return calculator.calculate(*calculator.parse(params.get("kind"), params.get("from"), params.get("paused")))


ARCHIVISTS = Access.of(Role.TENANT_ADMIN, Role.REGION_ADMIN, tenant_param="terc")
ARCHIVE_DUE_MAX = 1000


@endpoint(bp, "/v1/tenants/{terc}/archive/due", access=ARCHIVISTS, summary="Sprawy zamknięte do brakowania (B) i "
          "do ekspertyzy archiwum państwowego (BE)", response="modules.cases.models:ArchiveDue")
def archive_due(terc: str) -> Any:
    today = get_clock().now().astimezone(WARSAW).date()
    store, _ = retention_stores()
    read = list(itertools.islice(store.archive_due(terc, upto=today), ARCHIVE_DUE_MAX + 1))
    return {"terc": terc, "on": today.isoformat(), "complete": len(read) <= ARCHIVE_DUE_MAX,
            **retention.due_listing(read[:ARCHIVE_DUE_MAX], today)}


# --- paper cases: the clerk registers one; its party follows it with the sign and the access code ---

IDEMPOTENCY_KEY = re.compile(r"^[A-Za-z0-9_.:-]{8,100}$")
NO_STORE = {"Cache-Control": "no-store"}  # the answer holds an access code, or a case opened with one


def _idempotency_key() -> str:
    raw = bp.current_request.headers.get("idempotency-key") or ""
    if not IDEMPOTENCY_KEY.fullmatch(raw):
        code = "idempotency_key_invalid" if raw else "idempotency_key_missing"
        raise BadRequest("Brak lub nieprawidłowy nagłówek Idempotency-Key.", code=code, details=[
            {"field": "Idempotency-Key", "code": code,
             "message": "Nagłówek Idempotency-Key jest wymagany (8–100 znaków: litery, cyfry, _ . : -)."}])
    return raw


@endpoint(bp, "/v1/tenants/{terc}/scans", access=CLERKS, methods=("POST",),
          summary="Miejsce na skan wniosku papierowego (presigned POST do S3)",
          request="modules.cases.models:ScanRequest", response="modules.cases.models:ScanSlot", status=201)
def new_scan(terc: str) -> Any:
    body = parse_body(bp.current_request.raw_body, models.ScanRequest)
    return json_response(paper_store.scan_slot(terc, require_principal().subject, body), status=201)


@endpoint(bp, "/v1/tenants/{terc}/cases", access=CLERKS, methods=("POST",),
          summary="Rejestracja sprawy z wniosku papierowego; kod dostępu dla wnioskodawcy",
          request="modules.cases.models:PaperCaseRequest", response="modules.cases.models:PaperCaseAnswer",
          params="openapi.shapes:IdempotencyHeaders", status=201)
def paper_case(terc: str) -> Any:
    key = _idempotency_key()
    body = parse_body(bp.current_request.raw_body, models.PaperCaseRequest)
    who = require_principal()
    tenant = tenants.config(terc)
    try:
        offered = catalogue.tenant_service(catalogue.definitions(), tenant, body.service)
    except NotFound as exc:
        raise Unprocessable(details=[{"field": "service", "code": exc.code, "message": exc.message}]) from None
    request = paper.Request(terc=terc, clerk=who.subject, clerk_department=who.department, idempotency_key=key,
                            body=body, now=get_clock().now())
    stored, code = paper.register(paper_cases(), paper_store.S3Scans(who.subject), mailer(), request,
                                  tenant=tenant, offered=offered)
    view = handling.view(stored)
    return json_response({**view, "access_code": code}, status=201,
                         headers={"ETag": f'"{view["version"]}"', **NO_STORE})


@endpoint(bp, "/v1/tenants/{terc}/cases/{case_id}/scans/{scan_id}", access=CLERKS,
          summary="Link do skanu wniosku papierowego", response="openapi.shapes:Download")
def case_scan(terc: str, case_id: str, scan_id: str) -> Any:
    stored = handling.open_case(cases(), terc, case_id, clerk_department=require_principal().department)
    return _file_read(stored.record, f"scan:{scan_id}", paper_store.scan_link(stored, scan_id, now=get_clock().now()))


def _client_address() -> str:
    """The caller's address as API Gateway saw it (never a header the caller could set)."""
    context = bp.current_request.context or {}
    return str((context.get("identity") or {}).get("sourceIp") or "unknown")


@endpoint(bp, "/v1/public/cases/lookup", access=Access.anyone(), methods=("POST",),
          summary="Sprawdzenie sprawy papierowej: znak sprawy i kod dostępu (e-informacja bez konta)",
          request="modules.cases.models:LookupRequest", response="modules.cases.models:ResidentCase")
def public_lookup() -> Any:
    body = parse_body(bp.current_request.raw_body, models.LookupRequest)
    try:
        view = lookup.lookup(paper_cases(), lookup_limits(), sign=body.sign, code=body.code,
                             client=_client_address(), now=get_clock().now())
    except lookup.TooManyLookups as exc:
        return json_response(exc.body(), status=429, headers={"Retry-After": str(exc.retry_after), **NO_STORE})
    return json_response(view, headers=NO_STORE)

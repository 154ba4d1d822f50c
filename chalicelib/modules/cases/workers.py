"""The registration worker (ESP): every accepted submission becomes a case in the JST's inbox, once; the
sweeper of the parties' notices of changes to their cases; the daily sweep of overdue cases (art. 36 KPA); and the
daily retention job over closed cases' documents."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Cron, Rate

from chalicelib import events
from chalicelib.core.clock import get_clock
from chalicelib.core.observability import bind, logger
from chalicelib.integrations.clients import mailer, objects
from chalicelib.modules import submissions as filings
from chalicelib.modules import tenants
from chalicelib.modules.cases import forwarding, logic, notices, overdue, payment_requests, retention, settlements
from chalicelib.modules.cases.wiring import cases, forwards, payment_outbox, retention_stores

if TYPE_CHECKING:
    from chalicelib.events.topics import ForwardedCase, PaymentSettled, RegistrationMessage

bp = Blueprint(__name__)
RETENTION_BUDGET = 780  # seconds of the job's 900 in which a new case may be begun (.chalice/config.json)


@events.worker(bp, "RegistrationMessage", module="cases")
def registrations(message: RegistrationMessage) -> None:
    bind(tenant=message.terc, service=message.service, submission_id=message.submission_id)
    # The message carries what registration needs; the submissions module answers for one that does not.
    outcome = logic.register(filings=filings, cases=cases(), mailer=mailer(), message=message, now=get_clock().now(),
                             requests=payment_outbox())
    logger.info("submission registered", extra={"case_sign": outcome.sign, "registered_now": outcome.registered_now,
                                                "notified_now": outcome.notified_now})


@bp.schedule(Rate(5, unit=Rate.MINUTES))
def case_notices_sweeper(event: Any) -> None:
    """E-mail the parties still owed a notice of a change (their request's own sending failed or died)."""
    sent = notices.sweep(cases(), mailer(), get_clock().now())
    if sent:
        logger.warning("sweeper: case notices sent late", extra={"sent": sent})


@bp.schedule(Cron(30, 3, "*", "*", "?", "*"))  # 03:30 UTC: after midnight in Warsaw, summer and winter
def overdue_sweeper(event: Any) -> None:
    """Give the art. 36 notice for every case of the region whose due date passed yesterday or before."""
    now, failed = get_clock().now(), []
    for config in tenants.configs():
        bind(tenant=config.terc, service=None)
        try:
            result = overdue.sweep(cases(), mailer(), terc=config.terc,
                                   departments=[d.symbol for d in config.departments], now=now)
        except Exception:  # one JST's failure must not keep the others' parties from their notices
            logger.exception("overdue sweep failed for this JST")
            failed.append(config.terc)
            continue
        if result.noticed:
            logger.info("overdue cases noticed", extra={"read": result.read, "noticed": result.noticed})
    if failed:  # the invocation fails (metered, alarmed); tomorrow's sweep picks up what is still due
        raise RuntimeError(f"overdue sweep failed for {', '.join(failed)}")


@events.worker(bp, "ForwardedCase", module="cases")
def case_forwards(message: ForwardedCase) -> None:
    """A case another JST forwarded to this one (art. 65 KPA): its files copied, registered under this JST's sign."""
    bind(tenant=message.terc, service=message.service, case_id=message.case_id)
    sign = forwarding.receive(message, store=forwards(), objects=objects(), mailer=mailer(), now=get_clock().now())
    logger.info("forwarded case received", extra={"case_sign": sign, "registered_now": sign is not None,
                                                  "from_case": message.source_case_id})


@bp.schedule(Rate(5, unit=Rate.MINUTES))
def case_forwards_sweeper(event: Any) -> None:
    """Send again the forwarded cases their receivers have not registered yet (a send failed or died)."""
    sent = events.sweep(forwards(), get_clock().now())
    if sent:
        logger.warning("sweeper: forwarded cases sent again", extra={"sent": sent})


@bp.schedule(Rate(5, unit=Rate.MINUTES))
def payment_requests_sweeper(event: Any) -> None:
    """Send the payment orders cases asked for at registration whose own sending failed or died."""
    sent = payment_requests.sweep(payment_outbox(), get_clock().now())
    if sent:
        logger.warning("sweeper: payment requests sent late", extra={"sent": sent})


@events.worker(bp, "PaymentSettled", module="cases")
def case_payments(message: PaymentSettled) -> None:
    """A case's fee paid, expired or refunded: the case moves on, or the party and the clerk are told."""
    bind(tenant=message.terc, service=None, case_id=message.case_id)
    recorded = settlements.apply(cases(), mailer(), message, now=get_clock().now())
    logger.info("payment outcome applied", extra={"status": message.status, "recorded_now": recorded})


@bp.schedule(Cron(0, 2, "*", "*", "?", "*"))  # 02:00 UTC: the new day in Warsaw, summer and winter
def retention_sweeper(event: Any) -> None:
    """Remove the documents of closed category-B cases past their archive date; list BE ones for expert review."""
    now, failed, ends = get_clock().now(), [], time.monotonic() + RETENTION_BUDGET
    store, documents = retention_stores()
    for config in tenants.configs():
        bind(tenant=config.terc, service=None)
        try:
            result = retention.sweep(store, documents, terc=config.terc, now=now,
                                     out_of_time=lambda: time.monotonic() > ends)
        except Exception:  # one JST's failure must not hold the others back; tomorrow's run finishes it
            logger.exception("retention job failed for this JST")
            failed.append(config.terc)
            continue
        logger.info("retention job", extra={"disposed": result.disposed, "review": result.review,
                                            "versions_removed": result.versions_removed, "skipped": result.skipped,
                                            "unfinished": result.unfinished})
    if failed:
        raise RuntimeError(f"retention job failed for {', '.join(failed)}")

"""The registration worker (ESP): every accepted submission becomes a case in the JST's inbox, once."""

from __future__ import annotations

from chalice.app import Blueprint

from chalicelib import events
from chalicelib.core.clock import get_clock
from chalicelib.core.observability import bind, logger
from chalicelib.events.topics import RegistrationMessage
from chalicelib.integrations.clients import mailer
from chalicelib.modules import catalogue, tenants
from chalicelib.modules.cases import logic
from chalicelib.modules.cases.wiring import cases
from chalicelib.modules.submissions.wiring import submissions

bp = Blueprint(__name__)


@events.worker(bp, RegistrationMessage, module="cases")
def registrations(message: RegistrationMessage) -> None:
    bind(tenant=message.terc, service=message.service, submission_id=message.submission_id)
    tenant = tenants.config(message.terc)
    outcome = logic.register(submissions=submissions(), cases=cases(), catalogue=catalogue.definitions(), tenant=tenant,
                             mailer=mailer(), owner=message.owner, submission_id=message.submission_id,
                             now=get_clock().now())
    logger.info("submission registered", extra={"case_sign": outcome.sign, "registered_now": outcome.registered_now,
                                                "notified_now": outcome.notified_now})

"""The registration worker (ESP): every accepted submission becomes a case in the JST's inbox, once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Rate

from chalicelib.core import metering
from chalicelib.core.batch import process_sqs
from chalicelib.core.clock import get_clock
from chalicelib.core.observability import bind, logger
from chalicelib.integrations.clients import mailer
from chalicelib.modules import submissions as filings
from chalicelib.modules.cases import logic
from chalicelib.modules.cases.wiring import cases, topics
from chalicelib.modules.submissions.wiring import submissions
from chalicelib.resources import queue_name

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

bp = Blueprint(__name__)


def handle_registration(record: SQSRecord) -> None:
    message = topics.RegistrationMessage.model_validate_json(record.body)
    usage = metering.current()
    if usage is not None:
        usage.attribute(tenant=message.terc, module="cases", service=message.service)
    bind(tenant=message.terc, service=message.service, submission_id=message.submission_id)
    # The message carries what registration needs; the submissions module answers for one that does not.
    outcome = logic.register(filings=filings, cases=cases(), mailer=mailer(), message=message, now=get_clock().now())
    logger.info("submission registered", extra={"case_sign": outcome.sign, "registered_now": outcome.registered_now,
                                                "notified_now": outcome.notified_now})


@bp.on_sqs_message(queue=queue_name("registrations"), batch_size=10)
def registrations(event: Any) -> PartialItemFailureResponse:
    return process_sqs(event, handle_registration)


@bp.schedule(Rate(5, unit=Rate.MINUTES))
def registration_sweeper(event: Any) -> None:
    """Send every submission still marked for registration that is due; remove what failed attempts stored."""
    from chalicelib.integrations.clients import publisher
    from chalicelib.modules.submissions import sweeper
    from chalicelib.modules.submissions.repository import S3Folders

    swept = sweeper.sweep(store=submissions(), folders=S3Folders(), publisher=publisher(), now=get_clock().now())
    if swept.sent or swept.removed:
        logger.warning("sweeper: registrations sent again, failed attempts' files removed",
                       extra={"sent": swept.sent, "removed": swept.removed, "claims": swept.claims})

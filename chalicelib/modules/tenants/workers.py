"""Event handlers of the tenants service: tell a JST's contact that its configuration changed.

Powertools' batch and idempotency utilities are imported on the worker's first message: Chalice packages
every function with the whole app, and the HTTP functions must not pay for them on a cold start.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint

from chalicelib.core import metering
from chalicelib.core.clock import get_clock
from chalicelib.core.observability import bind, logger
from chalicelib.db.tables import IdempotencyTable
from chalicelib.events.topics import TenantEvent
from chalicelib.integrations.aws import client
from chalicelib.integrations.clients import mailer
from chalicelib.modules.tenants import logic
from chalicelib.modules.tenants.wiring import tenant_store
from chalicelib.resources import queue_name

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch import BatchProcessor
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

bp = Blueprint(__name__)
ONE_WEEK = 7 * 24 * 3600


def notify(event: dict[str, Any]) -> dict[str, Any]:
    change = TenantEvent.model_validate(event)
    stored = logic.require_tenant(tenant_store(), change.terc)
    message_id = mailer().send(logic.change_notice(stored.config, change))
    tenant_store().mark_notified(
        change.terc, changed_at=change.at, event_id=change.event_id,
        notified_at=get_clock().now(), notification_id=message_id,
    )
    return {"message_id": message_id}


@lru_cache(maxsize=1)
def _batch() -> tuple[BatchProcessor, IdempotencyConfig, Callable[..., dict[str, Any]]]:
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    # One e-mail per configuration change, however often the message is delivered.
    config = IdempotencyConfig(event_key_jmespath="event_id", expires_after_seconds=ONE_WEEK)
    persistence = DynamoDBPersistenceLayer(table_name=IdempotencyTable.Meta.table_name, boto3_client=client("dynamodb"))
    notify_once: Callable[..., dict[str, Any]] = idempotent_function(
        data_keyword_argument="event", persistence_store=persistence, config=config
    )(notify)
    return BatchProcessor(event_type=EventType.SQS), config, notify_once


def handle_record(record: SQSRecord) -> None:
    change = TenantEvent.model_validate_json(record.body)
    usage = metering.current()
    if usage is not None:
        usage.attribute(tenant=change.terc, module="tenants")
    bind(tenant=change.terc, service=None, event_id=change.event_id)
    _, _, notify_once = _batch()
    result = notify_once(event=change.model_dump(mode="json"))
    logger.info("configuration change notified", extra={"message_id": result["message_id"]})


@bp.on_sqs_message(queue=queue_name("tenant-events"), batch_size=10)
def tenant_events(event: Any) -> PartialItemFailureResponse:
    from aws_lambda_powertools.utilities.batch import process_partial_response

    processor, config, _ = _batch()
    config.register_lambda_context(event.context)
    return process_partial_response(
        event=event.to_dict(), record_handler=handle_record, processor=processor, context=event.context
    )

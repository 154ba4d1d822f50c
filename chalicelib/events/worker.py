"""The one way a module consumes a topic: `@worker(bp, "Topic", module=...)` over a handler of the typed event.

The topic is named, not imported: its queue comes from `QUEUES` and its message type (pydantic) loads with the
first message, so registering a worker costs nothing at cold start. It registers the SQS function (batches of 10,
the Lambda function named after the handler), and for every record: parses it into the topic, takes its correlation
id and puts tenant, service, event id and correlation id on every log line, attributes the invocation's metering to
the JST, module and catalogue service, and runs the handler. A failing record is reported alone (Powertools batch,
partial failures): SQS retries it, then dead-letters it. With `once=True` the handler runs at most once per
`event_id` (Powertools idempotency), however often SQS delivers it.

Powertools' batch and idempotency utilities are imported on the first message: Chalice packages every function with
the whole app, and the HTTP functions must not pay for them on a cold start.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Any, TypeVar

from chalicelib.core import metering
from chalicelib.core.observability import bind, set_correlation_id
from chalicelib.events.queues import QUEUES
from chalicelib.resources import queue_name

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch import BatchProcessor
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig
    from chalice.app import Blueprint

    from chalicelib.events.topics import Event

E = TypeVar("E", bound="Event")
BATCH_SIZE = 10
ONCE_FOR = 7 * 24 * 3600  # how long a handled event_id is remembered (longer than any redelivery)


@cache
def _processor() -> BatchProcessor:
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType

    return BatchProcessor(event_type=EventType.SQS)


@cache
def _once_config() -> IdempotencyConfig:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

    return IdempotencyConfig(event_key_jmespath="event_id", expires_after_seconds=ONCE_FOR)


def _once(topic: type[E], handler: Callable[[E], object]) -> Callable[[E], object]:
    """`handler`, run at most once per event_id (the record of it kept in the idempotency table)."""

    @cache
    def guarded() -> Callable[..., Any]:
        from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer, idempotent_function

        from chalicelib.db.tables import IdempotencyTable
        from chalicelib.integrations.aws import client

        def run(event: dict[str, Any]) -> dict[str, Any]:
            handler(topic.model_validate(event))
            return {}

        run.__name__ = run.__qualname__ = handler.__name__
        persistence = DynamoDBPersistenceLayer(table_name=IdempotencyTable.Meta.table_name,
                                               boto3_client=client("dynamodb"))
        once: Callable[..., Any] = idempotent_function(data_keyword_argument="event", persistence_store=persistence,
                                                       config=_once_config())(run)
        return once

    def handle(message: E) -> object:
        return guarded()(event=message.model_dump(mode="json"))

    return handle


def _message_type(topic: str | type[E]) -> type[E]:
    found: type[E] = topic if isinstance(topic, type) else getattr(import_module("chalicelib.events.topics"), topic)
    return found


def consume(topic: str | type[E], handler: Callable[[E], object], module: str, once: bool) -> Callable[[Any], Any]:
    """The Lambda function of `handler` over a Chalice SQS event; what `worker` registers."""

    @cache
    def ready() -> tuple[type[E], Callable[[E], object]]:  # on the first message: the message type, the handler
        kind = _message_type(topic)
        return kind, (_once(kind, handler) if once else handler)

    def record_handler(record: SQSRecord) -> None:
        set_correlation_id(None)  # a record without one (S3's notices) must not inherit the previous record's
        kind, run = ready()
        message = kind.from_body(record.body)
        set_correlation_id(message.correlation_id)
        usage = metering.current()
        if usage is not None:
            usage.attribute(tenant=message.tenant, module=module, service=message.catalogue_service)
        bind(tenant=message.tenant, service=message.catalogue_service, event_id=message.event_id)
        run(message)

    def function(event: Any) -> PartialItemFailureResponse:
        from aws_lambda_powertools.utilities.batch import process_partial_response

        if once:
            _once_config().register_lambda_context(event.context)
        return process_partial_response(event=event.to_dict(), record_handler=record_handler,
                                        processor=_processor(), context=event.context)

    return function


def worker(bp: Blueprint, topic: str | type[E], *, module: str,
           once: bool = False) -> Callable[[Callable[[E], object]], Callable[..., Any]]:
    """Register the decorated handler as the worker of `topic`'s queue, a function named after the handler.

    `topic`: the message type's name in `chalicelib.events.topics` (loaded with the first message), or the type.

    The decorated name becomes the Lambda entry point (Chalice's handler string is `<module>.<name>`), so the
    handler of the typed event is not callable under its name afterwards: deliver an SQS event to it instead.
    """

    def decorate(handler: Callable[[E], object]) -> Callable[..., Any]:
        function = consume(topic, handler, module, once)
        function.__name__ = function.__qualname__ = handler.__name__
        queue = topic.QUEUE if isinstance(topic, type) else QUEUES[topic]
        entry: Callable[..., Any] = bp.on_sqs_message(queue=queue_name(queue), batch_size=BATCH_SIZE)(function)
        return entry

    return decorate

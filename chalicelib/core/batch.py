"""SQS batches with partial failures (Powertools): a failing record is retried alone, then dead-lettered.

Powertools' batch utility is imported on the first message: Chalice packages every function with the whole
app, and the HTTP functions must not pay for it on a cold start.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch import BatchProcessor
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord


@cache
def _processor() -> BatchProcessor:
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType

    return BatchProcessor(event_type=EventType.SQS)


def process_sqs(event: Any, handle: Callable[[SQSRecord], None]) -> PartialItemFailureResponse:
    """Run `handle` on every record of a Chalice SQS event; report the failed ones to Lambda."""
    from aws_lambda_powertools.utilities.batch import process_partial_response

    return process_partial_response(event=event.to_dict(), record_handler=handle, processor=_processor(),
                                    context=event.context)

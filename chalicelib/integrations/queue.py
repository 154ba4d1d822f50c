"""Sending messages to the platform's SQS queues."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from chalicelib.integrations.aws import client
from chalicelib.resources import queue_name

if TYPE_CHECKING:
    from pydantic import BaseModel


class SqsPublisher:
    @cache  # noqa: B019  (one publisher per container; queue URLs never change)
    def _url(self, key: str) -> str:
        return str(client("sqs").get_queue_url(QueueName=queue_name(key))["QueueUrl"])

    def publish(self, key: str, message: BaseModel) -> str:
        response = client("sqs").send_message(QueueUrl=self._url(key), MessageBody=message.model_dump_json())
        return str(response["MessageId"])

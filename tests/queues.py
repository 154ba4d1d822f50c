"""Drive an SQS-triggered handler from a real queue in the emulator, the way Lambda's poller does.

Integration tests run the app in-process, so nobody polls the queues for them: `deliver` receives real
messages, hands them to the handler as an SQS event, deletes what succeeded and makes the failures visible
again at once (instead of after the visibility timeout). Receive counts and dead-lettering are SQS's own.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from typing import Any

import boto3
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

from chalicelib.resources import dlq_name, queue_name


def _sqs() -> Any:
    return boto3.client("sqs")


def url(key: str, *, dead: bool = False) -> str:
    return str(_sqs().get_queue_url(QueueName=dlq_name(key) if dead else queue_name(key))["QueueUrl"])


def deliver(api: Any, key: str, function: str, *, rounds: int = 20, wait: float = 0,
            expect: Iterable[str] = ()) -> dict[str, int]:
    """Feed every waiting message of queue `key` to `function` until the queue is empty (or rounds run out).

    `wait`: how long each receive waits for a message still on its way (an S3 notification comes a moment after
    the upload), so the queue is empty only after `wait` seconds of quiet. With `expect` (one string per message
    the caller's own actions send, e.g. an attachment id, named once for each message), receives wait only until
    a message naming each has been delivered; what else is waiting then is still delivered, without the quiet.
    """
    sqs = _sqs()
    queue = url(key)
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    seen = {"delivered": 0, "failed": 0}
    awaited = Counter(expect)
    expecting = awaited.total() > 0
    for _ in range(rounds):
        done = expecting and awaited.total() == 0
        got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=0 if done else int(wait),
                                  AttributeNames=["All"]).get("Messages", [])
        if not got:
            break
        event = {"Records": [{
            "messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"],
            "attributes": m.get("Attributes", {}), "messageAttributes": {}, "md5OfBody": m["MD5OfBody"],
            "eventSource": "aws:sqs", "eventSourceARN": arn, "awsRegion": "eu-central-1",
        } for m in got]}
        try:
            reply = api.lambda_.invoke(function, event)
        except BatchProcessingError:
            # Every record failed: Powertools raises, and Lambda returns the whole batch to the queue.
            failed = {m["MessageId"] for m in got}
        else:
            payload = reply.payload if isinstance(reply.payload, dict) else json.loads(reply.payload or "{}")
            failed = {f["itemIdentifier"] for f in (payload or {}).get("batchItemFailures", [])}
        for m in got:
            if m["MessageId"] in failed:
                sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"],
                                              VisibilityTimeout=0)
            else:
                sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])
                named = next((name for name in awaited if awaited[name] and name in m["Body"]), None)
                if named is not None:
                    awaited[named] -= 1
        seen["delivered"] += len(got) - len(failed)
        seen["failed"] += len(failed)
    return seen


def purge(key: str) -> None:
    for dead in (False, True):
        sqs = _sqs()
        queue = url(key, dead=dead)
        while msgs := sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []):
            for m in msgs:
                sqs.delete_message(QueueUrl=queue, ReceiptHandle=m["ReceiptHandle"])


def count(key: str, *, dead: bool = False) -> int:
    attrs = _sqs().get_queue_attributes(QueueUrl=url(key, dead=dead),
                                        AttributeNames=["ApproximateNumberOfMessages",
                                                        "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"]) + int(attrs["ApproximateNumberOfMessagesNotVisible"])


def peek(key: str) -> str:
    """The body of the next waiting message, left in the queue."""
    sqs = _sqs()
    queue = url(key)
    got = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=1, WaitTimeSeconds=1)["Messages"][0]
    sqs.change_message_visibility(QueueUrl=queue, ReceiptHandle=got["ReceiptHandle"], VisibilityTimeout=0)
    return str(got["Body"])


def send(key: str, body: str) -> None:
    _sqs().send_message(QueueUrl=url(key), MessageBody=body)

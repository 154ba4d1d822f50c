"""Dead-letter queues: how many messages each holds, a look at them, and moving them back to their queue.

Plain ReceiveMessage/SendMessage/DeleteMessage, no StartMessageMoveTask, so it works the same in AWS and in
the local emulator. A redriven message is deleted from the DLQ only after it was sent to its queue: an
interruption can duplicate a message (the workers are idempotent) but never lose one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from chalicelib.core.clock import WARSAW
from chalicelib.integrations.aws import client
from chalicelib.modules import queues
from chalicelib.resources import QueueSpec, dlq_name, queue_name

PEEK_VISIBILITY = 5  # seconds a peeked message stays hidden if resetting its visibility fails
REDRIVE_VISIBILITY = 30  # long enough to send one batch to the source queue and delete it here
WAIT_SECONDS = 1  # long polling: a short poll of a real queue may come back empty although messages wait
SUMMARY_KEYS = ("submission_id", "terc", "service", "event_id", "action")
SUMMARY_CHARS = 120


class UnknownQueue(LookupError):
    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(key)


@dataclass(frozen=True)
class DeadLetter:
    message_id: str
    sent_at: datetime | None  # Europe/Warsaw
    receive_count: int  # as SQS reports it: receives from the source queue and from the DLQ, this peek included
    body: str

    @property
    def summary(self) -> str:
        return summarize(self.body)


def queue_keys() -> list[str]:
    return [q.key for q in queues()]


def spec(key: str) -> QueueSpec:
    for queue in queues():
        if queue.key == key:
            return queue
    raise UnknownQueue(key)


def _url(name: str) -> str:
    return str(client("sqs").get_queue_url(QueueName=name)["QueueUrl"])


def depth(key: str) -> int:
    """Messages in the DLQ of queue `key`, waiting and in flight (SQS's approximate counts)."""
    spec(key)
    attrs = client("sqs").get_queue_attributes(
        QueueUrl=_url(dlq_name(key)),
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])["Attributes"]
    return int(attrs.get("ApproximateNumberOfMessages", 0)) + int(attrs.get("ApproximateNumberOfMessagesNotVisible", 0))


def summarize(body: str) -> str:
    """One line about a message: the identifying fields of a JSON body, else the start of the text."""
    try:
        data: Any = json.loads(body)
    except ValueError:
        data = None
    if isinstance(data, dict):
        parts = [f"{k}={data[k]}" for k in SUMMARY_KEYS if isinstance(data.get(k), str | int)]
        records = data.get("Records")
        if not parts and isinstance(records, list):  # an S3 notification: the object keys
            objects = [r.get("s3", {}).get("object", {}).get("key") for r in records if isinstance(r, dict)]
            parts = [f"s3={k}" for k in objects if isinstance(k, str)]
        line = " ".join(parts) if parts else "klucze: " + ", ".join(map(str, data))
    else:
        line = body
    line = " ".join(line.split())
    return line if len(line) <= SUMMARY_CHARS else line[: SUMMARY_CHARS - 1] + "…"


def _letter(message: dict[str, Any]) -> DeadLetter:
    attrs = message.get("Attributes", {})
    sent = attrs.get("SentTimestamp")
    return DeadLetter(
        message_id=str(message["MessageId"]),
        sent_at=datetime.fromtimestamp(int(sent) / 1000, UTC).astimezone(WARSAW) if sent else None,
        receive_count=int(attrs.get("ApproximateReceiveCount", 0)),
        body=str(message["Body"]),
    )


def _receive(url: str, count: int, visibility: int) -> list[dict[str, Any]]:
    reply = client("sqs").receive_message(
        QueueUrl=url, MaxNumberOfMessages=max(1, min(10, count)), VisibilityTimeout=visibility,
        WaitTimeSeconds=WAIT_SECONDS, AttributeNames=["SentTimestamp", "ApproximateReceiveCount"],
        MessageAttributeNames=["All"])
    return list(reply.get("Messages", []))


def _show_again(url: str, handles: list[str]) -> None:
    """Make peeked messages visible at once; a handle that no longer works is left to its short timeout."""
    sqs = client("sqs")
    for start in range(0, len(handles), 10):
        entries = [{"Id": str(i), "ReceiptHandle": h, "VisibilityTimeout": 0}
                   for i, h in enumerate(handles[start:start + 10])]
        sqs.change_message_visibility_batch(QueueUrl=url, Entries=entries)


def peek(key: str, limit: int) -> list[DeadLetter]:
    """Up to `limit` dead letters of queue `key`, left in the DLQ (each receive adds to its receive count)."""
    spec(key)
    url = _url(dlq_name(key))
    seen: dict[str, DeadLetter] = {}
    handles: list[str] = []
    try:
        while len(seen) < limit:
            got = _receive(url, limit - len(seen), PEEK_VISIBILITY)
            handles += [m["ReceiptHandle"] for m in got]
            new = [m for m in got if m["MessageId"] not in seen]
            if not new:  # empty, or only messages already seen came back
                break
            for m in new[: limit - len(seen)]:
                seen[m["MessageId"]] = _letter(m)
    finally:
        _show_again(url, handles)
    return list(seen.values())


def _attributes(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Message attributes as SendMessage takes them (the list fields SQS returns are not accepted back)."""
    return {name: {k: v for k, v in value.items() if k in ("DataType", "StringValue", "BinaryValue")}
            for name, value in message.get("MessageAttributes", {}).items()}


def redrive(key: str, limit: int | None = None) -> int:
    """Move up to `limit` dead letters (by default as many as the DLQ holds now) back to queue `key`.

    The default is fixed when the move starts, so messages that fail again meanwhile are not moved in a loop.
    """
    spec(key)
    sqs = client("sqs")
    dead, source = _url(dlq_name(key)), _url(queue_name(key))
    budget = depth(key) if limit is None else limit
    moved = 0
    while moved < budget:
        got = _receive(dead, budget - moved, REDRIVE_VISIBILITY)
        if not got:
            break
        for m in got[: budget - moved]:
            request: dict[str, Any] = {"QueueUrl": source, "MessageBody": m["Body"]}
            attributes = _attributes(m)
            if attributes:
                request["MessageAttributes"] = attributes
            sqs.send_message(**request)
            sqs.delete_message(QueueUrl=dead, ReceiptHandle=m["ReceiptHandle"])
            moved += 1
    return moved

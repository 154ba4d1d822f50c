"""The month roll-ups in the metering table (`rollup.py` says what they hold): computed from each partition's day
rows (one paged Query each, never a Scan), written by BatchWriteItem (whole items: a rerun overwrites them with the
same), then the run's mark (`rollup.done_mark`), and read back by a region-wide report (one paged Query of
`R#<month>`) only as far as a finished run vouches for them."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping
from typing import Any

from chalicelib.integrations.aws import client
from chalicelib.modules.costs import rollup
from chalicelib.modules.costs.model import MeteredRow
from chalicelib.resources import table_name

BATCH = 25  # BatchWriteItem's limit
RETRIES = 8


def days_query(terc: str, month: str, through: str) -> dict[str, Any]:
    """One partition's day rows of the month up to `through`: sort keys `D#<day>#M#…`, and "$" sorts right after
    "#", so the upper bound takes every row of `through` and none of a later day."""
    return {
        "TableName": table_name("metering"),
        "KeyConditionExpression": "pk = :pk AND sk BETWEEN :first AND :last",
        "ExpressionAttributeValues": {":pk": {"S": f"T#{terc}"}, ":first": {"S": f"D#{month}-"},
                                      ":last": {"S": f"D#{through}$"}},
    }


def rollup_query(month: str) -> dict[str, Any]:
    return {
        "TableName": table_name("metering"),
        "KeyConditionExpression": "pk = :pk",
        "ExpressionAttributeValues": {":pk": {"S": rollup.partition(month)}},
    }


def _items(request: Mapping[str, Any]) -> list[dict[str, Any]]:
    from boto3.dynamodb.types import TypeDeserializer

    deserialize = TypeDeserializer().deserialize
    pages = client("dynamodb").get_paginator("query").paginate(**request)
    return [{k: deserialize(v) for k, v in item.items()} for page in pages for item in page.get("Items", [])]


def write(items: Iterable[Mapping[str, Any]]) -> int:
    """Put the items, 25 per BatchWriteItem; what DynamoDB leaves unprocessed is sent again."""
    from boto3.dynamodb.types import TypeSerializer

    serialize = TypeSerializer().serialize
    puts = [{"PutRequest": {"Item": {k: serialize(v) for k, v in item.items()}}} for item in items]
    dynamodb, name = client("dynamodb"), table_name("metering")
    for start in range(0, len(puts), BATCH):
        pending: dict[str, Any] = {name: puts[start:start + BATCH]}
        for attempt in range(RETRIES):
            if attempt:
                time.sleep(0.05 * 2 ** attempt)  # throttled: back off before sending the rest again
            pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            if not pending:
                break
        else:
            raise RuntimeError("metering roll-up: DynamoDB left items unprocessed")
    return len(puts)


def roll_up_month(partitions: Iterable[str], month: str, through: str) -> int:
    """Recompute the month's roll-up from the partitions' day rows up to `through` (one partition's rows in memory
    at a time), written in full batches, then the mark that they are all there; the items written."""
    from boto3.dynamodb.types import TypeSerializer

    written = write([item for p in partitions
                     for item in rollup.roll_up(_items(days_query(p, month, through)), month=month, through=through)])
    mark = {k: TypeSerializer().serialize(v) for k, v in rollup.done_mark(month, through).items()}
    client("dynamodb").put_item(TableName=table_name("metering"), Item=mark)  # last: a killed run has none
    return written


def month_rollup(month: str) -> tuple[list[MeteredRow], str | None]:
    """The month's roll-up items as rows to price, and the last day they cover (None: no finished roll-up, the
    report reads the day rows)."""
    items, through = rollup.finished(_items(rollup_query(month)))
    return [MeteredRow.from_item(i) for i in items], through

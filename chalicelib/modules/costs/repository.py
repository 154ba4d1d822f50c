"""Reading the metering table: a JST's month is one paged Query on its partition (the sort key starts with the
day), never a Scan. The table's rows carry one attribute per AWS operation, which PynamoDB's model does not
declare, so the rows are read with the low-level client and deserialized here."""

from __future__ import annotations

from typing import Any, Protocol

from chalicelib.integrations.aws import client
from chalicelib.modules.costs.model import MeteredRow
from chalicelib.resources import table_name


class MeteringReader(Protocol):
    def month(self, terc: str, month: str) -> list[MeteredRow]: ...


def month_query(terc: str, month: str) -> dict[str, Any]:
    """The Query request for one JST's month (pure, so it is unit-tested without AWS)."""
    return {
        "TableName": table_name("metering"),
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :month)",
        "ExpressionAttributeValues": {":pk": {"S": f"T#{terc}"}, ":month": {"S": f"D#{month}-"}},
    }


class DynamoMeteringReader:
    def month(self, terc: str, month: str) -> list[MeteredRow]:
        from boto3.dynamodb.types import TypeDeserializer

        deserialize = TypeDeserializer().deserialize
        pages = client("dynamodb").get_paginator("query").paginate(**month_query(terc, month))
        return [MeteredRow.from_item({k: deserialize(v) for k, v in item.items()})
                for page in pages for item in page.get("Items", [])]

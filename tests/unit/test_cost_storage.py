"""A JST's storage of a day as a metering row the cost model prices: GB-days, split DynamoDB by S3 objects."""

from __future__ import annotations

from decimal import Decimal

from boto3.dynamodb.types import TypeDeserializer

from chalicelib.modules.costs import cost_lines, price_list
from chalicelib.modules.costs.model import MeteredRow
from chalicelib.modules.costs.storage import dynamodb_split, prefixes, storage_update


def test_a_jsts_prefixes_cover_its_documents_cases_payments_and_uploads() -> None:
    assert ("documents", "cases/1418043/") in prefixes("1418043")
    assert ("uploads", "scans/1418043/") in prefixes("1418043")
    assert all("1418043" in p for _, p in prefixes("1418043"))


def test_the_tables_are_split_by_the_jsts_objects_or_equally_when_none_has_any() -> None:
    assert dynamodb_split(900, {"a": 1, "b": 2}) == {"a": Decimal(300), "b": Decimal(600)}
    assert dynamodb_split(900, {"a": 0, "b": 0}) == {"a": Decimal(450), "b": Decimal(450)}


def test_a_day_of_storage_is_priced_as_gb_days_over_the_months_days() -> None:
    request = storage_update("1418043", "2026-11-05", s3_bytes=3 * 2**30, dynamodb_bytes=Decimal(2**30) / 2)
    assert request["UpdateExpression"].startswith("SET ") and " ADD " not in request["UpdateExpression"]
    item = {"pk": request["Key"]["pk"]["S"], "sk": request["Key"]["sk"]["S"]}
    for placeholder, name in request["ExpressionAttributeNames"].items():
        value = request["ExpressionAttributeValues"][":" + placeholder[1:]]
        item[name] = TypeDeserializer().deserialize(value)
    row = MeteredRow.from_item(item)
    assert (row.tenant, row.module, row.day) == ("1418043", "storage", "2026-11-05")
    lines = {line.resource: line.quantity for line in cost_lines([row], price_list("2026-11"))}
    assert lines == {"s3.storage": Decimal(3) / 30, "dynamodb.storage": Decimal("0.5") / 30}

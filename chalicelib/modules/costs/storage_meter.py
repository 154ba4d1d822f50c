"""The daily storage measurement's adapters: S3 listings of each JST's prefixes, the tables' sizes, and the
metering rows written (see `storage.py` for what is measured and how it is estimated)."""

from __future__ import annotations

from collections.abc import Iterable

from chalicelib.integrations.aws import client
from chalicelib.modules.costs import storage
from chalicelib.resources import bucket_name


def measure_s3(terc: str) -> storage.Measured:
    """Every current object under the JST's prefixes (one ListObjectsV2 request per page of 1000)."""
    s3 = client("s3")
    objects = size = 0
    for bucket, prefix in storage.prefixes(terc):
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket_name(bucket), Prefix=prefix):
            for item in page.get("Contents", []):
                objects += 1
                size += int(item.get("Size", 0))
    return storage.Measured(objects=objects, bytes=size)


def tables_bytes(table_names: Iterable[str]) -> int:
    dynamodb = client("dynamodb")
    return sum(int(dynamodb.describe_table(TableName=name)["Table"].get("TableSizeBytes", 0)) for name in table_names)


def measure_day(tercs: Iterable[str], day: str, table_names: Iterable[str]) -> dict[str, storage.Measured]:
    """Measure every JST and write its storage row of `day`; what each JST keeps is returned."""
    measured = {terc: measure_s3(terc) for terc in tercs}
    split = storage.dynamodb_split(tables_bytes(table_names), {t: m.objects for t, m in measured.items()})
    dynamodb = client("dynamodb")
    for terc, found in measured.items():
        dynamodb.update_item(**storage.storage_update(terc, day, s3_bytes=found.bytes, dynamodb_bytes=split[terc]))
    return measured

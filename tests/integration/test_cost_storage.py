"""The daily storage measurement in the emulator: a JST's S3 bytes under its prefixes and its share of the tables,
written as its storage row of the day, read back and priced by the costs' reader and model."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from chalicelib.integrations.aws import client
from chalicelib.modules.costs import cost_lines, metering_reader, price_list
from chalicelib.modules.costs import storage_meter as meter
from chalicelib.resources import bucket_name, table_name

JST, OTHER = "1499998", "1499997"  # TERCs no demo JST has: their prefixes and partitions are this test's
DAY = "2025-07-04"


def test_a_jsts_storage_of_a_day_is_measured_written_once_and_priced(platform: Any) -> None:
    s3 = client("s3")
    s3.put_object(Bucket=bucket_name("documents"), Key=f"cases/{JST}/c1/decyzja.pdf", Body=b"x" * 3000)
    s3.put_object(Bucket=bucket_name("uploads"), Key=f"scans/{JST}/s1", Body=b"y" * 1000)
    s3.put_object(Bucket=bucket_name("documents"), Key=f"cases/{OTHER}x/c1/obcy.pdf", Body=b"z" * 500)

    for _ in range(2):  # measuring the day again replaces its figures
        measured = meter.measure_day([JST, OTHER], DAY, [table_name("metering")])
    assert (measured[JST].objects, measured[JST].bytes) == (2, 4000)
    assert (measured[OTHER].objects, measured[OTHER].bytes) == (0, 0)

    rows = metering_reader().month(JST, "2025-07")
    row = next(r for r in rows if r.module == "storage")
    assert row.storage_gb_days["s3"] == Decimal(4000) / Decimal(2**30)
    assert row.storage_gb_days["dynamodb"] > 0  # all of the table, as the other JST keeps no object
    lines = {line.resource: line for line in cost_lines([row], price_list("2025-07"))}
    assert lines["s3.storage"].quantity == Decimal(4000) / Decimal(2**30) / 31

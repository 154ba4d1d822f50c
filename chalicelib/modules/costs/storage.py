"""Storage per JST, measured once a day and written into the metering table as GB-days, so the core's model prices
it like any other row (`storage_gb_days:s3`, `storage_gb_days:dynamodb`; GB-month = GB-days / days of the month).

- S3: the bytes of every current object under the JST's prefixes (ListObjectsV2, page by page). Noncurrent
  versions of the versioned documents bucket are not counted (they would need ListObjectVersions).
- DynamoDB: the tables are shared by all JSTs and AWS reports only each table's whole size (DescribeTable's
  TableSizeBytes, refreshed about every six hours), so the total is split among the JSTs in proportion to the
  number of their S3 objects (their documents, cases and payments: what their items describe). An estimate.
Pure: the adapters are in `storage_meter.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from chalicelib.resources import table_name

GIB = Decimal(2**30)  # AWS bills storage per GB of 2^30 bytes
MODULE, FUNCTION = "storage", "storage-meter"
# Where a JST's objects live: bucket key -> prefixes (see the modules' key layouts).
PREFIXES = {
    "documents": ("submissions/{terc}/", "cases/{terc}/", "payments/{terc}/"),
    "uploads": ("quarantine/{terc}/", "released/{terc}/", "scans/{terc}/"),
}


@dataclass(frozen=True)
class Measured:
    """What a JST keeps in S3 on one day."""

    objects: int
    bytes: int


def prefixes(terc: str) -> list[tuple[str, str]]:
    return [(bucket, p.format(terc=terc)) for bucket, found in PREFIXES.items() for p in found]


def dynamodb_split(table_bytes: int, objects: Mapping[str, int]) -> dict[str, Decimal]:
    """The tables' bytes per JST, in proportion to their S3 objects (equal when none has any)."""
    if not objects:
        return {}
    weights = {t: Decimal(n) for t, n in objects.items()}
    total = sum(weights.values(), Decimal(0))
    if total == 0:
        weights, total = {t: Decimal(1) for t in objects}, Decimal(len(objects))
    return {t: Decimal(table_bytes) * w / total for t, w in weights.items()}


def storage_update(terc: str, day: str, *, s3_bytes: int, dynamodb_bytes: Decimal) -> dict[str, Any]:
    """The UpdateItem of the JST's storage row of the day: one GB-day per GB kept that day. SET, not ADD: measuring
    the same day again replaces the figure instead of doubling it."""
    with localcontext() as ctx:
        ctx.prec = 38  # DynamoDB's numbers: a byte count over 2^30 is exact in far fewer digits
        values = {"storage_gb_days:s3": Decimal(s3_bytes) / GIB, "storage_gb_days:dynamodb": dynamodb_bytes / GIB}
    sets = {"day": day, "tenant": terc, "module": MODULE, "service": "-", "function": FUNCTION}
    names = {f"#s{i}": k for i, k in enumerate(sets)} | {f"#n{i}": k for i, k in enumerate(values)}
    expression = [f"#s{i} = :s{i}" for i in range(len(sets))] + [f"#n{i} = :n{i}" for i in range(len(values))]
    attrs: dict[str, Any] = {f":s{i}": {"S": v} for i, v in enumerate(sets.values())}
    attrs |= {f":n{i}": {"N": format(v.normalize(), "f")} for i, v in enumerate(values.values())}
    return {
        "TableName": table_name("metering"),
        "Key": {"pk": {"S": f"T#{terc}"}, "sk": {"S": f"D#{day}#M#{MODULE}#S#-#F#{FUNCTION}"}},
        "UpdateExpression": "SET " + ", ".join(expression),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": attrs,
    }

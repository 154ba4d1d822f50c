"""The cost model: the metering table's rows (one per JST / module / catalogue service / function / day) priced
into cost lines, one per row and priced resource. Pure: no AWS, Decimal only (a float never touches money).

What a row can price and how:
- Lambda: every invocation (requests) and its GB-seconds (configured memory x duration, x86_64);
- API Gateway: each HTTP invocation is one REST API request;
- DynamoDB: the read and write request units the responses reported (the requests themselves are not billed),
  and the metering's own write per invocation, which no response of the invocation reports: an UpdateItem of
  the row, priced at the row's stored size (1 WRU per started KB; the last write's size, so at most what each
  write cost);
- S3: requests by class (PUT/COPY/POST/LIST, GET and the rest; deletes are free);
- SQS, KMS, Secrets Manager: every request; SES: every SendEmail/SendRawEmail as one message (the platform's
  mails have one recipient each);
- storage (the daily measurement rows): GB-days, priced per GB-month over the month's days;
- any other service's requests: counted under `other.requests` at price 0, so nothing metered is dropped.
What no row sees (the browser's presigned uploads to S3, Lambda's own polling of SQS, the shared fixed costs)
is priced elsewhere, by the report's shared costs.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from chalicelib.modules.costs.prices import PriceList

ZERO = Decimal(0)
REQUEST_PREFIX = "aws:"
STORAGE_PREFIX = "storage_gb_days:"  # storage_gb_days:s3, storage_gb_days:dynamodb
METERING_WRU = "metering_wru"  # a month roll-up's summed write units of its day rows' metering writes (rollup.py)
GROUPABLE = ("tenant", "module", "service", "function", "day", "resource")

S3_TIER1 = frozenset({
    "PutObject", "CopyObject", "PostObject", "ListObjects", "ListObjectsV2", "ListObjectVersions", "ListBuckets",
    "CreateMultipartUpload", "UploadPart", "UploadPartCopy", "CompleteMultipartUpload", "ListMultipartUploads",
    "ListParts", "PutObjectTagging", "PutObjectRetention", "PutObjectLegalHold", "PutObjectAcl",
    "RestoreObject",
})
S3_FREE = frozenset({"DeleteObject", "DeleteObjects", "AbortMultipartUpload"})
SES_MESSAGES = frozenset({"SendEmail", "SendRawEmail"})
PER_REQUEST = {"sqs": "sqs.requests", "kms": "kms.requests", "secretsmanager": "secretsmanager.requests"}
_COUNTERS = ("invocations", "api_requests", "errors", "duration_ms", "gb_seconds", "read_units", "write_units",
             "metering_writes")


def _decimal(value: Any) -> Decimal:
    if value is None:
        return ZERO
    return value if isinstance(value, Decimal) else Decimal(str(value))


@dataclass(frozen=True)
class MeteredRow:
    """One metering row as stored (the drill-down's unit)."""

    key: str  # "<pk>|<sk>"
    tenant: str
    day: str
    module: str
    service: str
    function: str
    memory_mb: int = 0
    invocations: Decimal = ZERO
    api_requests: Decimal = ZERO
    errors: Decimal = ZERO
    duration_ms: Decimal = ZERO
    gb_seconds: Decimal = ZERO
    read_units: Decimal = ZERO
    write_units: Decimal = ZERO
    metering_writes: Decimal = ZERO
    item_bytes: int = 0  # the stored row's size as DynamoDB counts it (names + values)
    metering_wru: Decimal | None = None  # a roll-up's: its day rows' metering write units (its own size is not theirs)
    requests: Mapping[str, int] = field(default_factory=dict)  # "dynamodb:PutItem" -> count
    storage_gb_days: Mapping[str, Decimal] = field(default_factory=dict)  # "s3" -> GB-days

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> MeteredRow:
        """From a deserialized item of the metering table (numbers as Decimal)."""
        requests = {k[len(REQUEST_PREFIX):]: int(v) for k, v in item.items() if k.startswith(REQUEST_PREFIX)}
        storage = {k[len(STORAGE_PREFIX):]: _decimal(v) for k, v in item.items() if k.startswith(STORAGE_PREFIX)}
        counters = {name: _decimal(item.get(name)) for name in _COUNTERS}
        return cls(key=f"{item['pk']}|{item['sk']}", tenant=str(item["tenant"]), day=str(item["day"]),
                   module=str(item.get("module", "-")), service=str(item.get("service", "-")),
                   function=str(item.get("function", "-")), memory_mb=int(item.get("memory_mb", 0) or 0),
                   requests=requests, storage_gb_days=storage, item_bytes=item_size(item),
                   metering_wru=_decimal(item[METERING_WRU]) if METERING_WRU in item else None, **counters)

    @property
    def aws_requests(self) -> int:
        return sum(self.requests.values())


@dataclass(frozen=True)
class CostLine:
    tenant: str
    module: str
    service: str
    function: str
    day: str
    resource: str
    quantity: Decimal
    usd: Decimal  # unrounded
    row: str  # the MeteredRow.key behind it


def item_size(item: Mapping[str, Any]) -> int:
    """An item's size by DynamoDB's rules: each attribute's UTF-8 name plus its value (a string's UTF-8 bytes, a
    number's ~1 byte per 2 significant digits + 1)."""
    size = 0
    for name, value in item.items():
        size += len(name.encode())
        if isinstance(value, str):
            size += len(value.encode())
        else:
            digits = len(_decimal(value).normalize().as_tuple().digits)
            size += (digits + 1) // 2 + 1
    return size


def quantities(row: MeteredRow) -> dict[str, Decimal]:
    """What the row used, per priced resource (zeros left out)."""
    metering = row.metering_writes * -(-row.item_bytes // 1024) if row.metering_wru is None else row.metering_wru
    used: dict[str, Decimal] = {
        "lambda.requests": row.invocations,
        "lambda.compute": row.gb_seconds,
        "apigateway.requests": row.api_requests,
        "dynamodb.read": row.read_units,
        "dynamodb.write": row.write_units + metering,
    }
    for operation, count in row.requests.items():
        service, _, name = operation.partition(":")
        resource = _request_resource(service, name)
        if resource:
            used[resource] = used.get(resource, ZERO) + count
    days = Decimal(_days_in_month(row.day))
    for store, gb_days in row.storage_gb_days.items():
        used[f"{store}.storage"] = used.get(f"{store}.storage", ZERO) + gb_days / days  # GB-month
    return {resource: amount for resource, amount in used.items() if amount}


def _request_resource(service: str, operation: str) -> str | None:
    if service == "dynamodb":
        return None  # billed by capacity units, counted above
    if service == "s3":
        if operation in S3_FREE:
            return None
        return "s3.tier1" if operation in S3_TIER1 else "s3.tier2"
    if service == "ses":
        return "ses.messages" if operation in SES_MESSAGES else "other.requests"
    return PER_REQUEST.get(service, "other.requests")


def _days_in_month(day: str) -> int:
    d = date.fromisoformat(day)
    return calendar.monthrange(d.year, d.month)[1]


def cost_lines(rows: Iterable[MeteredRow], prices: PriceList) -> list[CostLine]:
    return [
        CostLine(tenant=row.tenant, module=row.module, service=row.service, function=row.function, day=row.day,
                 resource=resource, quantity=amount, usd=prices.price(resource).cost(amount), row=row.key)
        for row in rows
        for resource, amount in quantities(row).items()
    ]


def sum_by(lines: Iterable[CostLine], by: str) -> dict[str, Decimal]:
    """Exact USD sums per value of a CostLine field (tenant, module, service, function, day, resource)."""
    if by not in GROUPABLE:
        raise ValueError(f"cannot group by {by!r}")
    sums: dict[str, Decimal] = {}
    for line in lines:
        key = getattr(line, by)
        sums[key] = sums.get(key, ZERO) + line.usd
    return sums


def total(lines: Iterable[CostLine]) -> Decimal:
    return sum((line.usd for line in lines), ZERO)

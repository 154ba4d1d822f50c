"""The platform's shared AWS resources (buckets, key, e-mail identity) and how every resource is named.

Names derive from the resource prefix, so the application, the local stack and the cloud stack agree.
Each module declares its own tables and queues in its `resources.py`; `infrastructure/template.py` renders
those and these together.
"""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.core.settings import get_settings


@dataclass(frozen=True)
class QueueSpec:
    key: str
    visibility_timeout: int = 60
    max_receive_count: int = 3  # attempts before a message goes to the dead-letter queue
    retention_seconds: int = 4 * 24 * 3600
    dlq_retention_seconds: int = 14 * 24 * 3600


@dataclass(frozen=True)
class BucketSpec:
    key: str
    versioned: bool = True
    noncurrent_days: int | None = None
    expire: tuple[tuple[str, int], ...] = ()  # (prefix, days): objects under prefix are deleted after days
    notify: tuple[tuple[str, str], ...] = ()  # (prefix, queue key): new objects under prefix are queued
    browser: tuple[str, ...] = ()  # methods the web portal uses on presigned URLs, allowed for its origin (CORS)


BUCKETS = (
    BucketSpec("documents", browser=("GET",)),  # submitted documents, attachments, receipts (versioned, KMS)
    BucketSpec("exports", noncurrent_days=30),  # reports and exports for finance and administrators
    BucketSpec("trust"),  # the signature trust store (roots.pem) and other per-deployment configuration
    # Residents' uploads: written only through presigned POSTs into quarantine/, checked by the worker, then
    # kept under released/ until a submission copies them into the documents bucket. Clerks' scans of paper
    # applications wait under scans/ until the case that names them is registered (checked then).
    BucketSpec("uploads", versioned=False, expire=(("quarantine/", 1), ("released/", 7), ("scans/", 1)),
               notify=(("quarantine/", "attachment-uploads"),), browser=("POST",)),
)
QUARANTINE = "quarantine/"
RELEASED = "released/"

TRUST_STORE_KEY = "roots.pem"


def name(key: str) -> str:
    return f"{get_settings().resource_prefix}-{key}"


def table_name(key: str) -> str:
    # Here rather than beside the PynamoDB models, so the metering write knows its table without loading them.
    return name(key)


def queue_name(key: str) -> str:
    return name(key)


def dlq_name(key: str) -> str:
    return name(f"{key}-dlq")


def bucket_name(key: str) -> str:
    # Bucket names are global in AWS; the prefix carries the account/stage uniqueness.
    return name(key)


def trust_store_uri() -> str:
    return get_settings().trust_store or f"s3://{bucket_name('trust')}/{TRUST_STORE_KEY}"


def seal_secret_id() -> str:
    return get_settings().seal_secret or f"{get_settings().resource_prefix}/office-seal"


def kms_alias() -> str:
    return f"alias/{name('data')}"

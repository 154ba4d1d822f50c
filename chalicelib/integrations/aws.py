"""AWS clients, made lazily and reused for the life of the Lambda container.

The endpoint is never chosen here: botocore takes it from AWS_ENDPOINT_URL (emulator) or uses AWS's own.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import chalicelib.core.metering  # noqa: F401  (the metering hook must be in place before any client exists)
from chalicelib.core.settings import get_settings


@cache
def client(service: str) -> Any:
    import boto3
    from botocore.config import Config

    config = Config(retries={"mode": "standard", "max_attempts": 3}, connect_timeout=5, read_timeout=15)
    return boto3.session.Session(region_name=get_settings().region).client(service, config=config)

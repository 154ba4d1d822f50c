"""One Logger for the whole app (Powertools). Tenant, service and the correlation id go on every log line.

The correlation id names one piece of work across the platform: the edge takes it from the request (or makes
one), every event carries it, the worker that handles the event takes it back, and the e-mail and the audit
entry that come of it name it.
"""

from __future__ import annotations

import re
import uuid

from aws_lambda_powertools import Logger

SERVICE = "eurzad"
# What a caller may send as X-Correlation-Id: a token, never free text (it lands in logs, mails and the audit).
SANE_CORRELATION = re.compile(r"[A-Za-z0-9_-]{1,100}")  # also what an SES message tag allows
_BOUND = ["tenant", "service", "principal", "route", "event_id", "correlation_id", "submission_id", "attachment_id"]

logger = Logger(service=SERVICE)


def bind(*, tenant: str | None, service: str | None, **extra: object) -> None:
    """Put the JST and service of the current invocation on every following log line."""
    logger.append_keys(tenant=tenant or "-", service=service or "-", **extra)


def unbind() -> None:
    logger.remove_keys(_BOUND)


def sane_correlation_id(value: str | None) -> str | None:
    """`value` if it may serve as a correlation id, else None."""
    return value if value and SANE_CORRELATION.fullmatch(value) else None


def set_correlation_id(value: str | None) -> str:
    """Make `value` (or a new id) the current correlation id: on every following log line; returns it."""
    chosen = sane_correlation_id(value) or uuid.uuid4().hex
    logger.set_correlation_id(chosen)
    return chosen


def correlation_id() -> str:
    """The current correlation id; a new one if this invocation has none yet (a schedule, a test)."""
    current = logger.get_correlation_id()
    return current if isinstance(current, str) and current else set_correlation_id(None)

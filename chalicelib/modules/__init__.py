"""The platform's modules: one folder each, listed once here.

A module (platform module: e-wniosek intake, the case register, ...) is not a service (a catalogue service a JST
offers, like "Zaświadczenie o zameldowaniu"). Every module has the same shape: `routes.py` (its HTTP API),
`workers.py` (its queue and schedule handlers) where it has any, `logic.py`, `models.py`, `repository.py`,
`resources.py` (its tables and queues) and `wiring.py` (its stores and ports, and its heavy parts as modules
that load on first use, so `import app` registers the routes without them). The app registers
every module's blueprints from this list and the infrastructure renders every module's tables and queues from it,
so a new module is its folder plus one line here.
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from importlib.util import find_spec
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalice.app import Blueprint
    from pynamodb.models import Model

    from chalicelib.resources import QueueSpec

MODULES = (
    "health",
    "catalogue",
    "tenants",
    "signatures",
    "submissions",
    "cases",
    "audit",
    "payments",
    "letters",
    "delivery",
    "costs",
    "appointments",
    "registers",
)


def _parts(part: str) -> Iterator[ModuleType]:
    for name in MODULES:
        dotted = f"{__name__}.{name}.{part}"
        if find_spec(dotted) is not None:
            yield import_module(dotted)


def blueprints() -> list[Blueprint]:
    """Every module's HTTP routes, then its workers (queue consumers and schedules)."""
    return [part.bp for kind in ("routes", "workers") for part in _parts(kind)]


def tables() -> tuple[type[Model], ...]:
    """Every DynamoDB table of the platform: its own (metering, idempotency) and each module's."""
    from chalicelib.db.tables import PLATFORM_TABLES

    return PLATFORM_TABLES + tuple(t for r in _parts("resources") for t in r.TABLES)


def queues() -> tuple[QueueSpec, ...]:
    """Every SQS queue of the platform (each with its dead-letter queue), in the order of the modules."""
    return tuple(q for r in _parts("resources") for q in r.QUEUES)

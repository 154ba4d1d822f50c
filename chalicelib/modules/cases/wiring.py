"""The cases module's heavy parts and store, loaded on first use (the store: one per warm container).

`import app` must register every route and worker, not load what they use: the pydantic models, the PynamoDB
tables and the KPA deadline rules (holidays) load with the first request or message that needs them
(chalicelib.core.lazy). The package imports this file first, so `from chalicelib.modules.cases import logic`
anywhere gets the same lazy module.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from chalicelib.core.lazy import lazy_module

if TYPE_CHECKING:
    from chalicelib.events import topics
    from chalicelib.modules.cases import (
        calculator,
        deadlines,
        einformacja,
        handling,
        lifecycle,
        logic,
        models,
        notices,
        repository,
        trail,
    )
else:
    calculator = lazy_module("chalicelib.modules.cases.calculator")
    einformacja = lazy_module("chalicelib.modules.cases.einformacja")
    handling = lazy_module("chalicelib.modules.cases.handling")
    lifecycle = lazy_module("chalicelib.modules.cases.lifecycle")
    deadlines = lazy_module("chalicelib.modules.cases.deadlines")
    logic = lazy_module("chalicelib.modules.cases.logic")
    models = lazy_module("chalicelib.modules.cases.models")
    notices = lazy_module("chalicelib.modules.cases.notices")
    repository = lazy_module("chalicelib.modules.cases.repository")
    topics = lazy_module("chalicelib.events.topics")
    trail = lazy_module("chalicelib.modules.cases.trail")

__all__ = [
    "calculator",
    "cases",
    "deadlines",
    "einformacja",
    "handling",
    "lifecycle",
    "logic",
    "models",
    "notices",
    "repository",
    "topics",
    "trail",
]


@lru_cache(maxsize=1)
def cases() -> repository.DynamoCases:
    return repository.DynamoCases()

"""The platform's events: typed messages modules exchange instead of calling each other.

- `topics`: each topic a typed message (pydantic) with its queue.
- `publish(event)`: the one way out, best effort; `outbox.sweep` resends what a producer still has marked.
- `worker(bp, Topic, module=...)`: the one way in (batch partial failures, logging context, correlation id,
  metering, optionally once per event).
"""

from __future__ import annotations

from chalicelib.events.outbox import Due, Outbox, sweep
from chalicelib.events.publishing import publish
from chalicelib.events.worker import worker

__all__ = ["Due", "Outbox", "publish", "sweep", "worker"]

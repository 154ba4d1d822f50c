"""The one way an event leaves its producer: best effort, because the producer has stored it already.

The failure policy is mark-and-sweep: a producer writes its event's marker durably with its own record (in the
same write), then publishes. If publishing fails, the request still succeeds; the marker stays, and the producer's
sweeper (outbox.sweep, on a schedule) sends it again until the consumer clears the marker. Nothing is dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.core.observability import logger

if TYPE_CHECKING:
    from chalicelib.events.topics import Event


class Publisher(Protocol):
    def publish(self, key: str, message: Any) -> str: ...


def _shared() -> Publisher:
    from chalicelib.integrations.clients import publisher

    return publisher()


def send(event: Event, *, publisher: Publisher | None = None) -> str:
    """Send `event` to its queue; raises if the queue cannot take it."""
    return (publisher or _shared()).publish(event.QUEUE, event)


def publish(event: Event, *, publisher: Publisher | None = None) -> str | None:
    """Send `event` to its queue; its message id, or None if that failed (logged; the sweeper resends it)."""
    try:
        return send(event, publisher=publisher)
    except Exception:
        logger.exception("event not sent; left for the sweeper",
                         extra={"queue": event.QUEUE, "event_id": event.event_id})
        return None

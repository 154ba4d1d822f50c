"""The producer's side of mark-and-sweep: what is marked and due is sent again, with a growing delay.

Each producing module keeps its own outbox (its records still marked) and schedules `sweep` over it from its own
workers.py. The consumer clears the marker when it has done its work, so a marker that stays means the work is
not done: it is sent again after 5 minutes, then 10, 20 … up to 6 hours (a message that keeps failing, e.g. a
JST's configuration to fix, is not resent every 5 minutes; the dead-letter queue shows it meanwhile).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from chalicelib.core.observability import logger
from chalicelib.events.publishing import Publisher, send

if TYPE_CHECKING:
    from chalicelib.events.topics import Event

E = TypeVar("E", bound="Event")
BACKOFF_FIRST = timedelta(minutes=5)
BACKOFF_MAX = timedelta(hours=6)


@dataclass(frozen=True)
class Due(Generic[E]):
    event: E
    sends: int  # how often the sweeper has sent it already


class Outbox(Protocol[E]):
    def due(self, now: datetime, *, limit: int = ...) -> list[Due[E]]: ...

    def postpone(self, event: E, *, until: datetime, sends: int) -> None: ...


def backoff(sends: int) -> timedelta:
    delay: timedelta = BACKOFF_FIRST * 2 ** min(sends, 10)
    return min(delay, BACKOFF_MAX)


def sweep(outbox: Outbox[E], now: datetime, *, publisher: Publisher | None = None, limit: int = 500) -> int:
    """Send every due event again and put it back with its next delay; how many were sent.

    If the queue refuses one, the rest wait for the next run (they stay marked and due).
    """
    sent = 0
    for due in outbox.due(now, limit=limit):
        try:
            send(due.event, publisher=publisher)
        except Exception:
            logger.exception("sweep stopped: the queue refused an event", extra={"event_id": due.event.event_id})
            break
        outbox.postpone(due.event, until=now + backoff(due.sends), sends=due.sends + 1)
        sent += 1
    return sent

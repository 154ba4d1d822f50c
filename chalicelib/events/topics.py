"""The platform's events: each topic a typed message and the queue it travels on.

Modules talk to each other through these and nothing else of each other's: the producer builds the message, the
consumer's worker reads it. A message names its queue (`QUEUE`), so no caller spells a queue's key.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel


class Event(BaseModel):
    QUEUE: ClassVar[str]


class TenantEvent(Event):
    """A change of a JST's configuration, queued for the notification worker."""

    QUEUE: ClassVar[str] = "tenant-events"

    event_id: str
    terc: str
    at: datetime
    actor: str
    action: str
    summary: str


class RegistrationMessage(Event):
    """An accepted submission, queued for registration in the JST's inbox."""

    QUEUE: ClassVar[str] = "registrations"

    submission_id: str
    owner: str
    terc: str
    service: str

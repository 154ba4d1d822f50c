"""The platform's events: each topic a typed message and the queue it travels on.

Modules talk to each other through these and nothing else of each other's: the producer builds the message, the
consumer's worker reads it. A message names its queue (`QUEUE`), so no caller spells a queue's key.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from pydantic import BaseModel

from chalicelib.model.service import DeadlineKind


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


class RegistrationFacts(BaseModel):
    """What registering an accepted submission needs, all known when it is accepted, so the registration reads
    neither the submission nor the JST's configuration. The department, JRWA class and deadline are the JST's
    configuration at submission; None when they could not be settled then (no such department in the JST, the
    form's version gone from the catalogue): the registration settles them from the configuration of its time."""

    delivered_at: datetime  # DataDoreczenia on the UPP: the KPA deadline runs from its date
    form_version: int
    receipt_id: str
    service_name: str
    office_name: str
    applicant: str | None = None
    email: str | None = None
    flags: list[str] = []
    signed: bool = False
    department: str | None = None
    department_name: str | None = None
    jrwa: str | None = None
    deadline_kind: DeadlineKind | None = None

    @property
    def assigned(self) -> bool:
        return None not in (self.department, self.department_name, self.jrwa, self.deadline_kind)


class RegistrationMessage(Event):
    """An accepted submission, queued for registration in the JST's inbox."""

    QUEUE: ClassVar[str] = "registrations"

    submission_id: str
    owner: str
    terc: str
    service: str
    facts: RegistrationFacts | None = None  # None: the sweeper's message (from the outbox index); read them then

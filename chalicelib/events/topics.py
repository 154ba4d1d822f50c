"""The platform's events: each topic a typed message and the queue it travels on.

Modules talk to each other through these and nothing else of each other's: the producer builds the message, the
consumer's worker reads it. A message names its queue (`QUEUE`), so no caller spells a queue's key.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Annotated, ClassVar, Self
from urllib.parse import unquote_plus

from pydantic import BaseModel, Field, StringConstraints

from chalicelib.core.identifiers import ADE_RE
from chalicelib.core.observability import correlation_id
from chalicelib.events.queues import QUEUES
from chalicelib.model.fees import FeeDue
from chalicelib.model.service import DeadlineKind


class Event(BaseModel):
    """A message on a queue. `event_id` names this one (a worker that must act once keys on it);
    `correlation_id` the piece of work it belongs to (the request that caused it), carried to the e-mail."""

    QUEUE: ClassVar[str]

    event_id: str = Field(default_factory=lambda: uuid.uuid4().hex)
    correlation_id: str = Field(default_factory=correlation_id)

    @classmethod
    def from_body(cls, body: str) -> Self:
        """The message from an SQS record's body."""
        return cls.model_validate_json(body)

    @property
    def tenant(self) -> str | None:
        """The JST the message concerns: its worker is metered and logged for it."""
        return getattr(self, "terc", None)

    @property
    def catalogue_service(self) -> str | None:
        """The catalogue service the message concerns, if any."""
        return getattr(self, "service", None)


class TenantEvent(Event):
    """A change of a JST's configuration, queued for the notification worker."""

    QUEUE: ClassVar[str] = QUEUES["TenantEvent"]

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
    # the JRWA class's archival category (A, B5, BE10...) as the catalogue gave it at submission; None for a
    # symbol that is not a final class of the platform's wykaz, or a message queued before it was carried
    archival_category: str | None = None
    deadline_kind: DeadlineKind | None = None
    correlation_id: str | None = None  # the request that filed it (read back for the sweeper's message)
    answers_case: str | None = None  # a supplementary submission: the id of the case it answers (no new case)
    fee: FeeDue | None = None  # the fee computed at filing; payable: the case waits for it (oczekuje na opłatę)
    # the party's ADE from the form: the office's letters go to it by default (none: paper)
    edelivery_address: Annotated[str, StringConstraints(pattern=ADE_RE.pattern)] | None = None

    @property
    def assigned(self) -> bool:
        return None not in (self.department, self.department_name, self.jrwa, self.deadline_kind)


class RegistrationMessage(Event):
    """An accepted submission, queued for registration in the JST's inbox."""

    QUEUE: ClassVar[str] = QUEUES["RegistrationMessage"]

    submission_id: str
    owner: str
    terc: str
    service: str
    facts: RegistrationFacts | None = None  # None: the sweeper's message (from the outbox index); read them then


class ForwardedDocument(BaseModel):
    """One file of a forwarded case, exactly the stored version the sender holds (the receiver gets a copy)."""

    name: str  # "document", "upp" or the attachment's id
    kind: str  # document | upp | attachment
    key: str
    version_id: str | None = None
    sha256: str
    size: int
    content_type: str
    filename: str


class ForwardedCase(Event):
    """A case the sender forwarded to the competent JST of the platform (art. 65 § 1 KPA), for that JST to register
    under its own sign. `terc` is the receiver (its work, metered to it); what the receiver registers under (its
    department, JRWA class, deadline) was checked when the sender's clerk forwarded it."""

    QUEUE: ClassVar[str] = QUEUES["ForwardedCase"]

    terc: str
    case_id: str  # the receiver's case (derived from the source case: a redelivery names the same one)
    department: str
    department_name: str
    jrwa: str
    deadline_kind: DeadlineKind
    office_name: str
    from_terc: str
    from_office: str
    source_case_id: str
    source_sign: str
    forwarded_at: datetime
    reason: str
    service: str
    service_name: str
    submission_id: str
    owner: str
    filed_on: str  # the party's filing date (ISO): kept for the party's terms (art. 65 § 2 KPA)
    applicant: str | None = None
    email: str | None = None
    flags: list[str] = []
    signed: bool = False
    documents: list[ForwardedDocument] = []
    edelivery_address: str | None = None  # the party's ADE: the receiver's letters go there too


class DeliverySend(Event):
    """An issued letter's delivery to hand to the e-Delivery box (the delivery module's own queue; the poller
    sends again what stays unsent)."""

    QUEUE: ClassVar[str] = QUEUES["DeliverySend"]

    terc: str
    case_id: str
    delivery_id: str


class UploadedObject(BaseModel):
    key: str
    etag: str | None = None


class UploadNotice(Event):
    """S3's notification of new objects under quarantine/ (S3's format, not ours: read by `from_body`)."""

    QUEUE: ClassVar[str] = QUEUES["UploadNotice"]

    objects: list[UploadedObject] = []

    @classmethod
    def from_body(cls, body: str) -> Self:
        records = json.loads(body).get("Records", [])  # S3's test event on configuration has no records
        created = [r["s3"]["object"] for r in records if str(r.get("eventName", "")).startswith("ObjectCreated")]
        return cls(objects=[UploadedObject(key=unquote_plus(o["key"]), etag=o.get("eTag")) for o in created])

    @property
    def tenant(self) -> str | None:
        """quarantine/<terc>/<attachment id>: one JST per notice (S3 sends one record per object)."""
        tercs = {o.key.split("/")[1] for o in self.objects if o.key.count("/") == 2}
        return tercs.pop() if len(tercs) == 1 else None


class PaymentRequested(Event):
    """A case registered with a payable fee: the payments module opens its payment order (once per case)."""

    QUEUE: ClassVar[str] = QUEUES["PaymentRequested"]

    terc: str
    case_id: str
    sign: str  # znak sprawy: the payment's title names it
    owner: str  # the resident who pays (their "my cases")
    service: str
    email: str | None = None
    fee: FeeDue
    requested_at: datetime  # the registration; the order expires a JST-configured number of days after it


class PaymentSettled(Event):
    """A case's payment order reached a state the case acts on: `oplacone` (verified at the gateway: the case
    moves on), `wygasle` (not paid in time: the clerk is told) or `zwrocone` (refunded, in whole or in part)."""

    QUEUE: ClassVar[str] = QUEUES["PaymentSettled"]

    terc: str
    service: str | None = None  # the case's catalogue service: its worker is metered for it (None: sent before)
    case_id: str
    order_id: str
    status: str  # oplacone | wygasle | zwrocone
    amount: int  # grosze: paid, or refunded so far for zwrocone
    at: datetime  # when the gateway confirmed it (verify), the order expired, or the refund was made


class AppointmentNotice(Event):
    """A visit booked, moved or cancelled (e-wizyta): the resident is e-mailed with the calendar file. The worker
    reads the booking as it stands; `sequence` says which change this is (a late notice of an older one is
    dropped)."""

    QUEUE: ClassVar[str] = QUEUES["AppointmentNotice"]

    terc: str
    booking_id: str
    kind: str  # potwierdzenie | zmiana | odwolanie
    sequence: int

"""In-memory stand-ins for the ports of the e-wniosek and ESP rules: no AWS, no network.

The clock, the object store and the seal write what they do into one shared journal, so that a test can assert
the order of events (the document stored, then the moment of delivery taken, then the receipt stored).
The seal and the verifier are the real ones over a demo PKI whose certificates are valid at the fixed clock.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from unittest import mock
from urllib.parse import urlencode

from lxml import etree

from chalicelib.events.topics import RegistrationFacts, RegistrationMessage
from chalicelib.integrations.mail import Mail
from chalicelib.model.service import ServiceDefinition
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules.cases.logic import format_sign
from chalicelib.modules.cases.models import Case, Filing, Plan
from chalicelib.modules.submissions import Registration
from chalicelib.modules.submissions.attachments import released_key
from chalicelib.modules.submissions.facts import facts_of
from chalicelib.modules.submissions.intake import OUTBOX_AFTER, Attempt, Holder
from chalicelib.modules.submissions.logic import Ports
from chalicelib.modules.submissions.models import (
    AttachmentStatus,
    AttachmentView,
    DraftView,
    Submission,
    SubmissionStatus,
)
from chalicelib.modules.submissions.sweeper import Due, ObjectVersion, StaleClaim
from chalicelib.signatures import pki
from chalicelib.signatures.sealing import OfficeSeal

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

Event = tuple[Any, ...]


# --- time ------------------------------------------------------------------------------------------------

class FakeClock:
    """`now` for the ports: stands at `start`, moves by `tick` after each reading, or when told to."""

    def __init__(self, start: datetime = NOW, *, tick: timedelta = timedelta(0),
                 journal: list[Event] | None = None) -> None:
        self.at = start
        self.tick = tick
        self.journal = journal if journal is not None else []

    def __call__(self) -> datetime:
        read = self.at
        self.journal.append(("now", read))
        self.at = read + self.tick
        return read

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


# --- object storage --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StoredObject:
    body: bytes
    content_type: str
    version_id: str


class FakeObjects:
    """Versioned buckets: every put or copy adds a version; the latest is the last."""

    def __init__(self, journal: list[Event] | None = None, clock: FakeClock | None = None) -> None:
        self.versions: dict[tuple[str, str], list[StoredObject]] = {}
        self.journal = journal if journal is not None else []
        self.clock = clock
        self.written: dict[str, datetime] = {}  # version id -> when
        self._ids = itertools.count(1)

    def _add(self, bucket: str, key: str, body: bytes, content_type: str) -> str:
        version_id = f"v{next(self._ids)}"
        self.versions.setdefault((bucket, key), []).append(StoredObject(body, content_type, version_id))
        self.written[version_id] = self.clock.at if self.clock else NOW
        return version_id

    # the sweeper's view of the documents bucket (every version under a folder)
    def folder_versions(self, prefix: str) -> list[ObjectVersion]:
        return [ObjectVersion(key=key, version_id=v.version_id, modified=self.written[v.version_id])
                for (bucket, key), versions in self.versions.items() if bucket == "documents"
                and key.startswith(prefix) for v in versions]

    def remove_versions(self, versions: list[ObjectVersion]) -> None:
        for gone in versions:
            kept = [v for v in self.versions[("documents", gone.key)] if v.version_id != gone.version_id]
            if kept:
                self.versions[("documents", gone.key)] = kept
            else:
                del self.versions[("documents", gone.key)]


    def put(self, bucket: str, key: str, body: bytes, content_type: str) -> str | None:
        version_id = self._add(bucket, key, body, content_type)
        self.journal.append(("put", bucket, key, version_id))
        return version_id

    def copy(self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str) -> str | None:
        source = self.get(src_bucket, src_key)  # KeyError, like S3's NoSuchKey, when there is nothing to copy
        version_id = self._add(dst_bucket, dst_key, source.body, source.content_type)
        self.journal.append(("copy", src_bucket, src_key, dst_bucket, dst_key, version_id))
        return version_id

    def get(self, bucket: str, key: str, version_id: str | None = None) -> StoredObject:
        versions = self.versions[(bucket, key)]
        if version_id is None:
            return versions[-1]
        return next(v for v in versions if v.version_id == version_id)

    def keys(self, bucket: str) -> list[str]:
        return sorted(key for b, key in self.versions if b == bucket)

    def presigned_post(self, bucket: str, key: str, *, content_type: str, max_bytes: int,
                       metadata: dict[str, str], expires: int) -> dict[str, Any]:
        return {
            "url": f"https://fake-s3.test/{bucket}",
            "fields": {"key": key, "Content-Type": content_type,
                       **{f"x-amz-meta-{k}": v for k, v in metadata.items()}},
            "conditions": {"bucket": bucket, "key": key, "content_type": content_type,
                           "content_length_range": [1, max_bytes], "metadata": dict(metadata)},
            "expires": expires,
        }

    def presigned_get(self, bucket: str, key: str, *, version_id: str | None, filename: str, content_type: str,
                      expires: int) -> str:
        query = {"filename": filename, "content_type": content_type, "expires": expires}
        if version_id is not None:
            query["version_id"] = version_id
        return f"https://fake-s3.test/{bucket}/{key}?{urlencode(query)}"


class FakeFolders:
    """The sweeper's `Folders` port over the fake documents bucket."""

    def __init__(self, objects: FakeObjects) -> None:
        self.objects = objects

    def versions(self, prefix: str) -> list[ObjectVersion]:
        return self.objects.folder_versions(prefix)

    def remove(self, versions: list[ObjectVersion]) -> None:
        self.objects.remove_versions(versions)


# --- stores ----------------------------------------------------------------------------------------------

class FakeAttachments:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], AttachmentView] = {}
        self.expires: dict[tuple[str, str], datetime] = {}
        self.created: dict[tuple[str, str], datetime] = {}

    def create(self, owner: str, view: AttachmentView, *, expires: datetime, created_at: datetime) -> None:
        self.items[(owner, view.attachment_id)] = view
        self.expires[(owner, view.attachment_id)] = expires
        self.created[(owner, view.attachment_id)] = created_at

    def get(self, owner: str, attachment_id: str) -> AttachmentView | None:
        return self.items.get((owner, attachment_id))

    def many(self, owner: str, ids: list[str]) -> dict[str, AttachmentView]:
        return {i: self.items[(owner, i)] for i in dict.fromkeys(ids) if (owner, i) in self.items}


class FakeDrafts:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], DraftView] = {}

    def put(self, owner: str, draft: DraftView) -> None:
        self.items[(owner, draft.draft_id)] = draft

    def get(self, owner: str, draft_id: str) -> DraftView | None:
        return self.items.get((owner, draft_id))

    def delete(self, owner: str, draft_id: str) -> None:
        self.items.pop((owner, draft_id), None)

    def list(self, owner: str) -> list[DraftView]:
        return sorted((d for (o, _), d in self.items.items() if o == owner), key=lambda d: d.updated_at,
                      reverse=True)


@dataclass
class FakeClaim:
    owner: str
    submission_id: str
    terc: str
    attempt: str
    fingerprint: str | None
    state: str
    lease_until: datetime
    pending: bool


class FakeSubmissions:
    """Submissions by (owner, id) and the claims of attempts, with the repository's conditions.

    `begin` claims the key (and document) unless a live or completed claim holds it; `create` writes the submission
    with its outbox marker and completes the claims only while the attempt still holds them, all or nothing.
    """

    def __init__(self, attachments: FakeAttachments | None = None) -> None:
        self.items: dict[tuple[str, str], Submission] = {}
        self.attachments = attachments or FakeAttachments()  # `lookup` reads them with the submission
        self.lookups = 0
        self.claims: dict[str, FakeClaim] = {}
        self.outbox: dict[tuple[str, str], tuple[datetime, int]] = {}  # (due at, sends)
        self.created: list[str] = []

    def get(self, owner: str, submission_id: str) -> Submission | None:
        return self.items.get((owner, submission_id))

    def lookup(self, owner: str, submission_id: str,
               attachment_ids: list[str]) -> tuple[Submission | None, dict[str, AttachmentView]]:
        self.lookups += 1
        return self.get(owner, submission_id), self.attachments.many(owner, attachment_ids)

    @staticmethod
    def _names(attempt: Attempt) -> list[str]:
        return [f"K#{attempt.owner}#{attempt.submission_id}"] + (
            [f"D#{attempt.document_id}"] if attempt.document_id else [])

    def begin(self, attempt: Attempt, *, now: datetime) -> Holder | None:
        names = self._names(attempt)
        for name in names:
            held = self.claims.get(name)
            if held is not None and (held.state != "w_toku" or held.lease_until > now):
                kind = "key" if name.startswith("K#") else "document"
                return Holder(kind=kind, owner=held.owner, submission_id=held.submission_id,
                              fingerprint=held.fingerprint if kind == "key" else None)
        for name in names:
            key = name.startswith("K#")
            self.claims[name] = FakeClaim(owner=attempt.owner, submission_id=attempt.submission_id,
                                          terc=attempt.terc, attempt=attempt.attempt_id,
                                          fingerprint=attempt.fingerprint if key else None, state="w_toku",
                                          lease_until=attempt.lease_until, pending=key)
        return None

    def create(self, submission: Submission, attempt: Attempt) -> bool:
        key = (submission.owner, submission.submission_id)
        names = self._names(attempt)
        if key in self.items or any(self.claims[n].attempt != attempt.attempt_id for n in names):
            return False
        self.items[key] = submission
        self.outbox[key] = (submission.delivered_at + OUTBOX_AFTER, 0)
        for n in names:
            self.claims[n].state = "przyjete"
        self.created.append(submission.submission_id)
        return True

    def abandon(self, attempt: Attempt, *, now: datetime) -> None:
        for n in self._names(attempt):
            claim = self.claims.get(n)
            if claim is not None and claim.attempt == attempt.attempt_id and claim.state == "w_toku":
                claim.lease_until = now

    def outbox_due(self, now: datetime, *, limit: int = 500) -> list[Due]:
        due = sorted((at, key, sends) for key, (at, sends) in self.outbox.items() if at <= now)
        return [Due(RegistrationMessage(submission_id=sid, owner=owner, terc=self.items[(owner, sid)].terc,
                                        service=self.items[(owner, sid)].service), sends=sends)
                for _, (owner, sid), sends in due][:limit]

    def postpone(self, owner: str, submission_id: str, *, until: datetime, sends: int) -> None:
        if (owner, submission_id) in self.outbox:
            self.outbox[(owner, submission_id)] = (until, sends)

    def stale_claims(self, before: datetime, *, limit: int = 200) -> list[StaleClaim]:
        return [StaleClaim(owner=c.owner, submission_id=c.submission_id, terc=c.terc, attempt=c.attempt,
                           lease_until=c.lease_until)
                for c in self.claims.values() if c.pending and c.lease_until < before][:limit]

    def drop_claim(self, claim: StaleClaim) -> bool:
        name = f"K#{claim.owner}#{claim.submission_id}"
        held = self.claims.get(name)
        if held is None or (held.attempt, held.lease_until) != (claim.attempt, claim.lease_until):
            return False
        del self.claims[name]
        return True

    def mark_notified(self, owner: str, submission_id: str, *, at: datetime) -> bool:
        found = self.items[(owner, submission_id)]
        if found.notified_at is not None:
            return False
        self.items[(owner, submission_id)] = found.model_copy(update={"notified_at": at})
        return True

    def unmark_notified(self, owner: str, submission_id: str) -> None:
        found = self.items[(owner, submission_id)]
        self.items[(owner, submission_id)] = found.model_copy(update={"notified_at": None})

    def list(self, owner: str) -> list[Submission]:
        return sorted((s for (o, _), s in self.items.items() if o == owner), key=lambda s: s.delivered_at,
                      reverse=True)


class FakeFilings:
    """The submissions module's published interface as registration uses it, over the fake store: the facts
    are read with the JST's configuration `tenant` and the catalogue of now."""

    def __init__(self, submissions: FakeSubmissions, catalogue: FakeCatalogue, tenant: TenantConfig) -> None:
        self.submissions, self.catalogue, self.tenant = submissions, catalogue, tenant
        self.reads = 0

    def registration_facts(self, owner: str, submission_id: str) -> RegistrationFacts | None:
        self.reads += 1
        found = self.submissions.get(owner, submission_id)
        if found is None:
            return None
        return facts_of(found, self.catalogue.get(found.service, found.form_version), self.tenant)

    def registration(self, owner: str, submission_id: str) -> Registration | None:
        found = self.submissions.get(owner, submission_id)
        return Registration(case_sign=found.case_sign, notified=found.notified_at is not None) if found else None

    def mark_notified(self, owner: str, submission_id: str, *, at: datetime) -> bool:
        return self.submissions.mark_notified(owner, submission_id, at=at)

    def unmark_notified(self, owner: str, submission_id: str) -> None:
        self.submissions.unmark_notified(owner, submission_id)


class FakeCatalogue:
    def __init__(self, definitions: Iterable[ServiceDefinition]) -> None:
        self.definitions = list(definitions)

    def get(self, service_id: str, version: int | None = None) -> ServiceDefinition | None:
        found = [d for d in self.definitions if d.id == service_id and version in (None, d.version)]
        return max(found, key=lambda d: d.version) if found else None

    def latest_all(self) -> list[ServiceDefinition]:
        ids = dict.fromkeys(d.id for d in self.definitions)
        return [d for d in (self.get(i) for i in ids) if d is not None]


class PublishFailed(Exception):
    pass


class FakePublisher:
    def __init__(self, *, fail: bool = False) -> None:
        self.fail = fail
        self.messages: list[tuple[str, Any]] = []

    def publish(self, key: str, message: Any) -> str:
        if self.fail:
            raise PublishFailed(f"queue {key} unavailable")
        self.messages.append((key, message))
        return f"message-{len(self.messages)}"

    def sent(self) -> list[tuple[str, dict[str, Any]]]:
        """What was sent, without what names each send (event and correlation ids: new every time)."""
        return [(key, without_ids(m)) for key, m in self.messages]


def without_ids(message: Any) -> dict[str, Any]:
    return dict(message.model_dump(exclude={"event_id", "correlation_id"}))


class FakeCases:
    """The ESP's inbox: consecutive numbers per (terc, department, JRWA, year), each submission registered once.

    Like the repository's transaction it marks the submission registered in `submissions` together with the case.
    """

    def __init__(self, submissions: FakeSubmissions) -> None:
        self.submissions = submissions
        self.counters: dict[tuple[str, str, str, int], int] = {}
        self.cases: list[Case] = []

    def register(self, plan: Plan, filing: Filing, *, at: datetime, notify: bool) -> Case | None:
        stored_key = (filing.owner, filing.submission_id)
        stored = self.submissions.items[stored_key]
        if stored.case_sign is not None:
            return None
        counter = (plan.terc, plan.department, plan.jrwa, plan.year)
        number = self.counters.get(counter, 0) + 1
        self.counters[counter] = number
        case = Case.of(filing, plan, sign=format_sign(plan.department, plan.jrwa, number, plan.year), number=number,
                       at=at)
        self.cases.append(case)
        self.submissions.outbox.pop(stored_key, None)  # the marker goes in the registration's transaction
        self.submissions.items[stored_key] = stored.model_copy(update={
            "status": SubmissionStatus.ZAREJESTROWANA, "case_sign": case.sign, "department": plan.department,
            "registered_at": at, "due_date": plan.due_date.isoformat() if plan.due_date else None,
            **({"notified_at": at} if notify else {})})
        return case


class MailRefused(Exception):
    pass


class FakeMailer:
    def __init__(self, *, fail: bool = False) -> None:
        self.fail = fail
        self.sent: list[Mail] = []

    def send(self, mail: Mail) -> str:
        if self.fail:
            raise MailRefused("SES: Throttling")
        self.sent.append(mail)
        return f"mail-{len(self.sent)}"


# --- the seal and the verifier ---------------------------------------------------------------------------

@functools.cache
def demo_pki() -> pki.DemoPki:
    """The demo PKI (made once: RSA keys are slow), valid from a day before the fixed clock (or today, if earlier).

    Certificates start a day before "now" when they are made; starting them from the fixed clock keeps the receipts
    sealed at the fixed time inside the seal's validity whatever day the tests run on.
    """
    start = min(NOW, datetime.now(UTC)).replace(microsecond=0)
    with mock.patch.object(pki, "_now", lambda: start):
        return pki.generate_demo()


@functools.cache
def stranger_pki() -> pki.DemoPki:
    """Another PKI with the same names, which the verifier does not trust."""
    return pki.generate_demo()


@functools.cache
def office_seal() -> OfficeSeal:
    demo = demo_pki()
    return OfficeSeal(demo.seal.key_pem(), demo.seal_chain())


def make_verify(clock: FakeClock) -> Any:
    """The production shape of the verify port (a report, or `Unreadable`) over the demo trust bundle.

    The verifier's own "now" is the later of the fake clock and the real time: signatures made by signxml carry the
    real time, receipts the fake clock's; neither is "in the future".
    """
    from chalicelib.modules.signatures.logic import Unreadable
    from chalicelib.signatures.trust import TrustStore
    from chalicelib.signatures.verifier import Verifier
    from chalicelib.signatures.xmlsafe import UnreadableDocument

    verifier = Verifier(TrustStore.from_pem(demo_pki().trust_bundle()))

    def verify(data: bytes) -> Any:
        try:
            return verifier.verify(data, now=max(clock.at, datetime.now(UTC)))
        except UnreadableDocument as exc:
            return Unreadable(exc.code, exc.message, tuple(exc.details))

    return verify


# --- the ports -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class FakePorts(Ports):
    """`Ports` made of the fakes above, typed as such, with the clock and the journal at hand."""

    catalogue: FakeCatalogue
    objects: FakeObjects
    attachments: FakeAttachments
    submissions: FakeSubmissions
    drafts: FakeDrafts
    publisher: FakePublisher
    clock: FakeClock = field(default_factory=FakeClock)
    journal: list[Event] = field(default_factory=list)

    def add_attachment(self, owner: str, *, terc: str, service: str, content: bytes,
                       content_type: str = "application/pdf", filename: str = "zalacznik.pdf",
                       status: AttachmentStatus = AttachmentStatus.PRZYJETY, attachment_id: str | None = None,
                       reason: str | None = None) -> AttachmentView:
        """An attachment as the quarantine check left it; a released one is in the uploads bucket."""
        view = AttachmentView(attachment_id=attachment_id or uuid.uuid4().hex, terc=terc, service=service,
                              filename=filename, content_type=content_type, status=status, reason=reason,
                              size=len(content), sha256=hashlib.sha256(content).hexdigest())
        self.attachments.items[(owner, view.attachment_id)] = view
        if status is AttachmentStatus.PRZYJETY:
            self.objects.put("uploads", released_key(terc, view.attachment_id), content, content_type)
        return view


def ports(*, definitions: Iterable[ServiceDefinition] | None = None, clock: FakeClock | None = None,
          publisher: FakePublisher | None = None, submissions: FakeSubmissions | None = None) -> FakePorts:
    """Fresh fakes around the real seal and verifier; the catalogue holds `definitions` (default: forms/)."""
    journal: list[Event] = clock.journal if clock is not None else []
    clock = clock or FakeClock(journal=journal)
    seal = office_seal()

    def sealed(element: etree._Element, at: datetime) -> bytes:
        journal.append(("seal", at))
        return seal.seal(element, signing_time=at)

    store = submissions or FakeSubmissions()
    return FakePorts(
        catalogue=FakeCatalogue(definitions if definitions is not None else _catalogue()),
        objects=FakeObjects(journal, clock),
        attachments=store.attachments,
        submissions=store,
        drafts=FakeDrafts(),
        publisher=publisher or FakePublisher(),
        seal=sealed,
        verify=make_verify(clock),
        now=clock,
        sleep=lambda seconds: clock.advance(seconds=seconds),
        clock=clock,
        journal=journal,
    )


@functools.cache
def _catalogue() -> tuple[ServiceDefinition, ...]:
    from chalicelib.cli import load_definitions

    return tuple(load_definitions())

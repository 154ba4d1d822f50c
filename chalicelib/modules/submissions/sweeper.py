"""The sweeper (every 5 minutes): nothing accepted stays unregistered, and nothing of a failed attempt stays stored.

No Chalice, no boto3.
- The outbox: every submission still marked for registration whose time has come is sent to the registrations
  queue again (registration is idempotent), with the events' growing delay (`events.outbox.sweep`).
- Orphans: for every Idempotency-Key claim whose lease ended long enough ago that no attempt under it can still be
  running, every stored version under the submission's folder that is not the submission's own (a failed or
  overtaken attempt's document, UPP and attachment copies) is removed, and the claim is forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, TypeAlias

from chalicelib.events import outbox
from chalicelib.events.publishing import Publisher
from chalicelib.events.topics import RegistrationMessage
from chalicelib.modules.submissions.intake import LEASE, folder
from chalicelib.modules.submissions.models import Submission

Due: TypeAlias = outbox.Due[RegistrationMessage]


@dataclass(frozen=True)
class StaleClaim:
    owner: str
    submission_id: str
    terc: str
    attempt: str
    lease_until: datetime


@dataclass(frozen=True)
class ObjectVersion:
    key: str
    version_id: str | None
    modified: datetime


class SweptStore(Protocol):
    def get(self, owner: str, submission_id: str) -> Submission | None: ...

    def outbox_due(self, now: datetime, *, limit: int = ...) -> list[Due]: ...

    def postpone(self, owner: str, submission_id: str, *, until: datetime, sends: int) -> None: ...

    def stale_claims(self, before: datetime, *, limit: int = ...) -> list[StaleClaim]: ...

    def drop_claim(self, claim: StaleClaim) -> bool: ...


class Folders(Protocol):
    def versions(self, prefix: str) -> list[ObjectVersion]: ...

    def remove(self, versions: list[ObjectVersion]) -> None: ...


@dataclass(frozen=True)
class Swept:
    sent: int
    removed: int  # stored versions of failed attempts
    claims: int  # claims forgotten


class RegistrationOutbox:
    """The submissions still marked for registration, as the events' outbox."""

    def __init__(self, store: SweptStore) -> None:
        self._store = store

    def due(self, now: datetime, *, limit: int = 500) -> list[Due]:
        return self._store.outbox_due(now, limit=limit)

    def postpone(self, event: RegistrationMessage, *, until: datetime, sends: int) -> None:
        self._store.postpone(event.owner, event.submission_id, until=until, sends=sends)


def sweep(*, store: SweptStore, folders: Folders, publisher: Publisher | None, now: datetime) -> Swept:
    sent = outbox.sweep(RegistrationOutbox(store), now, publisher=publisher)
    removed = claims = 0
    # A claim's lease outlives its attempt; one more lease and every file any attempt under it wrote is older
    # than `settled`, while a newer attempt (the key claimed again since) only writes files younger than that.
    settled = now - LEASE
    for claim in store.stale_claims(settled):
        submission = store.get(claim.owner, claim.submission_id)
        kept = submission.record.document.key.rsplit("/", 1)[0] + "/" if submission else None
        orphans = [v for v in folders.versions(folder(claim.terc, claim.submission_id))
                   if not (kept and v.key.startswith(kept)) and v.modified < settled]
        if orphans:
            folders.remove(orphans)
            removed += len(orphans)
        claims += store.drop_claim(claim)
    return Swept(sent=sent, removed=removed, claims=claims)

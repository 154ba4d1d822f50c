"""The party's answer to a summons (art. 64 § 2 KPA): a supplementary submission with its own UPP, attached to
the case it answers instead of opening a new one.

No Chalice, no boto3. Who may answer: the case's own party, while a summons is open (else 404, revealing
nothing, or 409 `no_open_summons`). Registration (the registrations worker) writes, in ONE transaction, the case
with the letter in its life and the submission marked registered under the case's sign; the submission's mark
is the guard against a redelivered message. The letter counts from its delivery (DataDoreczenia, art. 57 § 5
KPA), not from the worker's time: the summons is answered and the pause closes on that day, and the case goes
`uzupelniona` by the party. A case that left `wezwanie` meanwhile (the clerk recorded it by hand, or left the
application unrecognised) still gets the letter, shown to the clerk, with no transition.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from chalicelib.core.clock import WARSAW
from chalicelib.core.errors import Conflict, NotFound
from chalicelib.core.observability import logger
from chalicelib.modules.cases import kpa_clock, notices
from chalicelib.modules.cases.lifecycle import STATES, State
from chalicelib.modules.cases.models import Filing, Outcome, StoredCase

MAX_ATTEMPTS = 10  # a clerk changing the case at the same moment: read it again and attach once more
ATTACHED_LABEL = "wpłynęło pismo uzupełniające"
ATTACHED_TEXT = "Wpłynęło Twoje pismo uzupełniające; urząd dołączył je do akt sprawy."


class AlreadyRegistered(Exception):
    """The submission was attached before (an earlier delivery of the same message): nothing is written."""


class CaseChanging(Exception):
    """The case kept changing under the registration; the message is retried later."""


def own_case(stored: StoredCase | None, *, owner: str) -> StoredCase:
    """The party's own case: 404 for anyone else's, or none (revealing nothing)."""
    if stored is None or stored.record.get("owner") != owner:
        raise NotFound("Nie ma takiej sprawy wśród Twoich spraw.", code="case_not_found")
    return stored


def open_summons(stored: StoredCase | None, *, owner: str) -> StoredCase:
    """The party's case with a summons they may answer now: 404 for anyone else's case (revealing nothing),
    409 `no_open_summons` when none is open."""
    stored = own_case(stored, owner=owner)
    summonses = stored.life["summonses"]
    if stored.record["status"] != State.WEZWANIE.value or not summonses or summonses[-1]["answered_on"]:
        raise Conflict("W tej sprawie nie ma wezwania do uzupełnienia, na które można teraz odpowiedzieć.",
                       code="no_open_summons")
    return stored


@dataclass(frozen=True)
class Supplement:
    """The letter as registration attaches it."""

    submission_id: str
    receipt_id: str
    received_at: datetime  # DataDoreczenia on its UPP
    party: str  # the resident who filed it
    party_name: str | None

    @classmethod
    def of(cls, filing: Filing) -> Supplement:
        f = filing.facts
        return cls(submission_id=filing.submission_id, receipt_id=f.receipt_id, received_at=f.delivered_at,
                   party=filing.owner, party_name=f.applicant)


def _answers(record: dict[str, Any], life: dict[str, Any], on: date) -> dict[str, Any] | None:
    """The open summons this letter answers, if the case still waits for it (issued on or before the delivery)."""
    summonses = life["summonses"]
    if record["status"] != State.WEZWANIE.value or not summonses or summonses[-1]["answered_on"]:
        return None
    summons: dict[str, Any] = summonses[-1]
    return summons if date.fromisoformat(summons["issued_on"]) <= on else None


def attach(record: dict[str, Any], life: dict[str, Any], letter: Supplement, *,
           at: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """The record and life with the letter attached, and the summons answered if the case still waits for it."""
    record, life = copy.deepcopy(record), copy.deepcopy(life)
    on = letter.received_at.astimezone(WARSAW).date()
    state = State(record["status"])
    shown = {"submission_id": letter.submission_id, "receipt_id": letter.receipt_id,
             "received_at": letter.received_at.isoformat()}
    entry = {"kind": "supplement", "at": at.isoformat(), "by": letter.party, "by_name": letter.party_name,
             "reason": "Pismo uzupełniające strony", "from": state.value, "inform_party": True, **shown}
    summons = _answers(record, life, on)
    if summons is not None:
        summons["answered_on"] = on.isoformat()
        summons["answer"] = {**shown, "in_term": on <= date.fromisoformat(summons["term_until"])}
        kpa_clock.on_transition(life, leaving=state.value, entering=State.UZUPELNIONA.value, on=on, stops=False)
        due_before = record.get("due_date")
        record["status"] = State.UZUPELNIONA.value
        record["due_date"] = kpa_clock.current_due(record, life)
        entry.update({"to": State.UZUPELNIONA.value, "resident_text": STATES[State.UZUPELNIONA].resident_text})
        if record["due_date"] != due_before:
            entry["due_date"] = record["due_date"]
    else:  # the clerk moved the case on meanwhile: the letter joins the files, the state stays
        entry.update({"to": state.value, "label": ATTACHED_LABEL, "resident_text": ATTACHED_TEXT})
    life["history"].append(entry)
    life.setdefault("supplements", []).append(
        {**shown, "registered_at": at.isoformat(), "answered_summons": summons is not None})
    return record, life


def for_clerk(life: dict[str, Any], terc: str) -> list[dict[str, Any]]:
    """The letters in the case, with the clerk's links to each one's document and UPP."""
    base = f"/v1/tenants/{terc}/submissions"
    return [{**s, "links": {"self": f"{base}/{s['submission_id']}", "upp": f"{base}/{s['submission_id']}/upp",
                            "document": f"{base}/{s['submission_id']}/document"}}
            for s in life.get("supplements", [])]


class SupplementStore(notices.NoticeStore, Protocol):
    def find(self, terc: str | None, case_id: str) -> StoredCase | None: ...

    def attach(self, stored: StoredCase, record: dict[str, Any], life: dict[str, Any], *, filing: Filing,
               at: datetime, notify_at: datetime | None) -> int | None:
        """The case written at the version read and the submission marked registered under its sign, in one
        transaction; the new version, None if the case changed since it was read; `AlreadyRegistered` if the
        submission was registered before."""


def register(store: SupplementStore, mailer: notices.Mailer, filing: Filing, *, case_id: str,
             now: datetime) -> Outcome:
    """Attach the answer to its case once, however often it is delivered; then tell the party (best effort: the
    case's notice outbox keeps what could not be sent)."""
    letter = Supplement.of(filing)
    for _ in range(MAX_ATTEMPTS):
        stored = store.find(filing.terc, case_id)
        if stored is None or stored.record.get("owner") != filing.owner:
            raise LookupError(f"case {case_id} of the supplement {filing.submission_id} not found")
        record, life = attach(stored.record, stored.life, letter, at=now)
        told = bool(stored.email)
        try:
            version = store.attach(stored, record, life, filing=filing, at=now, notify_at=now if told else None)
        except AlreadyRegistered:
            return Outcome(sign=stored.record["case_sign"], registered_now=False, notified_now=False)
        if version is None:
            continue
        if told:
            after = StoredCase(pk=stored.pk, sk=stored.sk, record=record, life=life, version=version,
                               email=stored.email, notified=stored.notified)
            try:
                notices.deliver(store, mailer, after)
            except Exception:  # the marker stays: the cases' sweeper sends it
                logger.exception("supplement notice not sent now; left to the sweeper", extra={"case_id": case_id})
                told = False
        return Outcome(sign=record["case_sign"], registered_now=True, notified_now=told)
    raise CaseChanging(f"case {case_id}: changed {MAX_ATTEMPTS} times while attaching {filing.submission_id}")

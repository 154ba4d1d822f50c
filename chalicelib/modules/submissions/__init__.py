"""e-wniosek: attachments, drafts, the intake of a submission with its UPP, and the resident's view of it.

What other modules may use of it is below (the case register uses all of it); the rest is its own.
- `registration_facts(owner, submission_id)`: what registering a submission needs, read from the stored
  submission and the JST's configuration of now (for a registration message that does not carry them);
- `registration(owner, submission_id)`: its case sign and whether the resident was told (`Registration`);
- `mark_registered(...)`: the update that marks it registered (with its case sign, and its notice taken), for the
  registration's own transaction (`TransactUpdate`): a case and a marked submission, or neither;
- `mark_notified` / `unmark_notified`: the resident's notice taken, or given back when it could not be sent;
- `filed_with(terc, submission_id)`: a submission filed with a JST as the office sees it (`Filed`);
- `stored_files(terc, submission_id)` / `remove_files(terc, submission_id)`: its document, UPP and attachments as
  stored (key, version, SHA-256), and the removal of every stored version of everything under its folder (the
  retention of a closed case's documents);
- `submit_answer(...)`: the resident's supplementary submission answering a summons in a case (`Answer`): the
  same intake and UPP as any submission, bound to the case's JST, department and sign.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from chalicelib.modules import catalogue, tenants
from chalicelib.modules.submissions import wiring as _wiring  # its heavy parts load on first use

if TYPE_CHECKING:
    from pynamodb.expressions.condition import Condition
    from pynamodb.expressions.update import Action
    from pynamodb.models import Model

    from chalicelib.events.topics import RegistrationFacts
    from chalicelib.modules.submissions.models import Submission

__all__ = ["Answer", "Filed", "Registration", "TransactUpdate", "filed_with", "mark_notified", "mark_registered",
           "registration", "registration_facts", "remove_files", "stored_files", "submit_answer", "unmark_notified"]


@dataclass(frozen=True)
class Registration:
    """A submission's registration as far as it went: its case sign (None: not yet), and the resident's notice."""

    case_sign: str | None
    notified: bool


@dataclass(frozen=True)
class TransactUpdate:
    """One conditional update, for another module's DynamoDB transaction (`tx.update(item, actions, condition)`)."""

    item: Model
    actions: list[Action]
    condition: Condition


@dataclass(frozen=True)
class Filed:
    """A submission filed with a JST, as the office sees it: the department handling it, its view, its files."""

    submission_id: str
    terc: str
    department: str | None
    submission: Submission

    def view(self) -> dict[str, Any]:
        found = self.submission
        shown = _wiring.views.view(found, base=f"/v1/tenants/{self.terc}/submissions")
        shown["applicant"] = found.record.applicant.model_dump() if found.record.applicant else None
        # who filed it (the national login's PESEL and name): with the `representative` flag, not the applicant
        shown["filed_by"] = found.record.filer.model_dump() if found.record.filer else None
        return shown

    def link(self, what: str, attachment_id: str | None = None) -> dict[str, Any]:
        """A short-lived link to its document, UPP or one attachment (404 `attachment_not_found`)."""
        return _wiring.views.download(_wiring.submission_ports(), self.submission, what, attachment_id)


def filed_with(terc: str, submission_id: str) -> Filed | None:
    owner = _wiring.submissions().owner_of(terc, submission_id)
    found = _wiring.submissions().get(owner, submission_id) if owner else None
    if found is None:
        return None
    return Filed(submission_id=submission_id, terc=terc, department=found.department, submission=found)


def registration_facts(owner: str, submission_id: str) -> RegistrationFacts | None:
    found = _wiring.submissions().get(owner, submission_id)
    if found is None:
        return None
    defn = catalogue.definitions().get(found.service, found.form_version)
    return _wiring.facts.facts_of(found, defn, tenants.config(found.terc))


def registration(owner: str, submission_id: str) -> Registration | None:
    found = _wiring.submissions().get(owner, submission_id)
    return Registration(case_sign=found.case_sign, notified=found.notified_at is not None) if found else None


def mark_registered(owner: str, submission_id: str, *, case_sign: str, department: str, due_date: date | None,
                    at: datetime, notify: bool) -> TransactUpdate:
    return _wiring.repository.registered_update(owner, submission_id, case_sign=case_sign, department=department,
                                                due_date=due_date, at=at, notify=notify)


def mark_notified(owner: str, submission_id: str, *, at: datetime) -> bool:
    return _wiring.submissions().mark_notified(owner, submission_id, at=at)


def unmark_notified(owner: str, submission_id: str) -> None:
    _wiring.submissions().unmark_notified(owner, submission_id)


@dataclass(frozen=True)
class Answer:
    """A supplementary submission as accepted: the resident's view of it, and whether it was a replay."""

    view: dict[str, Any]
    replayed: bool


def submit_answer(*, owner: str, pesel: str | None, name: str | None, terc: str, case_id: str, case_sign: str,
                  department: str, idempotency_key: str | None, content_type: str, raw: bytes,
                  still_open: Callable[[], object]) -> Answer:
    """The resident's answer to a summons in case `case_id` (the caller checked it is theirs): a form (JSON) or
    the signed letter (XML), under `Idempotency-Key`, with its own UPP. `still_open` raises an `ApiError` when
    the case may not be answered now: a request accepted before under the same key then replays its answer."""
    from chalicelib.core.http import parse_body

    key = _wiring.logic.idempotency_key(idempotency_key)
    models = _wiring.models
    answers = models.Answers(case_id=case_id, case_sign=case_sign, department=department)
    filer = models.Filer(pesel=pesel, name=name) if pesel else None
    signed = raw if content_type in ("application/xml", "text/xml") else None
    form = None if signed is not None else parse_body(raw, models.SubmissionIn)
    accepted = _wiring.answers.submit_answer(_wiring.submission_ports(), owner=owner, filer=filer,
                                             tenant=tenants.config(terc), answers=answers, idempotency_key=key,
                                             form=form, signed=signed, still_open=still_open)
    return Answer(view=_wiring.views.view(accepted.submission), replayed=accepted.replayed)


def stored_files(terc: str, submission_id: str) -> list[dict[str, Any]]:
    """The submission's document, UPP and attachments as stored: name, key, version_id, sha256 (none if unknown)."""
    filed = filed_with(terc, submission_id)
    if filed is None:
        return []
    rec = filed.submission.record
    named = [("document", rec.document), ("upp", rec.upp),
             *((f"attachments/{a.attachment_id}", a) for a in rec.attachments)]
    return [{"name": name, "key": f.key, "version_id": f.version_id, "sha256": f.sha256, "filename": f.filename}
            for name, f in named]


def remove_files(terc: str, submission_id: str) -> int:
    """Remove every stored version of every object of the submission (all its attempts' folder); the count."""
    return _wiring.objects().purge("documents", _wiring.intake.folder(terc, submission_id))

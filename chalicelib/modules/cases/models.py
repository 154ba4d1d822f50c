"""The case register's own types: a submission as registration sees it, the plan of its case, the case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from chalicelib.events.topics import RegistrationFacts
from chalicelib.model.service import DeadlineKind
from chalicelib.modules.cases.deadlines import DEADLINE_LABEL


class InvalidPageToken(ValueError):
    """A page token the inbox did not give."""


@dataclass(frozen=True)
class Filing:
    """An accepted submission to register: who filed what with which JST, and the facts it was accepted with."""

    submission_id: str
    owner: str
    terc: str
    service: str
    facts: RegistrationFacts


@dataclass(frozen=True)
class Plan:
    """Where and under which rules a submission is registered."""

    terc: str
    department: str
    department_name: str
    jrwa: str
    year: int
    deadline_kind: DeadlineKind
    started_on: date  # KPA art. 61 § 3a: the date of the proof of receipt (UPP)
    due_date: date | None


@dataclass(frozen=True)
class Case:
    case_id: str
    sign: str
    number: int
    plan: Plan
    submission_id: str
    owner: str
    service: str
    service_name: str
    applicant: str | None
    registered_at: datetime
    flags: list[str]
    signed: bool

    @classmethod
    def of(cls, filing: Filing, plan: Plan, *, sign: str, number: int, at: datetime) -> Case:
        f = filing.facts
        return cls(case_id=filing.submission_id, sign=sign, number=number, plan=plan,
                   submission_id=filing.submission_id, owner=filing.owner, service=filing.service,
                   service_name=f.service_name, applicant=f.applicant, registered_at=at, flags=list(f.flags),
                   signed=f.signed)

    def record(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id, "case_sign": self.sign, "terc": self.plan.terc,
            "department": self.plan.department, "jrwa": self.plan.jrwa, "year": self.plan.year,
            "number": self.number, "status": "zarejestrowana", "service": self.service,
            "service_name": self.service_name, "applicant": self.applicant, "submission_id": self.submission_id,
            "owner": self.owner, "registered_at": self.registered_at.isoformat(),
            "started_on": self.plan.started_on.isoformat(), "deadline_kind": self.plan.deadline_kind.value,
            "deadline": DEADLINE_LABEL[self.plan.deadline_kind],
            "due_date": self.plan.due_date.isoformat() if self.plan.due_date else None,
            "flags": self.flags, "signed": self.signed,
        }


@dataclass(frozen=True)
class Outcome:
    sign: str
    registered_now: bool
    notified_now: bool


@dataclass(frozen=True)
class StoredCase:
    """A case as stored: its registration record (with the current state), its life, and the version read."""

    pk: str
    sk: str
    record: dict[str, Any]
    life: dict[str, Any]
    version: int
    email: str | None = None  # where the party is told of changes (from the submission), if they gave one
    notified: int = 0  # history entries the party was told of

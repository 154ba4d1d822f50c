"""Registration in the electronic inbox (ESP): department, case sign (znak sprawy), KPA due date, notice; and who
may see which inbox.

No Chalice, no boto3. The case sign is `<department>.<JRWA>.<n>.<year>`; n comes from a counter per
department, JRWA class and year that the repository advances in the same transaction that writes the case,
so a number is only ever used by a case that exists: no gaps, no duplicates.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Protocol

from chalicelib.core.clock import WARSAW
from chalicelib.core.errors import BadRequest, Forbidden, NotFound, Unprocessable
from chalicelib.core.inputs import ascii_int
from chalicelib.core.observability import set_correlation_id
from chalicelib.events.publishing import Publisher
from chalicelib.events.topics import RegistrationFacts, RegistrationMessage
from chalicelib.integrations.mail import Mail
from chalicelib.model import jrwa as wykaz
from chalicelib.model.tenant import TenantConfig, UnknownDepartment
from chalicelib.modules.cases import fee, payment_requests, supplements
from chalicelib.modules.cases.deadlines import DEADLINE_BASIS, DEADLINE_LABEL, due_date
from chalicelib.modules.cases.models import Case, Filing, InvalidPageToken, Outcome, Plan
from chalicelib.modules.submissions import Filed, Registration


class RegistrationBlocked(Exception):
    """The case cannot be registered until someone fixes the JST's configuration (retried, then dead-lettered)."""


def format_sign(department: str, jrwa: str, number: int, year: int) -> str:
    return f"{department}.{jrwa}.{number}.{year}"


def plan(filing: Filing) -> Plan:
    """The department, JRWA class, year and KPA due date, from what the submission was accepted with."""
    f = filing.facts
    if f.department is None or f.department_name is None or f.jrwa is None or f.deadline_kind is None:
        raise RegistrationBlocked(
            f"{f.office_name}: usługa {filing.service} (formularz w wersji {f.form_version}) jest przypisana do "
            f"komórki {f.department or '(brak w katalogu)'}, której nie ma w konfiguracji jednostki")
    started = f.delivered_at.astimezone(WARSAW).date()
    # A message queued before the facts carried the category: the wykaz's, for the class it was accepted under.
    category = f.archival_category or wykaz.category_of(f.jrwa)
    return Plan(terc=filing.terc, department=f.department, department_name=f.department_name, jrwa=f.jrwa,
                year=started.year, deadline_kind=f.deadline_kind, started_on=started,
                due_date=due_date(f.deadline_kind, started), archival_category=category)


def notice(sign: str, plan: Plan, filing: Filing, to: str) -> Mail:
    """The resident's e-mail: the case is registered, under which sign, by whom and until when."""
    f = filing.facts
    basis = DEADLINE_BASIS[plan.deadline_kind]
    due = (f"Termin załatwienia sprawy: do {plan.due_date:%d.%m.%Y} r. ({DEADLINE_LABEL[plan.deadline_kind]}, "
           f"{basis})." if plan.due_date else f"Sprawa zostanie załatwiona niezwłocznie ({basis}).")
    delivered = f.delivered_at.astimezone(WARSAW)
    text = "\n".join([
        "Dzień dobry,",
        "",
        f"Twój wniosek „{f.service_name}” złożony {delivered:%d.%m.%Y} r. o godz. {delivered:%H:%M} "
        f"do: {f.office_name} został zarejestrowany.",
        "",
        f"Znak sprawy: {sign}",
        f"Komórka prowadząca: {plan.department_name}",
        due,
        f"Identyfikator wniosku: {filing.submission_id}",
        f"Urzędowe poświadczenie przedłożenia (UPP): {f.receipt_id}",
        *_fee_lines(f),
        "",
        "Podawaj znak sprawy w korespondencji z urzędem. Stan sprawy sprawdzisz na platformie e-Urząd.",
        "",
        "Wiadomość wysłana automatycznie; prosimy na nią nie odpowiadać.",
    ])
    return Mail(to=to, subject=f"Sprawa {sign} – wniosek zarejestrowany", text=text)


def _fee_lines(facts: RegistrationFacts) -> list[str]:
    if facts.fee is None or not facts.fee.payable:
        return []
    return ["", f"Wniosek podlega opłacie: {fee.zloty(facts.fee.amount)} zł ({facts.fee.title}). Zapłać ją na "
            "platformie e-Urząd w „Moich sprawach” („Zapłać”); do czasu zapłaty termin załatwienia sprawy nie biegnie "
            "(art. 35 § 5 KPA), a urząd rozpatrzy sprawę po zaksięgowaniu opłaty."]


# --- ports and the registration ------------------------------------------------------------------------

class CaseStore(supplements.SupplementStore, Protocol):
    def register(self, plan: Plan, filing: Filing, *, at: datetime, notify: bool) -> Case | None:
        """The case with the next number, and the submission marked registered (and, with `notify`, its notice
        taken), in one transaction; None if the submission was registered before."""


class Filings(Protocol):
    """The submissions module's published interface, as far as registration uses it."""

    def registration_facts(self, owner: str, submission_id: str) -> RegistrationFacts | None: ...

    def registration(self, owner: str, submission_id: str) -> Registration | None: ...

    def mark_notified(self, owner: str, submission_id: str, *, at: datetime) -> bool: ...

    def unmark_notified(self, owner: str, submission_id: str) -> None: ...


class Mailer(Protocol):
    def send(self, mail: Mail) -> str: ...


def register(*, filings: Filings, cases: CaseStore, mailer: Mailer, message: RegistrationMessage,
             now: datetime, requests: payment_requests.RequestOutbox | None = None,
             publisher: Publisher | None = None) -> Outcome:
    """Register one accepted submission, at most once however often it is delivered; then tell the resident.

    The notice is taken (`notified_at`) in the registration's own transaction, before the e-mail is sent: a
    redelivered message never e-mails twice and no write follows the e-mail. If SES refuses, the notice is given
    back and the message fails, so its next delivery sends it. What is not covered is the worker dying in the
    moment between the transaction and SES's answer: then the resident gets no e-mail (at most once, never twice;
    the case sign is in their list of submissions all the same).
    """
    facts = message.facts
    if facts is None or not facts.assigned:
        # The sweeper's message, or one whose department the JST lacked at submission: as things stand now.
        facts = filings.registration_facts(message.owner, message.submission_id)
        if facts is None:
            raise LookupError(f"submission {message.submission_id} not found")
        if facts.correlation_id:  # this work is the filing request's, not the sweep's: its e-mail names that one
            set_correlation_id(facts.correlation_id)
    filing = Filing(submission_id=message.submission_id, owner=message.owner, terc=message.terc,
                    service=message.service, facts=facts)
    if facts.answers_case:  # the party's answer to a summons: attached to its case, no new case and no new sign
        return supplements.register(cases, mailer, filing, case_id=facts.answers_case, now=now)
    where = plan(filing)
    email = facts.email
    case = cases.register(where, filing, at=now, notify=bool(email))
    if case is not None:
        request = fee.request_of(case.record(), email=email or None)
        if request is not None and requests is not None:  # its marker was written with the case: sent once
            payment_requests.publish(requests, request, publisher=publisher)
        if email:
            _send(mailer, filings, filing, notice(case.sign, where, filing, email))
        return Outcome(sign=case.sign, registered_now=True, notified_now=bool(email))
    # Registered by an earlier delivery (or a concurrent one a moment ago): its sign, and the notice if still due.
    done = filings.registration(message.owner, message.submission_id)
    if done is None or done.case_sign is None:
        raise LookupError(f"submission {message.submission_id} vanished while registering")
    # Its notice failed (SES refused, given back): take it now, then send.
    notified_now = False
    if email and not done.notified and filings.mark_notified(message.owner, message.submission_id, at=now):
        _send(mailer, filings, filing, notice(done.case_sign, where, filing, email))
        notified_now = True
    return Outcome(sign=done.case_sign, registered_now=False, notified_now=notified_now)


def _send(mailer: Mailer, filings: Filings, filing: Filing, mail: Mail) -> None:
    """Send the notice already taken; give it back if SES refuses, so that the next delivery sends it."""
    try:
        mailer.send(mail)
    except Exception:
        filings.unmark_notified(filing.owner, filing.submission_id)
        raise


# --- who sees what ---------------------------------------------------------------------------------------

def inbox_department(config: Callable[[], TenantConfig], *, clerk_department: str | None, asked: str | None) -> str:
    """The department whose inbox a clerk opens: the one asked for, or their own.

    A clerk assigned to a department works its inbox only; one without an assignment (kancelaria) sees all.
    """
    department = asked or clerk_department
    if not department:
        raise Unprocessable(details=[{"field": "department", "code": "missing",
                                      "message": "Wskaż komórkę organizacyjną (parametr department)."}])
    if clerk_department and department != clerk_department:
        raise Forbidden("Brak dostępu do skrzynki innej komórki.", code="department_forbidden")
    try:
        config().department(department)
    except UnknownDepartment as exc:
        raise NotFound(str(exc), code="department_not_found") from None
    return department


class InboxStore(Protocol):
    def inbox(self, terc: str, department: str, *, limit: int, after: str | None, state: str | None = None,
              assignee: str | None = None, by_due: bool = False,
              due_before: date | None = None) -> tuple[list[dict[str, Any]], str | None]: ...


def inbox_filters(params: dict[str, str]) -> dict[str, Any]:
    """`state`, `assignee`, or the open cases by due date (`order=due`), only the overdue ones (`overdue=1`):
    one at a time, each a query on its own index; `fee_unpaid=1`: the cases awaiting a fee whose order expired."""
    from chalicelib.modules.cases.lifecycle import State

    state, assignee = params.get("state") or None, params.get("assignee") or None
    order, overdue = params.get("order") or "new", params.get("overdue") or "0"
    unpaid = params.get("fee_unpaid") or "0"
    details = _unpaid_problems(unpaid, state)
    if unpaid == "1":  # the cases still awaiting their fee, read on the state index, then those whose order expired
        state = State.OCZEKUJE.value
    if state is not None and state not in {s.value for s in State}:
        details.append({"field": "state", "code": "state_invalid", "message": "Nieznany stan sprawy."})
    if assignee is not None and len(assignee) > 256:
        details.append({"field": "assignee", "code": "assignee_invalid", "message": "Nieprawidłowy pracownik."})
    if order not in ("new", "due"):
        details.append({"field": "order", "code": "order_invalid", "message": "Kolejność: new albo due."})
    if overdue not in ("0", "1"):
        details.append({"field": "overdue", "code": "overdue_invalid", "message": "Po terminie: 0 albo 1."})
    by_due = order == "due" or overdue == "1"
    if (state is not None) + (assignee is not None) + by_due > 1:
        details.append({"field": "assignee" if assignee is not None else "order", "code": "one_filter",
                        "message": "Filtruj według stanu, prowadzącego albo terminu: jednego naraz."})
    if details:
        raise Unprocessable(details=details)
    return {"state": state, "assignee": assignee, "by_due": by_due, "overdue": overdue == "1",
            "fee_unpaid": unpaid == "1"}


def _unpaid_problems(unpaid: str, state: str | None) -> list[dict[str, str]]:
    if unpaid not in ("0", "1"):
        return [{"field": "fee_unpaid", "code": "fee_unpaid_invalid", "message": "Nieopłacone: 0 albo 1."}]
    if unpaid == "1" and state not in (None, "oczekuje_na_oplate"):
        return [{"field": "fee_unpaid", "code": "one_filter",
                 "message": "Filtruj według stanu albo nieopłaconych: jednego naraz."}]
    return []


def inbox(store: InboxStore, config: Callable[[], TenantConfig], *, terc: str, clerk_department: str | None,
          params: dict[str, str], today: date) -> dict[str, Any]:
    """One page of a department's inbox, newest first (`limit` 1..100, `next` from the previous page), all its
    cases or those in one `state` or of one `assignee`; or its open cases earliest due first, or only the
    overdue ones (due date passed, clock running). Each row says whether it is overdue (art. 36 KPA)."""
    from chalicelib.modules.cases.overdue import is_overdue

    department = inbox_department(config, clerk_department=clerk_department, asked=params.get("department"))
    filters = inbox_filters(params)
    only_unpaid = filters.pop("fee_unpaid")
    if filters.pop("overdue"):
        filters["due_before"] = today
    limit = ascii_int(params.get("limit", "20"))
    if limit is None or not 1 <= limit <= 100:
        raise Unprocessable(details=[{"field": "limit", "code": "limit_invalid",
                                      "message": "Liczba pozycji na stronie: od 1 do 100."}])
    try:
        items, next_token = store.inbox(terc, department, limit=limit, after=params.get("next"), **filters)
    except InvalidPageToken:
        raise BadRequest("Nieprawidłowy znacznik strony.", code="invalid_page_token",
                         details=[{"field": "next", "code": "invalid_page_token",
                                   "message": "Użyj wartości „next” z poprzedniej strony."}]) from None
    for item in items:
        item["overdue"] = is_overdue(item, today)
        item["fee_unpaid"], item["fee"] = fee.unpaid(item), fee.view(item)
    if "due_before" in filters:  # a stopped clock is not overdue: the index holds it, the page leaves it out
        items = [item for item in items if item["overdue"]]
    if only_unpaid:  # a case whose order is still open waits in the same state: the page leaves it out
        items = [item for item in items if item["fee_unpaid"]]
    return {"terc": terc, "department": department, "items": items, "count": len(items), "next": next_token}


def require_visible(filed: Filed | None, *, clerk_department: str | None) -> Filed:
    """A submission filed with the clerk's JST, if their department may see it.

    The department is recorded with the submission: a clerk of another department never sees it, and one of an
    older submission whose department is not known yet is refused rather than let in.
    """
    if filed is None:
        raise NotFound("Nie ma takiego wniosku w tej jednostce.", code="submission_not_found")
    if clerk_department and filed.department != clerk_department:
        raise Forbidden("Wniosek prowadzi inna komórka.", code="department_forbidden")
    return filed

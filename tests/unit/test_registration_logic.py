"""Registration in the electronic inbox (ESP): the department, JRWA class, year and KPA due date of a case, its
sign, and the resident's notice. In-memory stores; no AWS."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from chalicelib.cli import load_definitions
from chalicelib.core.observability import correlation_id, set_correlation_id
from chalicelib.events.topics import RegistrationFacts, RegistrationMessage
from chalicelib.integrations.mail import with_reference
from chalicelib.model.service import DeadlineKind, ServiceDefinition
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules.cases import logic
from chalicelib.modules.cases.logic import RegistrationBlocked, format_sign
from chalicelib.modules.cases.models import Filing
from chalicelib.modules.submissions.facts import facts_of
from chalicelib.modules.submissions.models import Applicant, StoredFile, Submission, SubmissionRecord, SubmissionStatus
from tests import samples
from tests.unit.fakes import NOW, FakeCases, FakeCatalogue, FakeFilings, FakeMailer, FakeSubmissions, MailRefused

CATALOGUE = FakeCatalogue(load_definitions())
PIASECZNO = samples.tenant()  # FN and OS; trees overridden to 2 months
CERTIFICATE = "zaswiadczenie-o-niezaleganiu"
TREES = "zezwolenie-na-usuniecie-drzew"
LETTER = "pismo-ogolne"
OWNER = "resident-anna"
EMAIL = "jan.kowalski@example.pl"


def definition(service: str) -> ServiceDefinition:
    found = CATALOGUE.get(service)
    assert found is not None
    return found


def submission(service: str = CERTIFICATE, *, delivered_at: datetime = NOW, email: str | None = EMAIL,
               submission_id: str = "a" * 32, tenant: TenantConfig = PIASECZNO) -> Submission:
    stored = StoredFile(key=f"submissions/{tenant.terc}/{submission_id}/document.xml", version_id="v1",
                        sha256="0" * 64, size=100, content_type="application/xml", filename="wniosek.xml")
    record = SubmissionRecord(
        document=stored, upp=stored.model_copy(update={"key": stored.key.replace("document", "upp")}),
        receipt_id=f"UPP-{submission_id}", attachments=[],
        applicant=Applicant(kind="person", name="Jan Kowalski", pesel="44051401359"), email=email,
        service_name=definition(service).name, office_name=tenant.office_name)
    return Submission(submission_id=submission_id, owner=OWNER, terc=tenant.terc, service=service, form_version=1,
                      request_sha256="1" * 64, delivered_at=delivered_at, record=record)


def facts(s: Submission, tenant: TenantConfig = PIASECZNO) -> RegistrationFacts:
    """What the intake puts in the registration message: the submission's facts, planned with the JST's settings."""
    return facts_of(s, CATALOGUE.get(s.service, s.form_version), tenant)


def filing(s: Submission, tenant: TenantConfig = PIASECZNO) -> Filing:
    return Filing(submission_id=s.submission_id, owner=s.owner, terc=s.terc, service=s.service, facts=facts(s, tenant))


def message(s: Submission, *, tenant: TenantConfig = PIASECZNO, thin: bool = False) -> RegistrationMessage:
    """The intake's message (with the facts), or the sweeper's (`thin`: ids only)."""
    return RegistrationMessage(submission_id=s.submission_id, owner=s.owner, terc=s.terc, service=s.service,
                               facts=None if thin else facts(s, tenant))


class Inbox:
    """The stores register() works with, and one call of it."""

    def __init__(self, *submissions: Submission, store: FakeSubmissions | None = None,
                 tenant: TenantConfig = PIASECZNO, catalogue: FakeCatalogue = CATALOGUE) -> None:
        self.submissions = store or FakeSubmissions()
        for s in submissions:
            self.submissions.items[(s.owner, s.submission_id)] = s
        self.cases = FakeCases(self.submissions)
        self.mailer = FakeMailer()
        self.filings = FakeFilings(self.submissions, catalogue, tenant)  # the JST's configuration as it is now

    def register(self, submission_id: str = "a" * 32, *, now: datetime = NOW, thin: bool = False,
                 sent_with: TenantConfig = PIASECZNO) -> logic.Outcome:
        s = self.submissions.items.get((OWNER, submission_id)) or submission(submission_id=submission_id)
        return logic.register(filings=self.filings, cases=self.cases, mailer=self.mailer,
                              message=message(s, tenant=sent_with, thin=thin), now=now)

    def stored(self, submission_id: str = "a" * 32) -> Submission:
        return self.submissions.items[(OWNER, submission_id)]


# --- the plan --------------------------------------------------------------------------------------------

def test_plan_takes_the_catalogue_department_jrwa_and_deadline() -> None:
    # Given a certificate request delivered on Monday 23 November 2026
    # When its registration is planned
    plan = logic.plan(filing(submission()))

    # Then it goes to the catalogue's department and JRWA class, and is due in 7 days (art. 217 §3 KPA)
    assert (plan.terc, plan.department, plan.department_name, plan.jrwa) == ("1418043", "FN", "Wydział Finansowy",
                                                                             "3120")
    assert plan.deadline_kind is DeadlineKind.SIEDEM_DNI
    assert (plan.started_on, plan.year, plan.due_date) == (date(2026, 11, 23), 2026, date(2026, 11, 30))


def test_plan_applies_the_jsts_department_and_jrwa_overrides() -> None:
    # Given a JST that handles general letters in its finance department under its own JRWA class
    tenant = samples.tenant(services=[{"id": LETTER, "department": "FN", "jrwa": "0150"}])

    # When a general letter's registration is planned
    plan = logic.plan(filing(submission(LETTER, tenant=tenant), tenant))

    # Then the JST's choices win over the catalogue's (OR, 0); the letter is handled without delay: no due date
    assert (plan.department, plan.department_name, plan.jrwa) == ("FN", "Wydział Finansowy", "0150")
    assert plan.deadline_kind is DeadlineKind.NIEZWLOCZNIE and plan.due_date is None


def test_plan_applies_the_jsts_deadline_override() -> None:
    # Given the sample JST, which gives tree removals 2 months instead of the catalogue's 1
    # When a tree removal delivered on 23 November 2026 is planned
    plan = logic.plan(filing(submission(TREES)))

    # Then it is due 2 months later; 23 January 2027 is a Saturday, so Monday the 25th (art. 57 §5 KPA)
    assert definition(TREES).deadline.kind is DeadlineKind.JEDEN_MIESIAC
    assert (plan.department, plan.jrwa) == ("OS", "6131")
    assert plan.deadline_kind is DeadlineKind.DWA_MIESIACE and plan.due_date == date(2027, 1, 25)


def test_a_submission_delivered_late_on_new_years_eve_utc_starts_on_new_years_day_in_warsaw() -> None:
    # Given a certificate request delivered at 23:30 UTC on 31 December 2026 (00:30 on 1 January in Warsaw)
    delivered = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)

    # When its registration is planned
    plan = logic.plan(filing(submission(delivered_at=delivered)))

    # Then the case starts on 1 January 2027, belongs to 2027 and is due 7 days later
    assert (plan.started_on, plan.year, plan.due_date) == (date(2027, 1, 1), 2027, date(2027, 1, 8))


def test_a_department_the_jst_does_not_have_blocks_registration() -> None:
    # Given the general letter, whose catalogue department (OR) the sample JST does not have
    # When its registration is planned
    with pytest.raises(RegistrationBlocked) as err:
        logic.plan(filing(submission(LETTER)))
    # Then it is blocked until the JST's configuration is fixed, naming the department
    assert "OR" in str(err.value) and "Urząd Miasta i Gminy Piaseczno" in str(err.value)


# --- registering -------------------------------------------------------------------------------------------

def test_register_gives_the_case_its_sign_once_and_tells_the_resident_once() -> None:
    # Given an accepted certificate request with an e-mail address
    inbox = Inbox(submission())

    # When it is registered
    first = inbox.register()

    # Then it gets the first number of its department, JRWA class and year, and the resident is told
    assert first == logic.Outcome(sign="FN.3120.1.2026", registered_now=True, notified_now=True)
    stored = inbox.stored()
    assert stored.status is SubmissionStatus.ZAREJESTROWANA and stored.case_sign == "FN.3120.1.2026"
    assert (stored.department, stored.due_date, stored.registered_at, stored.notified_at) == (
        "FN", "2026-11-30", NOW, NOW)
    assert [m.to for m in inbox.mailer.sent] == [EMAIL]

    # When the same message is delivered again
    again = inbox.register()

    # Then nothing is registered or sent again
    assert again == logic.Outcome(sign="FN.3120.1.2026", registered_now=False, notified_now=False)
    assert len(inbox.cases.cases) == 1 and len(inbox.mailer.sent) == 1


def test_register_without_an_email_registers_and_sends_nothing() -> None:
    inbox = Inbox(submission(email=None))
    outcome = inbox.register()
    assert outcome.registered_now and not outcome.notified_now
    assert inbox.mailer.sent == [] and inbox.stored().notified_at is None


def test_a_notice_ses_refused_is_sent_by_the_next_delivery_once() -> None:
    # Given a registration whose e-mail SES refuses
    inbox = Inbox(submission())
    inbox.mailer.fail = True
    with pytest.raises(MailRefused):
        inbox.register()
    # Then the case stands, and the notice is not marked as given
    assert inbox.stored().case_sign == "FN.3120.1.2026" and inbox.stored().notified_at is None

    # When the message comes again and SES takes it
    inbox.mailer.fail = False
    outcome = inbox.register()

    # Then the resident is told once, without a second registration; a further delivery sends nothing
    assert outcome == logic.Outcome(sign="FN.3120.1.2026", registered_now=False, notified_now=True)
    assert inbox.register().notified_now is False
    assert len(inbox.cases.cases) == 1 and len(inbox.mailer.sent) == 1 and inbox.stored().notified_at == NOW


def test_a_concurrent_delivery_that_registered_first_gives_its_sign() -> None:
    # Given a submission another delivery of the same message has just registered (and told the resident)
    inbox = Inbox(submission())
    inbox.cases.register(logic.plan(filing(submission())), filing(submission()), at=NOW, notify=True)

    # When this delivery registers it
    outcome = inbox.register()

    # Then the inbox refuses a second case, the sign is the one the other delivery gave, no second e-mail goes out
    assert outcome == logic.Outcome(sign="FN.3120.1.2026", registered_now=False, notified_now=False)
    assert len(inbox.cases.cases) == 1 and inbox.mailer.sent == []


def test_cases_of_one_department_class_and_year_are_numbered_consecutively() -> None:
    # Given three certificate requests, the last delivered in the Warsaw new year
    inbox = Inbox(submission(submission_id="a" * 32), submission(submission_id="b" * 32),
                  submission(submission_id="c" * 32, delivered_at=datetime(2026, 12, 31, 23, 30, tzinfo=UTC)))

    # When they are registered
    signs = [inbox.register(i * 32).sign for i in "abc"]

    # Then 2026 counts 1, 2 and 2027 starts again at 1
    assert signs == ["FN.3120.1.2026", "FN.3120.2.2026", "FN.3120.1.2027"]


def test_the_sweepers_message_is_registered_from_the_stored_submission_and_the_jsts_configuration() -> None:
    # Given an accepted tree removal, and the sweeper's message for it (ids only, from the outbox index)
    inbox = Inbox(submission(TREES))

    # When it is registered
    outcome = inbox.register(thin=True)

    # Then the facts are read, and the case is the same as from the intake's message
    assert outcome.sign == "OS.6131.1.2026" and inbox.filings.reads == 1
    assert inbox.cases.cases[0].record()["due_date"] == "2027-01-25"
    assert "Termin załatwienia sprawy: do 25.01.2027 r." in inbox.mailer.sent[0].text


def test_the_sweepers_message_is_mailed_under_the_request_that_filed_the_submission() -> None:
    # Given a submission filed by request "req-filed-1", whose message the sweeper sends again (ids only)
    s = submission(TREES)
    s = s.model_copy(update={"record": s.record.model_copy(update={"correlation_id": "req-filed-1"})})
    inbox = Inbox(s)
    set_correlation_id("sweep-run-7")

    # When it is registered
    inbox.register(thin=True)

    # Then the work, and so the e-mail's reference line, belongs to the filing request, not to the sweep
    assert correlation_id() == "req-filed-1"
    assert with_reference(inbox.mailer.sent[0].text, correlation_id()).endswith("Numer referencyjny: req-filed-1\n")


def test_the_intakes_message_is_registered_without_reading_the_submission_or_the_jst() -> None:
    # Given the message the intake sent, with the facts of the submission and the JST's settings at submission
    inbox = Inbox(submission())

    # When it is registered
    outcome = inbox.register()

    # Then nothing was read for it: the case and the notice come from the message
    assert outcome.registered_now and inbox.filings.reads == 0
    assert "Komórka prowadząca: Wydział Finansowy" in inbox.mailer.sent[0].text


def test_a_department_fixed_after_submission_is_taken_from_the_configuration_of_now() -> None:
    # Given a general letter accepted while the JST had no department for it (the catalogue's OR)
    fixed = samples.tenant(services=[{"id": LETTER, "department": "OS"}])
    inbox = Inbox(submission(LETTER), tenant=fixed)

    # When its message (settled with the old configuration) is registered after the administrator fixed it
    outcome = inbox.register(sent_with=PIASECZNO)

    # Then it goes to the department the configuration names now
    assert outcome.sign.startswith("OS.") and inbox.stored().department == "OS"


def test_register_is_blocked_for_a_version_missing_from_the_catalogue() -> None:
    inbox = Inbox(submission(), catalogue=FakeCatalogue([]))
    with pytest.raises(RegistrationBlocked):
        inbox.register(thin=True)
    assert inbox.cases.cases == [] and inbox.mailer.sent == []


def test_register_of_an_unknown_submission_is_an_error() -> None:
    with pytest.raises(LookupError):
        Inbox().register(thin=True)


# --- the notice ------------------------------------------------------------------------------------------

def test_the_notice_is_polish_and_names_the_sign_department_due_date_and_upp() -> None:
    # Given a registered certificate request
    inbox = Inbox(submission())
    inbox.register()

    # When the resident's e-mail is read
    mail = inbox.mailer.sent[0]

    # Then it says, in Polish, which case, who handles it, until when, and which receipt
    assert mail.to == EMAIL
    assert mail.subject == "Sprawa FN.3120.1.2026 – wniosek zarejestrowany"
    assert mail.text.startswith("Dzień dobry,")
    assert "Znak sprawy: FN.3120.1.2026" in mail.text
    assert "Komórka prowadząca: Wydział Finansowy" in mail.text
    assert "Termin załatwienia sprawy: do 30.11.2026 r. (7 dni" in mail.text
    assert f"Urzędowe poświadczenie przedłożenia (UPP): UPP-{'a' * 32}" in mail.text
    assert "złożony 23.11.2026 r. o godz. 11:00" in mail.text  # Warsaw time
    assert "Urząd Miasta i Gminy Piaseczno" in mail.text


def test_the_notice_of_a_case_without_a_calendar_deadline_says_without_delay() -> None:
    tenant = samples.tenant(services=[{"id": LETTER, "department": "OS"}])
    f = filing(submission(LETTER, tenant=tenant), tenant)
    mail = logic.notice("OS.0.7.2026", logic.plan(f), f, EMAIL)
    assert "Sprawa zostanie załatwiona niezwłocznie (art. 35 § 2 KPA)." in mail.text
    assert "Wydział Ochrony Środowiska" in mail.text


def test_format_sign() -> None:
    assert format_sign("FN", "3120", 15, 2026) == "FN.3120.15.2026"
    assert format_sign("OS", "6131", 1, 2027) == "OS.6131.1.2027"


def test_a_case_record_carries_the_plan() -> None:
    inbox = Inbox(submission(TREES))
    inbox.register()
    record = inbox.cases.cases[0].record()
    assert record["case_sign"] == "OS.6131.1.2026" and record["deadline"] == "2 miesiące"
    assert (record["started_on"], record["due_date"], record["deadline_kind"]) == ("2026-11-23", "2027-01-25",
                                                                                 "2-miesiace")

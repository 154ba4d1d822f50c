"""The party's e-mail on each change of their case whose state says "inform the party".

Pure, over ports. The path (worker-free, nothing dropped): the change that needs telling the party is written
together with its outbox marker (`CaseFiles.save(..., notify=True)`); the same request then sends the e-mails
and clears the marker, best effort. If SES fails or the function dies in between, the marker stays and the
cases' sweeper (`workers.case_notices_sweeper`, every 5 minutes) sends what is still due. The case counts the
history entries the party was told of (`notified`), so a notice is sent once, unless SES accepted it and the
function died before counting it (then at most one e-mail twice, never none).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Protocol

from chalicelib.core.observability import logger
from chalicelib.integrations.mail import Mail
from chalicelib.modules.cases.lifecycle import STATES, State
from chalicelib.modules.cases.models import StoredCase


class Mailer(Protocol):
    def send(self, mail: Mail) -> str: ...


GRACE = timedelta(minutes=3)  # the request's own sending goes first
RETRY = timedelta(minutes=15)


class NoticeStore(Protocol):
    def mark_notified(self, stored: StoredCase, upto: int) -> None: ...


class NoticeOutbox(NoticeStore, Protocol):
    def notices_due(self, now: datetime, *, limit: int = ...) -> list[StoredCase]: ...

    def postpone(self, stored: StoredCase, until: datetime) -> None: ...


def _day(iso: str) -> str:
    return f"{date.fromisoformat(iso[:10]):%d.%m.%Y}"


# What a history entry that is not a change of state tells the party (art. 36 KPA: see `overdue`).
EVENT_LABELS = {"overdue": "termin załatwienia sprawy upłynął",
                "deadline": "urząd wyznaczył nowy termin załatwienia sprawy",
                "file": "urząd udostępnił dokument w sprawie",
                "fee_paid": "opłata została zaksięgowana", "fee_expired": "opłata nie została uiszczona w terminie",
                "fee_refunded": "urząd zwrócił opłatę"}


def label_of(entry: dict[str, Any]) -> str:
    return EVENT_LABELS.get(entry.get("kind", ""), STATES[State(entry["to"])].label)


def mail_of(record: dict[str, Any], entry: dict[str, Any], to: str) -> Mail:
    if entry.get("kind") == "forwarded_in":
        return _received(record, entry, to)
    label = label_of(entry)
    what = label if entry.get("kind") in EVENT_LABELS else f"zmienił się stan: {label}"
    lines = ["Dzień dobry,", "", f"w Twojej sprawie {record['case_sign']} („{record['service_name']}”) "
             f"{what} ({_day(entry['at'])} r.).", "", entry["resident_text"]]
    subject = f"Sprawa {record['case_sign']} – {label}"
    if entry.get("kind") == "supplement":  # the party's own letter: say it was received, and when it counts from
        lines = ["Dzień dobry,", "", f"urząd otrzymał Twoje pismo uzupełniające w sprawie {record['case_sign']} "
                 f"(„{record['service_name']}”), doręczone {_day(entry['received_at'])} r.",
                 f"Urzędowe poświadczenie przedłożenia (UPP): {entry['receipt_id']}", "", entry["resident_text"]]
        subject = f"Sprawa {record['case_sign']} – otrzymano pismo uzupełniające"
    if entry.get("gaps"):
        lines += ["", "Do uzupełnienia:", *[f"– {gap}" for gap in entry["gaps"]],
                  f"Termin na uzupełnienie: do {_day(entry['term_until'])} r."]
    if entry.get("forwarded_to"):  # art. 65 § 1 KPA: to whom and why
        forwarded = entry["forwarded_to"]
        lines += ["", f"Organ, któremu przekazano sprawę: {forwarded['office']}.",
                  f"Powód przekazania: {forwarded['reason']}"]
        if not forwarded.get("on_paper"):
            lines += ["Organ ten zarejestruje sprawę pod własnym znakiem; otrzymasz od niego osobną wiadomość."]
    if entry.get("due_date"):
        basis = entry.get("basis", "art. 35 § 5 KPA")
        lines += ["", f"Termin załatwienia sprawy: do {_day(entry['due_date'])} r. ({basis})."]
    where = ("na platformie e-Urząd („Sprawdź sprawę”), podając znak sprawy i kod dostępu z potwierdzenia z urzędu"
             if record.get("channel") else "na platformie e-Urząd w „Moich sprawach”")  # a paper case has no account
    lines += ["", f"Szczegóły sprawy znajdziesz {where}.", "",
              "Wiadomość wysłana automatycznie; prosimy na nią nie odpowiadać."]
    return Mail(to=to, subject=subject, text="\n".join(lines))


def _received(record: dict[str, Any], entry: dict[str, Any], to: str) -> Mail:
    """The receiving JST's notice of a forwarded case: its sign, department, due date, the filing date kept."""
    came = record["forwarded_from"]
    due = (f"Termin załatwienia sprawy: do {_day(record['due_date'])} r. (liczony od dnia przekazania sprawy, "
           f"{record['deadline']})." if record.get("due_date") else "Sprawa zostanie załatwiona niezwłocznie.")
    lines = ["Dzień dobry,", "", f"{came['office']} przekazał(a) Twoją sprawę {came['case_sign']} („"
             f"{record['service_name']}”) do: {record['office_name']} (art. 65 § 1 KPA).", "", entry["resident_text"],
             "", f"Znak sprawy: {record['case_sign']}", f"Komórka prowadząca: {record['department_name']}", due,
             f"Data złożenia wniosku: {_day(record['filed_on'])} r. (zachowana, art. 65 § 2 KPA).", "",
             "Podawaj nowy znak sprawy w korespondencji z urzędem. Stan sprawy sprawdzisz na platformie e-Urząd.", "",
             "Wiadomość wysłana automatycznie; prosimy na nią nie odpowiadać."]
    return Mail(to=to, subject=f"Sprawa {record['case_sign']} – przekazana i zarejestrowana", text="\n".join(lines))


def due(stored: StoredCase) -> list[Mail]:
    """The e-mails the party is still owed: each entry past `notified` that informs the party."""
    if not stored.email:
        return []
    return [mail_of(stored.record, entry, stored.email) for entry in stored.life["history"][stored.notified:]
            if entry["inform_party"]]


def deliver(store: NoticeStore, mailer: Mailer, stored: StoredCase) -> int:
    """Send what the party is owed, then count it told; how many e-mails went out. SES errors propagate."""
    mails = due(stored)
    for mail in mails:
        mailer.send(mail)
    store.mark_notified(stored, len(stored.life["history"]))
    return len(mails)


def sweep(outbox: NoticeOutbox, mailer: Mailer, now: datetime) -> int:
    """Send every notice still owed since before the grace period; one that fails waits `RETRY`."""
    sent = 0
    for stored in outbox.notices_due(now - GRACE):
        try:
            sent += deliver(outbox, mailer, stored)
        except Exception:
            logger.exception("case notice failed again", extra={"case_id": stored.record.get("case_id")})
            outbox.postpone(stored, now + RETRY)
    return sent

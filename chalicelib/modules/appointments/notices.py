"""What the resident is sent about a booking: the e-mail's text and its iCalendar file (RFC 5545); pure.

The calendar file keeps one UID per booking, so a calendar program updates the same entry: METHOD:REQUEST with
a SEQUENCE that grows with every move, METHOD:CANCEL with STATUS:CANCELLED when the visit is cancelled. Times
carry TZID=Europe/Warsaw with its VTIMEZONE.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from chalicelib.core.clock import WARSAW
from chalicelib.integrations.mail import Attachment, Mail
from chalicelib.modules.appointments.models import Booking

Kind = Literal["potwierdzenie", "zmiana", "odwolanie", "przypomnienie"]
UID_DOMAIN = "e-wizyta.eurzad.pl"
SUBJECTS: dict[str, str] = {
    "potwierdzenie": "Potwierdzenie rezerwacji wizyty",
    "zmiana": "Zmiana terminu wizyty",
    "odwolanie": "Odwołanie wizyty",
    "przypomnienie": "Przypomnienie: jutro wizyta w urzędzie",
}


def uid(booking: Booking) -> str:
    return f"{booking.booking_id}@{UID_DOMAIN}"


def calendar_file(booking: Booking, *, now: datetime, organizer: str | None = None) -> bytes:
    """The booking as a calendar file: REQUEST while it stands, CANCEL once it is cancelled."""
    from icalendar import Calendar, Event, vCalAddress

    cancelled = booking.status == "odwolana"
    cal = Calendar()
    cal.add("prodid", "-//e-Urząd//e-wizyta//PL")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", uid(booking))
    event.add("dtstamp", now)
    event.add("dtstart", booking.start.astimezone(WARSAW))
    event.add("dtend", booking.end.astimezone(WARSAW))
    event.add("sequence", booking.sequence + (1 if cancelled else 0))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("summary", f"Wizyta w urzędzie: {booking.topic_name}")
    event.add("location", f"{booking.office_name}, {booking.counter_name}")
    event.add("description", f"Sprawa: {booking.topic_name}\nStanowisko: {booking.counter_name}\n"
                             f"Numer rezerwacji: {booking.booking_id}")
    if organizer:
        address = vCalAddress(f"mailto:{organizer}")
        address.params["cn"] = booking.office_name
        event.add("organizer", address)
    cal.add_component(event)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def filename(booking: Booking) -> str:
    return f"wizyta-{booking.start.astimezone(WARSAW):%Y%m%d-%H%M}.ics"


def mail(booking: Booking, kind: Kind, *, now: datetime, organizer: str | None = None) -> Mail | None:
    """The e-mail of `kind` about `booking`, with its calendar file; None when the resident gave no address."""
    if not booking.email:
        return None
    when = booking.start.astimezone(WARSAW)
    lines = {
        "potwierdzenie": "Twoja wizyta została zarezerwowana.",
        "zmiana": "Termin Twojej wizyty został zmieniony.",
        "odwolanie": "Twoja wizyta została odwołana; termin jest wolny dla innych.",
        "przypomnienie": "Przypominamy o jutrzejszej wizycie w urzędzie.",
    }
    text = (f"{lines[kind]}\n\n"
            f"Urząd: {booking.office_name}\n"
            f"Sprawa: {booking.topic_name}\n"
            f"Stanowisko: {booking.counter_name}\n"
            f"Termin: {when:%d.%m.%Y}, godz. {when:%H:%M}–{booking.end.astimezone(WARSAW):%H:%M}\n"
            f"Numer rezerwacji: {booking.booking_id}\n\n"
            + ("" if kind == "odwolanie" else "Wizytę odwołasz lub przełożysz na stronie e-wizyta.\n\n")
            + "W załączniku plik kalendarza (.ics).\n\n"
            "Wiadomość wygenerowana automatycznie — prosimy na nią nie odpowiadać.")
    method = "CANCEL" if booking.status == "odwolana" else "REQUEST"
    ics = Attachment(filename=filename(booking), content_type=f"text/calendar; method={method}; charset=UTF-8",
                     body=calendar_file(booking, now=now, organizer=organizer))
    return Mail(to=booking.email, subject=f"[e-Urząd] {SUBJECTS[kind]} — {when:%d.%m.%Y %H:%M}", text=text,
                attachments=(ics,))

"""e-wizyta's rules without AWS: the slots of a counter's day (opening hours, holidays, change of time), the booking
window and limits, the setting's checks, the calendar file and the e-mail."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from chalicelib.core.clock import WARSAW
from chalicelib.core.errors import ApiError
from chalicelib.model.appointments import AppointmentsSetting
from chalicelib.modules.appointments import logic, notices
from chalicelib.modules.appointments.models import Booking
from chalicelib.modules.cases.deadlines import is_public_holiday

WEEK = {d: [{"start": "08:00", "end": "10:00"}, {"start": "12:00", "end": "13:00"}]
        for d in ("mon", "tue", "wed", "thu", "fri")}


def setting(**overrides: Any) -> AppointmentsSetting:
    counter = {"id": "usc", "name": "USC, stanowisko 1", "department": "OR", "slot_minutes": 30, "capacity": 2,
               "topics": [{"id": "dowod-osobisty", "name": "Dowód osobisty"}], "hours": WEEK}
    counter.update(overrides.pop("counter", {}))
    return AppointmentsSetting.model_validate({"counters": [counter], **overrides})


def warsaw(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=WARSAW)


def slots(s: AppointmentsSetting, first: date, last: date | None = None, *, now: datetime | None = None,
          taken: dict[tuple[str, str], int] | None = None) -> list[logic.Slot]:
    return logic.free_slots(s, "dowod-osobisty", first=first, last=last or first,
                            now=now or warsaw("2026-11-30T07:00"), is_holiday=is_public_holiday, taken=taken or {})


def test_a_day_has_the_slots_of_each_opening_range() -> None:
    found = slots(setting(), date(2026, 12, 2))  # a Wednesday
    assert [s.key for s in found] == ["2026-12-02T08:00", "2026-12-02T08:30", "2026-12-02T09:00", "2026-12-02T09:30",
                                      "2026-12-02T12:00", "2026-12-02T12:30"]
    assert all(s.free == 2 and s.end - s.start == timedelta(minutes=30) for s in found)


def test_a_slot_that_would_run_past_closing_is_not_offered() -> None:
    found = slots(setting(counter={"slot_minutes": 45}), date(2026, 12, 2))
    assert [s.key[11:] for s in found] == ["08:00", "08:45", "12:00"]


def test_weekends_public_holidays_and_closed_days_have_no_slots() -> None:
    s = setting(closed_days=["2026-12-04"])
    assert slots(s, date(2026, 12, 5), date(2026, 12, 6)) == []  # Saturday, Sunday: no hours
    assert slots(s, date(2026, 12, 24)) == []  # Wigilia: a day off from 2025 (the KPA calendar)
    assert slots(s, date(2026, 12, 4)) == []  # the JST's own closed day
    assert slots(s, date(2026, 11, 11), now=warsaw("2026-11-09T07:00")) == []  # Independence Day


def test_taken_places_are_subtracted_and_full_slots_left_out() -> None:
    found = slots(setting(), date(2026, 12, 2), taken={("usc", "2026-12-02T08:00"): 2, ("usc", "2026-12-02T08:30"): 1})
    assert found[0].key == "2026-12-02T08:30" and found[0].free == 1


def test_slots_keep_their_wall_clock_time_across_the_change_of_time() -> None:
    s = setting(counter={"hours": {"mon": [{"start": "09:00", "end": "10:00"}],
                                   "sun": [{"start": "01:30", "end": "04:00"}]}})
    before, after = slots(s, date(2026, 3, 23), now=warsaw("2026-03-20T07:00")), slots(
        s, date(2026, 3, 30), now=warsaw("2026-03-20T07:00"))
    assert before[0].start.astimezone(UTC).hour == 8 and after[0].start.astimezone(UTC).hour == 7
    # On the night of the spring change 02:00-03:00 does not exist: no slot starts or ends in it.
    night = slots(s, date(2026, 3, 29), now=warsaw("2026-03-20T07:00"))
    assert [x.key[11:] for x in night] == ["03:00", "03:30"]
    assert all((x.end - x.start) == timedelta(minutes=30) for x in night)


def test_the_booking_window_hours_before_and_days_ahead() -> None:
    s = setting(book_until_hours=2, book_ahead_days=3)
    now = warsaw("2026-12-02T07:15")
    found = slots(s, date(2026, 12, 2), date(2026, 12, 10), now=now)
    assert found[0].key == "2026-12-02T09:30"  # 2 hours after 07:15
    assert max(x.start.date() for x in found) == date(2026, 12, 4)  # Friday; the 5th is three days ahead (Saturday)
    with pytest.raises(ApiError) as late:
        logic.bookable(s, topic="dowod-osobisty", counter_id="usc", start=warsaw("2026-12-02T09:00"), now=now,
                       is_holiday=is_public_holiday)
    assert late.value.status == 422 and late.value.details[0]["code"] == "too_late_to_book"
    with pytest.raises(ApiError) as far:
        logic.bookable(s, topic="dowod-osobisty", counter_id="usc", start=warsaw("2026-12-07T08:00"), now=now,
                       is_holiday=is_public_holiday)
    assert far.value.details[0]["code"] == "too_far_ahead"


@pytest.mark.parametrize(("start", "code"), [("2026-12-02T08:10", "slot_not_offered"),  # off the grid
                                             ("2026-12-02T10:00", "slot_not_offered"),  # closed between ranges
                                             ("2026-12-25T08:00", "slot_not_offered")])  # Christmas
def test_a_slot_off_the_grid_is_refused_on_its_field(start: str, code: str) -> None:
    with pytest.raises(ApiError) as refused:
        logic.bookable(setting(), topic="dowod-osobisty", counter_id="usc", start=warsaw(start),
                       now=warsaw("2026-11-30T07:00"), is_holiday=is_public_holiday)
    assert refused.value.details == [{"field": "start", "code": code, "message": refused.value.details[0]["message"]}]


def test_unknown_topic_counter_and_jst_without_booking() -> None:
    with pytest.raises(ApiError) as topic:
        logic.counters_of(setting(), "paszport")
    assert topic.value.code == "topic_not_found" and topic.value.status == 404
    with pytest.raises(ApiError) as counter:
        logic.bookable(setting(), topic="dowod-osobisty", counter_id="kasa", start=warsaw("2026-12-02T08:00"),
                       now=warsaw("2026-11-30T07:00"), is_holiday=is_public_holiday)
    assert counter.value.details[0]["field"] == "counter"


def test_cancelling_is_allowed_until_the_hours_before() -> None:
    s = setting(cancel_until_hours=24)
    logic.may_change(s, warsaw("2026-12-03T09:00"), warsaw("2026-12-02T09:00"))
    with pytest.raises(ApiError) as late:
        logic.may_change(s, warsaw("2026-12-03T09:00"), warsaw("2026-12-02T09:01"))
    assert late.value.code == "too_late_to_change" and late.value.status == 409


def test_slot_names_are_parsed_or_refused_on_the_field() -> None:
    assert logic.parse_slot("2026-12-02T08:30") == warsaw("2026-12-02T08:30")
    with pytest.raises(ApiError) as bad:
        logic.parse_slot("2026-12-02 8:30")
    assert bad.value.details[0] == {"field": "start", "code": "invalid_slot",
                                    "message": "Termin ma postać RRRR-MM-DDTGG:MM (czas warszawski)."}


def test_a_query_longer_than_a_month_or_reversed_is_refused() -> None:
    with pytest.raises(ApiError) as long:
        slots(setting(), date(2026, 12, 1), date(2027, 1, 5))
    assert long.value.details[0]["code"] == "range_too_long"
    with pytest.raises(ApiError) as reversed_:
        slots(setting(), date(2026, 12, 5), date(2026, 12, 1))
    assert reversed_.value.details[0]["code"] == "range_reversed"


@pytest.mark.parametrize(("change", "where"), [
    ({"counter": {"hours": {"mon": [{"start": "10:00", "end": "09:00"}]}}}, ("counters", 0, "hours", "mon", 0)),
    ({"counter": {"hours": {"mon": [{"start": "08:00", "end": "10:00"}, {"start": "09:00", "end": "11:00"}]}}},
     ("counters", 0)),
    ({"counter": {"capacity": 0}}, ("counters", 0, "capacity")),
    ({"counter": {"slot_minutes": 1}}, ("counters", 0, "slot_minutes")),
    ({"counter": {"topics": [{"id": "day", "name": "Zastrzeżone"}]}}, ("counters", 0, "topics", 0)),
    ({"book_ahead_days": 0}, ("book_ahead_days",)),
])
def test_the_setting_is_checked_with_field_paths(change: dict[str, Any], where: tuple[Any, ...]) -> None:
    with pytest.raises(ValidationError) as refused:
        setting(**change)
    assert any(e["loc"][:len(where)] == where for e in refused.value.errors())


def booking(**overrides: Any) -> Booking:
    data: dict[str, Any] = {
        "booking_id": "a" * 32, "terc": "1418043", "office_name": "Urząd Miasta i Gminy Piaseczno", "owner": "anna",
        "email": "anna@example.pl", "topic": "dowod-osobisty", "topic_name": "Dowód osobisty", "counter": "usc",
        "counter_name": "USC, stanowisko 1", "department": "OR", "start": warsaw("2026-12-02T08:30"),
        "end": warsaw("2026-12-02T09:00"), "request": "x", "created_at": datetime(2026, 11, 30, tzinfo=UTC)}
    return Booking.model_validate({**data, **overrides})


def test_the_calendar_file_is_a_request_in_warsaw_time_with_a_stable_uid() -> None:
    from icalendar import Calendar

    now = datetime(2026, 11, 30, 8, tzinfo=UTC)
    cal = Calendar.from_ical(notices.calendar_file(booking(), now=now, organizer="urzad@piaseczno.demo.eurzad.pl"))
    assert cal["METHOD"] == "REQUEST"
    event = cal.walk("VEVENT")[0]
    assert str(event["UID"]) == f"{'a' * 32}@e-wizyta.eurzad.pl"
    assert event["DTSTART"].params["TZID"] == "Europe/Warsaw" and event["DTSTART"].dt == warsaw("2026-12-02T08:30")
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=1)
    assert cal.walk("VTIMEZONE")[0]["TZID"] == "Europe/Warsaw"
    moved = Calendar.from_ical(notices.calendar_file(booking(sequence=1, start=warsaw("2026-12-03T09:00"),
                                                             end=warsaw("2026-12-03T09:30")), now=now))
    assert str(moved.walk("VEVENT")[0]["UID"]) == str(event["UID"]) and moved.walk("VEVENT")[0]["SEQUENCE"] == 1


def test_a_cancelled_booking_gives_a_cancel_file_for_the_same_event() -> None:
    from icalendar import Calendar

    cal = Calendar.from_ical(notices.calendar_file(booking(status="odwolana", sequence=1),
                                                   now=datetime(2026, 11, 30, tzinfo=UTC)))
    event = cal.walk("VEVENT")[0]
    assert cal["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == 2
    assert str(event["UID"]).startswith("a" * 32)


def test_the_mail_carries_the_calendar_file_and_none_goes_without_an_address() -> None:
    mail = notices.mail(booking(), "potwierdzenie", now=datetime(2026, 11, 30, tzinfo=UTC))
    assert mail is not None and mail.to == "anna@example.pl"
    assert "02.12.2026, godz. 08:30–09:00" in mail.text and "Dowód osobisty" in mail.text
    (ics,) = mail.attachments
    assert ics.filename == "wizyta-20261202-0830.ics" and ics.content_type.startswith("text/calendar; method=REQUEST")
    assert b"BEGIN:VCALENDAR" in ics.body
    assert notices.mail(booking(email=None), "potwierdzenie", now=datetime(2026, 11, 30, tzinfo=UTC)) is None


def test_the_reminder_goes_out_the_day_before_in_warsaw() -> None:
    assert logic.reminder_day(warsaw("2026-12-02T08:30")) == date(2026, 12, 1)
    assert logic.reminder_day(datetime(2026, 12, 1, 23, 30, tzinfo=UTC)) == date(2026, 12, 1)  # 00:30 on the 2nd


def test_the_booking_id_follows_the_owner_and_the_key() -> None:
    assert logic.booking_id("anna", "klucz-0001") == logic.booking_id("anna", "klucz-0001")
    assert logic.booking_id("anna", "klucz-0001") != logic.booking_id("jan", "klucz-0001")
    assert len(logic.booking_id("anna", "klucz-0001")) == 32


def test_a_slot_or_day_far_outside_the_century_is_refused_on_its_field_not_overflowed() -> None:
    from chalicelib.modules.appointments.models import DayQuery, SlotsQuery

    with pytest.raises(ApiError) as far:
        logic.parse_slot("9999-12-31T23:45")
    assert far.value.details[0]["field"] == "start"
    for model, field in ((SlotsQuery, "from"), (SlotsQuery, "to"), (DayQuery, "date")):
        with pytest.raises(ValidationError) as refused:
            model.model_validate({field: "9999-12-31", **({"date": "2026-12-01"} if field != "date" and
                                                           model is DayQuery else {})})
        assert refused.value.errors()[0]["loc"] == (field,)


def test_a_month_of_short_slots_answers_the_earliest_500() -> None:
    s = setting(counter={"slot_minutes": 5, "hours": {d: [{"start": "00:00", "end": "23:55"}] for d in WEEK}},
                book_ahead_days=40)
    found = slots(s, date(2026, 12, 1), date(2026, 12, 30))
    assert len(found) == logic.MAX_SLOTS and found[0].key == "2026-12-01T00:00"

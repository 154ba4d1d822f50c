"""e-wizyta against the emulator, through the API: the booking race (50 residents for 3 places), cancelling frees
the place, moving, one booking of a topic per day, the e-mails with their calendar file, the reminder with the
clock moved (exactly one), the clerk's day and attendance, isolation between JSTs, and the setting changed by the
administrator taking effect on the next request."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import pytest

from chalicelib.core.clock import WARSAW, FixedClock, SystemClock, set_clock
from tests.conftest import auth
from tests.emulator import emails_about
from tests.queues import deliver

A, B = "1418043", "1418032"  # Piaseczno offers booking; Lesznowola does not
MONDAY = datetime(2027, 3, 1, 7, 0, tzinfo=WARSAW)
ADMIN = auth("tenant-admin", A)
WEEK = {d: [{"start": "08:00", "end": "12:00"}] for d in ("mon", "tue", "wed", "thu", "fri")}
pytestmark = pytest.mark.usefixtures("restore_region")


@pytest.fixture(autouse=True)
def monday() -> Iterator[FixedClock]:
    clock = FixedClock(MONDAY)
    set_clock(clock)
    yield clock
    set_clock(SystemClock())


def enable(api: Any, *, capacity: int = 3, department: str = "OR", **extra: Any) -> str:
    """Piaseczno's booking with one new counter (its own slots, untouched by other tests); its id."""
    counter = f"test-{uuid.uuid4().hex[:8]}"
    setting = {"counters": [{"id": counter, "name": "Stanowisko testowe", "department": department,
                             "slot_minutes": 30, "capacity": capacity, "hours": WEEK,
                             "topics": [{"id": "dowod-osobisty", "name": "Dowód osobisty"},
                                        {"id": "meldunek", "name": "Zameldowanie"}]}],
               "book_until_hours": 1, "cancel_until_hours": 2, **extra}
    resp = put_setting(api, setting)
    assert resp.status_code == 200, resp.body
    return counter


def put_setting(api: Any, setting: Any) -> Any:
    return api.http.put(f"/v1/tenants/{A}/appointments", headers={**ADMIN, "Content-Type": "application/json"},
                        body=json.dumps({"appointments": setting}))


def resident(name: str | None = None) -> dict[str, str]:
    return auth("resident", subject=name or f"mieszkaniec-{uuid.uuid4().hex[:10]}", given_name="Anna",
                family_name="Nowak")


def book(api: Any, who: dict[str, str], counter: str, start: str, *, topic: str = "dowod-osobisty",
         key: str | None = None, email: str | None = None) -> Any:
    body = {"terc": A, "topic": topic, "counter": counter, "start": start, **({"email": email} if email else {})}
    return api.http.post("/v1/me/appointments", body=json.dumps(body), headers={
        **who, "Content-Type": "application/json", "Idempotency-Key": key or uuid.uuid4().hex})


def body(resp: Any) -> Any:
    return json.loads(resp.body)


def free(api: Any, counter: str, day: str) -> dict[str, int]:
    resp = api.http.get(f"/v1/tenants/{A}/appointments/dowod-osobisty/slots?from={day}&to={day}")
    assert resp.status_code == 200, resp.body
    return {s["start"]: s["free"] for s in body(resp)["items"] if s["counter"] == counter}


def test_fifty_residents_racing_for_three_places_get_exactly_three(api: Any) -> None:
    counter = enable(api, capacity=3)
    people = [resident() for _ in range(50)]
    with ThreadPoolExecutor(max_workers=25) as pool:
        answers = list(pool.map(lambda who: book(api, who, counter, "2027-03-02T09:00"), people))
    statuses = [a.status_code for a in answers]
    assert statuses.count(201) == 3, [body(a) for a in answers if a.status_code not in (201, 409)]
    assert {body(a)["error"]["code"] for a in answers if a.status_code != 201} == {"slot_full"}
    assert "2027-03-02T09:00" not in free(api, counter, "2027-03-02")  # full: no longer offered
    assert free(api, counter, "2027-03-02")["2027-03-02T09:30"] == 3


def test_cancelling_frees_the_place_and_each_change_is_mailed_with_its_calendar_file(api: Any) -> None:
    counter = enable(api, capacity=1)
    anna, jan = resident(), resident()
    first = book(api, anna, counter, "2027-03-03T10:00", email="anna@example.pl")
    assert first.status_code == 201 and body(first)["status"] == "zarezerwowana"
    booking_id = body(first)["booking_id"]
    refused = book(api, jan, counter, "2027-03-03T10:00")
    assert refused.status_code == 409 and body(refused)["error"]["code"] == "slot_full"
    deliver(api, "appointment-notices", "appointment_notices")

    cancelled = api.http.delete(f"/v1/me/appointments/{booking_id}", headers=anna)
    assert cancelled.status_code == 200 and body(cancelled)["status"] == "odwolana"
    assert free(api, counter, "2027-03-03")["2027-03-03T10:00"] == 1
    assert book(api, jan, counter, "2027-03-03T10:00").status_code == 201
    again = api.http.delete(f"/v1/me/appointments/{booking_id}", headers=anna)
    assert again.status_code == 409 and body(again)["error"]["code"] == "booking_not_active"

    deliver(api, "appointment-notices", "appointment_notices")
    mails = emails_about(booking_id)
    assert sorted(m["Subject"].split(" — ")[0] for m in mails) == [
        "[e-Urząd] Odwołanie wizyty", "[e-Urząd] Potwierdzenie rezerwacji wizyty"]
    assert all(m["To"] == ["anna@example.pl"] for m in mails)
    ics = api.http.get(f"/v1/me/appointments/{booking_id}/calendar", headers=anna)
    assert ics.status_code == 200 and "METHOD:CANCEL" in body(ics)["ics"] and "STATUS:CANCELLED" in body(ics)["ics"]


def test_moving_takes_the_new_place_and_gives_back_the_old_in_one_change(api: Any) -> None:
    counter = enable(api, capacity=1)
    anna, jan = resident(), resident()
    booking_id = body(book(api, anna, counter, "2027-03-04T08:00"))["booking_id"]
    assert book(api, jan, counter, "2027-03-04T08:30").status_code == 201
    full = api.http.post(f"/v1/me/appointments/{booking_id}/move", headers={**anna, "Content-Type": "application/json"},
                         body=json.dumps({"counter": counter, "start": "2027-03-04T08:30"}))
    assert full.status_code == 409 and body(full)["error"]["code"] == "slot_full"
    assert "2027-03-04T08:00" not in free(api, counter, "2027-03-04")  # nothing changed by the refusal

    moved = api.http.post(f"/v1/me/appointments/{booking_id}/move",
                          headers={**anna, "Content-Type": "application/json"},
                          body=json.dumps({"counter": counter, "start": "2027-03-05T11:00"}))
    assert moved.status_code == 200, moved.body
    assert body(moved)["start"].startswith("2027-03-05T11:00")
    assert free(api, counter, "2027-03-04")["2027-03-04T08:00"] == 1
    assert "2027-03-05T11:00" not in free(api, counter, "2027-03-05")
    ics = body(api.http.get(f"/v1/me/appointments/{booking_id}/calendar", headers=anna))["ics"]
    assert "DTSTART;TZID=Europe/Warsaw:20270305T110000" in ics and "SEQUENCE:1" in ics and "METHOD:REQUEST" in ics
    assert f"UID:{booking_id}@" in ics.replace("\r\n ", "")


def test_one_booking_of_a_topic_per_person_and_day(api: Any) -> None:
    counter = enable(api, capacity=3)
    anna = resident()
    key = uuid.uuid4().hex
    first = book(api, anna, counter, "2027-03-02T08:00", key=key)
    assert first.status_code == 201
    second = book(api, anna, counter, "2027-03-02T11:00")
    assert second.status_code == 409 and body(second)["error"]["code"] == "already_booked_that_day"
    assert book(api, anna, counter, "2027-03-02T11:00", topic="meldunek").status_code == 201  # another topic
    assert book(api, anna, counter, "2027-03-03T11:00").status_code == 201  # another day
    replay = book(api, anna, counter, "2027-03-02T08:00", key=key)  # the same request again: the same booking
    assert replay.status_code == 201 and body(replay)["booking_id"] == body(first)["booking_id"]
    assert replay.headers.get("Idempotent-Replayed") == "true"
    reused = book(api, anna, counter, "2027-03-04T08:00", key=key)
    assert reused.status_code == 409 and body(reused)["error"]["code"] == "idempotency_key_reused"
    assert free(api, counter, "2027-03-02")["2027-03-02T08:00"] == 2  # one place taken, not two
    mine = body(api.http.get("/v1/me/appointments", headers=anna))
    assert mine["count"] == 3


def run_reminders(api: Any) -> Any:
    return api.lambda_.invoke("appointment_reminders", api.events.generate_cw_event(
        source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))


def test_the_reminder_goes_out_once_the_day_before(api: Any, monday: FixedClock) -> None:
    counter = enable(api)
    anna = resident()
    booking_id = body(book(api, anna, counter, "2027-03-03T09:00", email="anna@example.pl"))["booking_id"]
    run_reminders(api)  # Monday: two days before, nothing yet
    assert not [m for m in emails_about(booking_id) if "Przypomnienie" in m["Subject"]]
    monday.advance(days=1, hours=3)  # Tuesday 10:00
    run_reminders(api)
    run_reminders(api)
    reminders = [m for m in emails_about(booking_id) if "Przypomnienie" in m["Subject"]]
    assert len(reminders) == 1 and "03.03.2027, godz. 09:00" in reminders[0]["BodyText"]


def test_the_clerk_sees_the_counters_day_and_marks_who_came(api: Any, monday: FixedClock) -> None:
    counter = enable(api, department="OR")
    anna = resident()
    booking_id = body(book(api, anna, counter, "2027-03-02T09:30"))["booking_id"]
    clerk = auth("clerk", A, department="OR")
    day = api.http.get(f"/v1/tenants/{A}/appointments/day?date=2027-03-02&counter={counter}", headers=clerk)
    assert day.status_code == 200, day.body
    assert [(e["booking_id"], e["name"]) for e in body(day)["items"]] == [(booking_id, "Anna Nowak")]
    other = api.http.get(f"/v1/tenants/{A}/appointments/day?date=2027-03-02&counter={counter}",
                         headers=auth("clerk", A, department="FN"))
    assert other.status_code == 403 and body(other)["error"]["code"] == "department_forbidden"
    path = f"/v1/tenants/{A}/appointments/bookings/{booking_id}/attendance"
    early = api.http.post(path, headers={**clerk, "Content-Type": "application/json"}, body='{"came": true}')
    assert early.status_code == 422 and body(early)["error"]["code"] == "visit_not_yet"
    monday.advance(days=1, hours=2)
    came = api.http.post(path, headers={**clerk, "Content-Type": "application/json"}, body='{"came": true}')
    assert came.status_code == 200 and body(came)["attendance"] == "przyszedl"
    assert body(api.http.get("/v1/me/appointments", headers=anna))["items"][0]["attendance"] == "przyszedl"


def test_another_jst_and_its_people_see_nothing_of_it(api: Any) -> None:
    counter = enable(api)
    anna = resident()
    booking_id = body(book(api, anna, counter, "2027-03-02T10:00"))["booking_id"]
    offer = api.http.get(f"/v1/tenants/{B}/appointments")
    assert offer.status_code == 404 and body(offer)["error"]["code"] == "appointments_not_offered"
    assert body(api.http.get(f"/v1/tenants/{B}/appointments/dowod-osobisty/slots"))["error"]["code"] == \
        "appointments_not_offered"
    b_clerk = auth("clerk", B)
    assert api.http.get(f"/v1/tenants/{A}/appointments/day?date=2027-03-02", headers=b_clerk).status_code == 403
    own_day = api.http.get(f"/v1/tenants/{B}/appointments/day?date=2027-03-02", headers=b_clerk)
    assert own_day.status_code == 404 and body(own_day)["error"]["code"] == "appointments_not_offered"
    mark = api.http.post(f"/v1/tenants/{B}/appointments/bookings/{booking_id}/attendance",
                         headers={**b_clerk, "Content-Type": "application/json"}, body='{"came": false}')
    assert mark.status_code == 404
    jan = resident()
    assert body(api.http.get("/v1/me/appointments", headers=jan))["items"] == []
    assert api.http.delete(f"/v1/me/appointments/{booking_id}", headers=jan).status_code == 404
    assert api.http.get(f"/v1/me/appointments/{booking_id}/calendar", headers=jan).status_code == 404
    in_b = api.http.post("/v1/me/appointments", headers={**jan, "Content-Type": "application/json",
                                                         "Idempotency-Key": uuid.uuid4().hex},
                         body=json.dumps({"terc": B, "topic": "dowod-osobisty", "counter": counter,
                                          "start": "2027-03-02T10:30"}))
    assert in_b.status_code == 404 and body(in_b)["error"]["code"] == "appointments_not_offered"


def test_the_administrators_change_takes_effect_on_the_next_request(api: Any) -> None:
    counter = enable(api, capacity=2)
    offered = body(api.http.get(f"/v1/tenants/{A}/appointments"))
    assert [c["id"] for c in offered["counters"]] == [counter] and offered["counters"][0]["capacity"] == 2
    bad = put_setting(api, {"counters": [{"id": "x", "name": "Stanowisko", "department": "ZZ", "slot_minutes": 30,
                                          "capacity": 1, "hours": {"mon": [{"start": "12:00", "end": "08:00"}]},
                                          "topics": [{"id": "t1", "name": "Sprawa", "service": "nie-ma-takiej"}]}]})
    assert bad.status_code == 422
    assert {d["field"] for d in body(bad)["error"]["details"]} == {"appointments.counters[0].hours.mon[0]"}
    unknown = put_setting(api, {"counters": [{"id": "x", "name": "Stanowisko", "department": "ZZ", "slot_minutes": 30,
                                              "capacity": 1, "hours": WEEK,
                                              "topics": [{"id": "t1", "name": "Sprawa", "service": "nie-ma-takiej"}]}]})
    assert unknown.status_code == 422
    assert {(d["field"], d["code"]) for d in body(unknown)["error"]["details"]} == {
        ("appointments.counters[0].department", "unknown_department"),
        ("appointments.counters[0].topics[0].service", "unknown_service")}
    assert put_setting(api, None).status_code == 200
    gone = api.http.get(f"/v1/tenants/{A}/appointments")
    assert gone.status_code == 404 and body(gone)["error"]["code"] == "appointments_not_offered"
    refused = api.http.put(f"/v1/tenants/{A}/appointments", headers={**auth("clerk", A), "Content-Type":
                                                                     "application/json"}, body='{"appointments": null}')
    assert refused.status_code == 403


class QueueDown:
    def publish(self, key: str, message: Any) -> str:
        raise ConnectionError(f"SQS unreachable ({key})")


def test_a_booking_made_while_the_queue_is_down_is_confirmed_by_the_sweeper(
    api: Any, monday: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.events import publishing

    counter = enable(api)
    monkeypatch.setattr(publishing, "_shared", QueueDown)
    made = book(api, resident(), counter, "2027-03-04T09:00", email="anna@example.pl")
    monkeypatch.undo()
    assert made.status_code == 201  # booked all the same: the notice waits in the booking's outbox
    booking_id = body(made)["booking_id"]
    deliver(api, "appointment-notices", "appointment_notices")
    assert emails_about(booking_id) == []
    monday.advance(minutes=5)
    sweep = api.events.generate_cw_event(source="aws.events", detail_type="Scheduled Event", detail={}, resources=[])
    api.lambda_.invoke("appointment_notices_sweeper", sweep)
    deliver(api, "appointment-notices", "appointment_notices")
    api.lambda_.invoke("appointment_notices_sweeper", sweep)  # nothing left to send
    deliver(api, "appointment-notices", "appointment_notices")
    mails = emails_about(booking_id)
    assert len(mails) == 1 and mails[0]["Subject"].startswith("[e-Urząd] Potwierdzenie rezerwacji wizyty")

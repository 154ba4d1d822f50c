"""The delivery's rules without AWS: the legal clocks on the Warsaw calendar (D+15 across the change of time, the
appeal term off a Saturday or a holiday), a box that reports a deemed delivery early, a public body delivered on
arrival, the day-7 reminder once, the channel chosen from the ADE."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from chalicelib.core.errors import Unprocessable
from chalicelib.integrations.edelivery import Evidence, MessageStatus, StatusReport
from chalicelib.modules.cases import next_working_day
from chalicelib.modules.delivery import clocks, logic
from chalicelib.modules.delivery.records import Ports, Stored

WARSAW = ZoneInfo("Europe/Warsaw")
OFFICE = "AE:PL-14180-43000-DEMOA-01"
PARTY = "AE:PL-44051-40135-KOWAL-01"


def warsaw(*args: int) -> datetime:
    return datetime(*args, tzinfo=WARSAW)  # type: ignore[misc]


def test_deemed_delivery_is_d15_from_the_warsaw_day_of_arrival_even_across_the_change_of_time() -> None:
    arrived = datetime(2031, 3, 20, 23, 30, tzinfo=UTC)  # 00:30 on 21 March in Warsaw: day D is the 21st
    assert clocks.deemed_day(arrived) == date(2031, 4, 5)
    assert clocks.deemed_at(arrived) == warsaw(2031, 4, 5, 0, 0)  # summer time by then: 22:00 UTC the day before
    assert clocks.deemed_at(arrived).astimezone(UTC) == datetime(2031, 4, 4, 22, 0, tzinfo=UTC)
    assert clocks.reminder_at(arrived) == warsaw(2031, 3, 28, 8, 0)
    # a deemed delivery the box dates earlier is still D+15
    assert clocks.delivered_day(arrived, warsaw(2031, 4, 1, 9, 0), deemed=True) == date(2031, 4, 5)


@pytest.mark.parametrize(("delivered", "last_day"), [
    (date(2031, 3, 6), date(2031, 3, 20)),  # Thursday + 14 = Thursday
    (date(2031, 3, 15), date(2031, 3, 31)),  # + 14 = Saturday 29th -> Monday 31st (art. 57 § 4)
    (date(2031, 4, 17), date(2031, 5, 2)),  # + 14 = 1 May, a holiday -> Friday 2nd
])
def test_the_appeal_term_is_14_days_without_the_day_of_delivery_moved_off_a_day_off(
        delivered: date, last_day: date) -> None:
    assert clocks.appeal_until(delivered, next_working_day) == last_day
    assert clocks.final_on(last_day) == date.fromordinal(last_day.toordinal() + 1)


class Box:
    def __init__(self, report: StatusReport, evidences: list[Evidence] | None = None) -> None:
        self.report, self.given = report, evidences or []

    def status(self, sender: str, box_message_id: str) -> StatusReport:
        return self.report

    def evidences(self, sender: str, box_message_id: str) -> list[Evidence]:
        return self.given


class Store:
    def __init__(self, record: dict[str, Any]) -> None:
        self.stored = Stored(record, 1)

    def get(self, terc: str, case_id: str, delivery_id: str) -> Stored | None:
        return Stored(dict(self.stored.record), self.stored.version)

    def save(self, stored: Stored) -> bool:
        if stored.version != self.stored.version:
            return False
        self.stored = Stored(stored.record, stored.version + 1)
        return True


def record(**changes: Any) -> dict[str, Any]:
    return {"delivery_id": "d" * 32, "terc": "1418043", "case_id": "c" * 32, "case_sign": "FN.3120.1.2031",
            "letter_id": "l" * 32, "letter_kind": "decyzja", "title": "Decyzja", "channel": "e-doreczenie",
            "recipient": {"name": "Jan Kowalski", "ade": PARTY, "public_body": False, "address": []},
            "sender": {"ade": OFFICE, "name": "Urząd"}, "status": "czeka_na_odbior", "box_message_id": "m1",
            "sent_at": "2031-03-03T08:00:00Z", "arrived_at": "2031-03-03T08:00:00Z", "evidences": [], "events": [],
            **changes}


def ports(store: Store, box: Box, mails: list[tuple[str, str, str]], logs: list[str]) -> Ports:
    return Ports(store=store, box=lambda: box, files=None,  # type: ignore[arg-type]
                 case_log=lambda terc, case_id, entries, at: logs.extend(reason for reason, _ in entries),
                 working_day=next_working_day, party_email=lambda terc, case_id: "jan@example.com",
                 mail=lambda to, subject, text: mails.append((to, subject, text)), queue_send=lambda key: None,
                 seal=lambda xml, at: xml)


def report(status: MessageStatus, delivered_at: datetime | None = None) -> StatusReport:
    arrived = datetime(2031, 3, 3, 8, 0, tzinfo=UTC)
    return StatusReport(box_message_id="m1", status=status, sent_at=arrived, arrived_at=arrived,
                        delivered_at=delivered_at)


def test_a_deemed_delivery_the_box_reports_before_d15_is_not_recorded_until_d15() -> None:
    store, mails, logs = Store(record()), [], []
    early = Box(report(MessageStatus.DEEMED_DELIVERED, warsaw(2031, 3, 17, 0, 0)))
    after = logic.refresh(ports(store, early, mails, logs), ("1418043", "c" * 32, "d" * 32), warsaw(2031, 3, 17, 12))
    assert after is not None and after["status"] == "czeka_na_odbior"
    after = logic.refresh(ports(store, early, mails, logs), ("1418043", "c" * 32, "d" * 32), warsaw(2031, 3, 18, 0))
    assert after is not None
    assert (after["status"], after["delivered_on"], after["appeal_until"]) == ("doreczona_z_mocy_prawa",
                                                                                "2031-03-18", "2031-04-01")


def test_our_own_clock_deems_it_delivered_on_d15_when_the_box_is_late_and_reminds_once_on_day_7() -> None:
    store, mails, logs = Store(record()), [], []
    waiting = Box(report(MessageStatus.AWAITING))
    key = ("1418043", "c" * 32, "d" * 32)
    for at in (warsaw(2031, 3, 10, 7, 59), warsaw(2031, 3, 10, 8, 0), warsaw(2031, 3, 11, 8, 0)):
        logic.refresh(ports(store, waiting, mails, logs), key, at)
    assert len(mails) == 1 and "18.03.2031" in mails[0][2]
    done = logic.refresh(ports(store, waiting, mails, logs), key, warsaw(2031, 3, 18, 0, 0))
    assert done is not None and (done["status"], done["delivered_on"]) == ("doreczona_z_mocy_prawa", "2031-03-18")
    assert any("uznane za doręczone" in line for line in logs)


def test_a_public_body_is_delivered_when_the_letter_lands_in_its_box() -> None:
    store = Store(record(letter_kind="pismo", recipient={"name": "Gmina", "ade": PARTY, "public_body": True,
                                                          "address": []}, status="wyslana"))
    done = logic.refresh(ports(store, Box(report(MessageStatus.AWAITING)), [], []), ("1418043", "c" * 32, "d" * 32),
                         warsaw(2031, 3, 3, 9, 5))
    assert done is not None and (done["status"], done["delivered_on"]) == ("doreczona", "2031-03-03")
    assert "appeal_until" not in done  # a letter: no appeal term


def test_the_channel_follows_the_ade_and_paper_needs_an_address() -> None:
    case = {"applicant": "Jan Kowalski", "applicant_data": {"address": {"street": "ul. Polna", "building": "1",
                                                                        "postal_code": "05-500", "city": "Piaseczno"}}}
    auto = logic.Request(channel="auto", ade=None, public_body=False, address=())
    assert logic.plan(auto, case, set())["channel"] == "papier"
    assert logic.plan(auto, case, set())["recipient"]["address"] == ["ul. Polna 1", "05-500 Piaseczno"]
    given = logic.Request(channel="auto", ade=OFFICE, public_body=False, address=())
    assert logic.plan(given, case, {OFFICE})["channel"] == "organ-publiczny"
    assert logic.plan(given, case, set())["channel"] == "e-doreczenie"
    with pytest.raises(Unprocessable):
        logic.plan(logic.Request(channel="e-doreczenie", ade=None, public_body=False, address=()), case, set())
    with pytest.raises(Unprocessable):
        logic.plan(auto, {"applicant": "X"}, set())


class _Request:
    def __init__(self, context: dict[str, str], host: str = "") -> None:
        self.context, self.headers = context, {"host": host}

    def to_original_event(self) -> dict[str, str]:  # API Gateway's path without the stage
        path = self.context["path"]
        return {"path": path[path.index("/v1/"):]}


def test_the_callback_url_is_the_apis_own_in_aws_and_in_the_local_emulator(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.core.http import public_base_url
    from chalicelib.core.settings import get_settings

    get_settings.cache_clear()
    monkeypatch.delenv("EURZAD_PUBLIC_API_URL", raising=False)
    aws = _Request({"domainName": "abc.execute-api.eu-central-1.amazonaws.com", "path": "/api/v1/tenants/1/x",
                    "stage": "api", "apiId": "abc"})
    assert public_base_url(aws) == "https://abc.execute-api.eu-central-1.amazonaws.com/api"
    local = _Request({"path": "/e2e/v1/tenants/1/x", "stage": "e2e", "apiId": "q1w2"}, host="127.0.0.1:4676")
    assert public_base_url(local) == "http://127.0.0.1:4676/restapis/q1w2/e2e/_user_request_"
    assert public_base_url(_Request({"path": "/e2e/v1/x", "stage": "e2e", "apiId": "q"}, host="evil.example")) is None
    monkeypatch.setenv("EURZAD_PUBLIC_API_URL", "https://api.eurzad.example/v/")
    get_settings.cache_clear()
    assert public_base_url(local) == "https://api.eurzad.example/v"
    get_settings.cache_clear()


def test_a_box_that_is_not_configured_fails_the_send_at_once_for_the_clerk_to_see(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.core.settings import get_settings
    from chalicelib.modules.delivery import wiring

    monkeypatch.delenv("EURZAD_EDELIVERY_URL", raising=False)
    get_settings.cache_clear()
    wiring.box.cache_clear()

    class Files:
        def letter_documents(self, terc: str, case_id: str, file_ids: list[str]) -> list[bytes]:
            return [b"<xml/>", b"%PDF-"]

    store, logs = Store(record(status="do_wyslania", box_message_id=None, attempts=0, files=["x", "p"])), []
    given = ports(store, Box(report(MessageStatus.AWAITING)), [], logs)
    done = logic.send(Ports(**{**given.__dict__, "box": wiring.box, "files": Files()}),
                      ("1418043", "c" * 32, "d" * 32), warsaw(2031, 3, 3, 9))
    assert done is not None and (done["status"], done["attempts"]) == ("nieudana", 1)
    assert "nie jest skonfigurowana" in logs[0]
    get_settings.cache_clear()
    wiring.box.cache_clear()

"""Overdue cases (art. 36-37 KPA) without AWS: the daily sweep's decisions over a hand-made table of cases, its
notice to the party given once per due date, the new date a clerk names, and the inbox's overdue rows."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from chalicelib.core.errors import Conflict, Forbidden, Unprocessable
from chalicelib.modules.cases import einformacja, handling, logic, overdue
from chalicelib.modules.cases.lifecycle import Actor, Move, new_life, transition
from chalicelib.modules.cases.models import StoredCase
from tests import samples
from tests.unit.test_case_handling import FakeMailer

TERC = "1418043"
DUE = "2026-03-09"  # Monday
SWEEP = datetime(2026, 3, 11, 3, 30, tzinfo=UTC)  # Wednesday morning: two days past due
CLERK = Actor(subject="clerk-1", name="Anna Nowak")


def record(case_id: str, status: str, *, due: str | None = DUE, kind: str = "7-dni", **extra: Any) -> dict[str, Any]:
    return {"case_id": case_id, "case_sign": f"FN.3120.{case_id}.2026", "service_name": "Zaświadczenie",
            "terc": TERC, "department": "FN", "status": status, "deadline_kind": kind, "started_on": "2026-03-02",
            "due_date": due, "assignee": "clerk-1", "owner": "resident-1", "registered_at": "2026-03-02T09:00:00+00:00",
            **extra}


class FakeTable:
    """A department's cases; `past_due` reads like the due-date index: open cases with a date, due before."""

    def __init__(self, *records: dict[str, Any]) -> None:
        self.cases = {r["case_id"]: StoredCase(pk="T#1418043#D#FN", sk=f"C#{r['case_id']}", record=r,
                                                life=new_life(), version=0, email=f"{r['case_id']}@example.pl")
                      for r in records}
        self.index_reads = 0

    def past_due(self, terc: str, department: str, *, before: date) -> Iterator[dict[str, Any]]:
        for stored in list(self.cases.values()):
            due, status = stored.record.get("due_date"), stored.record["status"]
            if stored.record["department"] == department and due and status not in overdue.kpa_clock.ENDED \
                    and date.fromisoformat(due) < before:
                self.index_reads += 1
                yield stored.record

    def find(self, terc: str | None, case_id: str) -> StoredCase | None:
        return self.cases.get(case_id)

    def save(self, stored: StoredCase, record: dict[str, Any], life: dict[str, Any], *,
             notify_at: datetime | None = None) -> int | None:
        if self.cases[stored.record["case_id"]].version != stored.version:
            return None
        self.cases[record["case_id"]] = StoredCase(pk=stored.pk, sk=stored.sk, record=record, life=life,
                                                   version=stored.version + 1, email=stored.email,
                                                   notified=stored.notified)
        return stored.version + 1

    def mark_notified(self, stored: StoredCase, upto: int) -> None:
        current = self.cases[stored.record["case_id"]]
        self.cases[stored.record["case_id"]] = StoredCase(pk=current.pk, sk=current.sk, record=current.record,
                                                          life=current.life, version=current.version,
                                                          email=current.email, notified=upto)


def table() -> FakeTable:
    return FakeTable(
        record("running", "w_toku"),
        record("unassigned", "zarejestrowana", assignee=None),
        record("supplemented", "uzupelniona"),
        record("summoned", "wezwanie"),  # clock stopped
        record("suspended", "zawieszona"),  # clock stopped
        record("settled", "zalatwiona"),  # ended
        record("told", "w_toku", overdue_notice_for=DUE),  # the party was told of this date already
        record("at-once", "w_toku", due=None, kind="niezwlocznie"),
        record("due-today", "w_toku", due="2026-03-11"),
        record("other-department", "w_toku", department="OS"),
    )


def sweep(store: FakeTable, mailer: FakeMailer, at: datetime = SWEEP) -> overdue.SweepResult:
    return overdue.sweep(store, mailer, terc=TERC, departments=["FN"], now=at)


def test_the_sweep_notices_only_running_cases_past_their_date_not_told_yet() -> None:
    store, mailer = table(), FakeMailer()
    result = sweep(store, mailer)
    noticed = {c for c, s in store.cases.items() if s.record.get("overdue_notice_for") == DUE} - {"told"}
    assert noticed == {"running", "unassigned", "supplemented"}
    assert result.noticed == 3
    assert sorted(m.to for m in mailer.sent) == ["running@example.pl", "supplemented@example.pl",
                                                 "unassigned@example.pl"]
    # paused cases are read from the index but left alone; nothing else is written
    for untouched in ("summoned", "suspended", "settled", "told", "at-once", "due-today", "other-department"):
        assert store.cases[untouched].version == 0, untouched


def test_the_party_is_told_the_art_36_notice_and_its_right_to_a_ponaglenie() -> None:
    store, mailer = FakeTable(record("running", "w_toku")), FakeMailer()
    sweep(store, mailer)
    mail = mailer.sent[0]
    assert mail.subject == "Sprawa FN.3120.running.2026 – termin załatwienia sprawy upłynął"
    assert "art. 36 § 1 KPA" in mail.text and "ponaglenie (art. 37 § 1 KPA)" in mail.text
    assert "organu wyższego stopnia" in mail.text
    entry = store.cases["running"].life["history"][-1]
    assert (entry["kind"], entry["by"], entry["inform_party"], entry["overdue_since"]) == ("overdue", "e-urzad",
                                                                                           True, DUE)
    assert store.cases["running"].notified == 1  # counted told: the notices' sweeper sends nothing more


def test_a_second_sweep_the_same_day_or_the_next_sends_nothing() -> None:
    store, mailer = table(), FakeMailer()
    sweep(store, mailer)
    sent = len(mailer.sent)
    again, next_day = sweep(store, mailer, SWEEP + timedelta(hours=2)), sweep(store, mailer, SWEEP + timedelta(days=1))
    # the next day only the case due the day before is new; those told already get nothing again
    assert (again.noticed, next_day.noticed) == (0, 1)
    assert [m.to for m in mailer.sent[sent:]] == ["due-today@example.pl"]


def test_a_case_the_clerk_changed_meanwhile_is_left_for_the_next_sweep() -> None:
    class Racing(FakeTable):
        def save(self, stored: StoredCase, record: dict[str, Any], life: dict[str, Any], *,
                 notify_at: datetime | None = None) -> int | None:
            return None  # a clerk's write came first

    store, mailer = Racing(record("running", "w_toku")), FakeMailer()
    assert sweep(store, mailer).noticed == 0 and mailer.sent == []


def new_date(stored: StoredCase, due: date, reason: str = "Potrzebna opinia rzeczoznawcy.",
             actor: Actor = CLERK, at: datetime = SWEEP) -> tuple[dict[str, Any], dict[str, Any]]:
    return overdue.set_due_date(stored.record, stored.life, due=due, reason=reason, actor=actor, at=at)


@pytest.mark.parametrize(("due", "codes"), [
    (date(2026, 3, 11), ["not_future"]),  # today
    (date(2026, 3, 8), ["not_future", "not_working_day"]),  # a past Sunday
    (date(2026, 3, 21), ["not_working_day"]),  # a Saturday
    (date(2026, 5, 1), ["not_working_day"]),  # a public holiday
])
def test_the_new_date_must_be_a_future_working_day(due: date, codes: list[str]) -> None:
    stored = FakeTable(record("running", "w_toku")).cases["running"]
    with pytest.raises(Unprocessable) as refused:
        new_date(stored, due)
    assert [(d["field"], d["code"]) for d in refused.value.details] == [("due_date", c) for c in codes]


def test_the_new_date_must_come_after_the_current_one_and_only_the_case_s_clerk_sets_it() -> None:
    stored = FakeTable(record("early", "w_toku", due="2026-03-20")).cases["early"]
    with pytest.raises(Unprocessable) as refused:
        new_date(stored, date(2026, 3, 16))
    assert refused.value.details[0]["code"] == "not_later"
    with pytest.raises(Forbidden):
        new_date(stored, date(2026, 3, 30), actor=Actor(subject="clerk-2"))
    closed = FakeTable(record("settled", "zalatwiona")).cases["settled"]
    with pytest.raises(Conflict) as ended:
        new_date(closed, date(2026, 3, 30))
    assert ended.value.code == "case_closed"


def test_the_clerk_s_new_date_tells_the_party_and_the_sweep_fires_again_only_when_it_passes() -> None:
    store, mailer = FakeTable(record("running", "w_toku")), FakeMailer()
    sweep(store, mailer)
    # When the clerk names 2026-03-20 with the reason
    view = handling.change(store, TERC, "running", clerk_department="FN", expected_version=None, now=SWEEP,
                           mailer=mailer, apply=lambda r, life: new_date(store.cases["running"], date(2026, 3, 20)))
    # Then the clock shows the new date and its basis, and the party gets reason, date and the ponaglenie
    assert view["clock"]["due_date"] == "2026-03-20" and view["case"]["due_date"] == "2026-03-20"
    assert view["clock"]["extensions"][0] | {"paused_days_at": 0} == {
        "due_date": "2026-03-20", "reason": "Potrzebna opinia rzeczoznawcy.", "set_on": "2026-03-11",
        "by": "clerk-1", "previous_due_date": DUE, "paused_days_at": 0, "basis": "art. 36 § 1 KPA"}
    told = mailer.sent[-1]
    assert len(mailer.sent) == 2 and "nowy termin" in told.subject
    assert "Potrzebna opinia rzeczoznawcy." in told.text and "20.03.2026" in told.text and "ponaglenie" in told.text
    # And the resident's view shows it, with the reason the law wants the party told
    mine = einformacja.case_for(store.cases["running"], owner="resident-1")
    assert mine["due_date"] == "2026-03-20" and mine["extensions"][0]["reason"] == "Potrzebna opinia rzeczoznawcy."
    assert [s["label"] for s in mine["stages"][-2:]] == ["termin załatwienia sprawy upłynął",
                                                         "urząd wyznaczył nowy termin załatwienia sprawy"]
    # The sweep is quiet until the new date passes, then tells the party once more
    assert sweep(store, mailer, datetime(2026, 3, 20, 3, 30, tzinfo=UTC)).noticed == 0
    assert sweep(store, mailer, datetime(2026, 3, 21, 3, 30, tzinfo=UTC)).noticed == 1
    assert sweep(store, mailer, datetime(2026, 3, 22, 3, 30, tzinfo=UTC)).noticed == 0
    assert len(mailer.sent) == 3 and store.cases["running"].record["overdue_notice_for"] == "2026-03-20"


def test_a_pause_after_the_new_date_moves_the_new_date() -> None:
    stored = FakeTable(record("running", "w_toku")).cases["running"]
    rec, life = new_date(stored, date(2026, 3, 20))
    at = datetime(2026, 3, 12, 10, tzinfo=UTC)
    rec, life = transition(rec, life, Move(to=overdue.lifecycle.State.WEZWANIE, reason="x", gaps=("podpis",),
                                           term_days=7), actor=CLERK, at=at)
    rec, life = transition(rec, life, Move(to=overdue.lifecycle.State.UZUPELNIONA, reason="ok"), actor=CLERK,
                           at=at + timedelta(days=4))
    assert rec["due_date"] == "2026-03-24"  # 20.03 + 4 days of the summons


def inbox_page(rows: list[dict[str, Any]], params: dict[str, str]) -> tuple[dict[str, Any], dict[str, Any]]:
    asked: dict[str, Any] = {}

    class Store:
        def inbox(self, terc: str, department: str, **kwargs: Any) -> tuple[list[dict[str, Any]], str | None]:
            asked.update(kwargs)
            return [dict(r) for r in rows], None

    page = logic.inbox(Store(), samples.tenant, terc=TERC, clerk_department="FN", params=params,
                       today=date(2026, 3, 11))
    return page, asked


def test_the_inbox_flags_overdue_rows_and_lists_only_them_by_due_date() -> None:
    rows = [record("running", "w_toku"), record("summoned", "wezwanie"), record("later", "w_toku", due="2026-04-01")]
    page, asked = inbox_page(rows, {})
    assert [r["overdue"] for r in page["items"]] == [True, False, False]
    assert asked["by_due"] is False
    page, asked = inbox_page(rows, {"overdue": "1"})
    assert [r["case_id"] for r in page["items"]] == ["running"]
    assert (asked["by_due"], asked["due_before"]) == (True, date(2026, 3, 11))
    _, asked = inbox_page(rows, {"order": "due"})
    assert asked["by_due"] is True and "due_before" not in asked


@pytest.mark.parametrize(("params", "field"), [
    ({"order": "oldest"}, "order"), ({"overdue": "yes"}, "overdue"),
    ({"order": "due", "state": "w_toku"}, "order"), ({"overdue": "1", "assignee": "jan"}, "assignee"),
])
def test_the_inbox_refuses_an_unknown_order_or_two_filters(params: dict[str, str], field: str) -> None:
    with pytest.raises(Unprocessable) as refused:
        inbox_page([], params)
    assert refused.value.details[0]["field"] == field


def test_one_jst_failing_does_not_keep_the_others_from_their_sweep(monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.modules.cases import workers

    swept: list[str] = []

    def fake_sweep(store: Any, mailer: Any, *, terc: str, departments: list[str], now: datetime) -> Any:
        if terc == "1418032":
            raise RuntimeError("DynamoDB unavailable")
        swept.append(terc)
        return overdue.SweepResult(read=1, noticed=1)

    configs = [samples.tenant().model_copy(update={"terc": t}) for t in ("1418032", "1418043")]
    monkeypatch.setattr(workers.tenants, "configs", lambda: configs)
    monkeypatch.setattr(workers.overdue, "sweep", fake_sweep)
    monkeypatch.setattr(workers, "cases", lambda: None)
    monkeypatch.setattr(workers, "mailer", lambda: None)
    with pytest.raises(RuntimeError, match="1418032"):
        workers.overdue_sweeper.func({})
    assert swept == ["1418043"]

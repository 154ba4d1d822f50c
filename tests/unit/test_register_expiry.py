"""Permits turning "wygasłe" without AWS: the index key that lets the nightly Query pick only the permits that
ended, the turn through the entries' own save path (by "system", history and audit), a clerk's concurrent change
winning, a rerun writing nothing, and the public view honest before the run."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from chalicelib.model.registers import RegisterKind
from chalicelib.modules.registers import expiry, logic, public
from tests.samples import tenant
from tests.unit.test_register_entries import HOME, Cases, Store

TERC, ALCOHOL, LANE = "1418043", "zezwolenia-alkoholowe", "zajecie-pasa-drogowego"
NIGHT = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 00:30 on 1 December in Warsaw
TODAY = date(2026, 12, 1)
DG = logic.Clerk("clerk-dg", "Dorota Gil", "DG")
SETTING = {"kept": [{"kind": ALCOHOL, "department": "DG"}, {"kind": "ewidencja-zabytkow", "department": "GN"}]}


class AuditedStore(Store):
    def __init__(self) -> None:
        super().__init__()
        self.audit: list[Any] = []

    def save(self, entry: dict[str, Any], *, read_version: int | None, search: str, change: dict[str, Any],
             changes: list[Any]) -> bool:
        saved = super().save(entry, read_version=read_version, search=search, change=change, changes=changes)
        self.audit += changes if saved else []
        return saved


class Index:
    """`by-last-day` as DynamoDB keeps it: the keys of the store's entries, a Query below the bound."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def ended(self, terc: str, register: str, before: date) -> list[str]:
        keys = sorted((expiry.last_day_key(s.entry), i) for i, s in self.store.entries.items()
                      if s.entry["register"] == register and expiry.last_day_key(s.entry))
        return [i for k, i in keys if str(k) < expiry.ended_before(before)]


def config() -> Any:
    return tenant(departments=[{"symbol": s, "name": f"Wydział {s}"} for s in ("OR", "DG", "GN")], registers=SETTING)


def ports(store: Store | None = None) -> logic.Ports:
    kept = config()
    return logic.Ports(store=store or AuditedStore(), cases=Cases(), tenant=lambda terc: kept,
                       new_id=lambda at: f"{at:%Y%m%d%H%M%S%f}abcdef", today=lambda: TODAY)


def permit(p: logic.Ports, valid_to: str, number: str) -> dict[str, Any]:
    data = {"number": number, "holder": {"name": "Lipa s.c.", "nip": "8567346215", "address": HOME},
            "outlet_address": HOME, "category": "A", "consumption": "poza-miejscem", "valid_from": "2026-01-01",
            "valid_to": valid_to}
    return logic.create(p, TERC, ALCOHOL, data, clerk=DG, at=datetime(2026, 1, 2, 9, int(number), tzinfo=UTC))


def test_the_index_key_puts_only_permits_ended_before_today_below_the_querys_bound() -> None:
    def key(status: str, valid_to: str, register: str = ALCOHOL, field: str = "valid_to") -> str | None:
        return expiry.last_day_key({"entry_id": "e1", "register": register, "status": status,
                                    "data": {field: valid_to}})

    bound = expiry.ended_before(TODAY)
    assert key("aktywne", "2026-11-30") == "2026-11-30#e1" and bound > "2026-11-30#e1"
    assert str(key("aktywne", "2026-12-01")) >= bound  # its last day is today: still valid
    assert str(key("aktywne", "2027-01-31")) >= bound
    assert key("aktywne", "2026-11-30", LANE, "occupied_to") == "2026-11-30#e1"
    # a revoked or expired permit and a monument are out of the index (the key is absent)
    assert key("cofniete", "2026-11-30") is key("wygasle", "2026-11-30") is None
    assert expiry.last_day_key({"entry_id": "e2", "register": "ewidencja-zabytkow", "status": "w-ewidencji",
                                "data": {}}) is None
    assert expiry.watched([config(), tenant()]) == [(TERC, RegisterKind.ALKOHOL)]  # no monuments


def test_a_permit_past_its_last_day_turns_expired_once_by_the_system_with_history_and_audit() -> None:
    p = ports()
    ended, last_day, later = (permit(p, to, n) for to, n in (("2026-11-30", "1"), ("2026-12-01", "2"),
                                                              ("2027-06-30", "3")))
    store: AuditedStore = p.store  # type: ignore[assignment]
    done = expiry.run(p, Index(store), [(TERC, RegisterKind.ALKOHOL)], at=NIGHT)
    assert (done.expired, done.kept) == (1, 0)
    assert [store.entries[e["entry_id"]].entry["status"] for e in (ended, last_day, later)] == [
        "wygasle", "aktywne", "aktywne"]
    turned = store.changes[-1]
    assert (turned["action"], turned["by"], turned["by_name"], turned["version"]) == (
        "expired", "system", "e-Urząd (automatycznie)", 2)
    assert turned["changes"] == [{"field": "status", "before": "aktywne", "after": "wygasle"}]
    assert (store.audit[-1].action, store.audit[-1].actor.subject) == ("register.expired", "system")
    # a rerun finds nothing and writes nothing
    written = len(store.changes)
    assert expiry.run(p, Index(store), [(TERC, RegisterKind.ALKOHOL)], at=NIGHT) == expiry.Run(0, 0)
    assert len(store.changes) == written


class ClerkFirst(AuditedStore):
    """A clerk saves the permit between the run's read and its write: the run's version condition fails."""

    def save(self, entry: dict[str, Any], *, read_version: int | None, search: str, change: dict[str, Any],
             changes: list[Any]) -> bool:
        if change["by"] == "system":
            stored = self.entries[entry["entry_id"]]
            self.entries[entry["entry_id"]] = logic.Stored(stored.entry, stored.version + 1)
        return super().save(entry, read_version=read_version, search=search, change=change, changes=changes)


def test_a_clerks_concurrent_change_wins_and_an_extended_permit_stays_active() -> None:
    p = ports(ClerkFirst())
    raced = permit(p, "2026-11-30", "1")
    assert logic.expire(p, TERC, ALCOHOL, raced["entry_id"], at=NIGHT) is False
    assert p.store.get(TERC, ALCOHOL, raced["entry_id"]).entry["status"] == "aktywne"  # type: ignore[union-attr]
    assert [c["action"] for c in p.store.history(TERC, ALCOHOL, raced["entry_id"])] == ["created"]
    # found by a stale index entry, but its validity was extended: read again, left as it is
    q = ports()
    extended = permit(q, "2027-11-30", "2")
    assert logic.expire(q, TERC, ALCOHOL, extended["entry_id"], at=NIGHT) is False
    assert logic.expire(q, TERC, ALCOHOL, "no-such-entry", at=NIGHT) is False


def test_the_public_sees_a_permit_past_its_last_day_as_expired_before_the_run() -> None:
    p = ports()
    entry = permit(p, "2026-11-30", "1")
    shown = public.view(entry, today=TODAY)
    assert (shown["status"], shown["status_label"]) == ("wygasle", "wygasłe")
    assert public.view(entry, today=date(2026, 11, 30))["status"] == "aktywne"  # on its last day it is valid
    assert ";wygasłe;" in public.csv_bytes(RegisterKind.ALKOHOL, [entry], TODAY).decode("utf-8")

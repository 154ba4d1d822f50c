"""Paper cases without AWS: the access code (readable, >= 60 bits, kept only as a salted hash, compared the same way
whatever is typed), what a clerk may register (applicant's identifiers, the date received, their department),
one case per Idempotency-Key with only the last code valid, and the public lookup's answers and limits."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from chalicelib.core.errors import Conflict, Forbidden, NotFound, Unprocessable, validation_details
from chalicelib.integrations.mail import Mail
from chalicelib.model.service import DeadlineKind
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules.cases import access, einformacja, lookup, paper
from chalicelib.modules.cases.lifecycle import new_life
from chalicelib.modules.cases.lookup import AccessEntry
from chalicelib.modules.cases.models import PaperCaseRequest, Plan, StoredCase
from tests.conftest import ROOT

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)
TENANT = TenantConfig.model_validate(yaml.safe_load((ROOT / "region/demo/1418043-piaseczno.yaml").read_text()))
ALCOHOL = SimpleNamespace(name="Zezwolenie na sprzedaż alkoholu", department="DG", jrwa="7340",
                          deadline=SimpleNamespace(kind=DeadlineKind.JEDEN_MIESIAC))


def body(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "service": "zezwolenie-na-sprzedaz-alkoholu", "channel": "papier", "received_on": "2026-03-02",
        "applicant": {"name": "Jan Kowalski", "pesel": "44051401359", "email": "jan@example.pl",
                      "address": {"street": "Kościuszki", "building": "5", "postal_code": "05-500",
                                  "city": "Piaseczno"}},
        "scans": ["a" * 32]}
    data.update(changes)
    return data


# --- the access code ---

def test_a_code_is_three_groups_of_five_readable_symbols_with_at_least_60_bits() -> None:
    codes = {access.new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert access.BITS >= 60
    for code in list(codes)[:50]:
        groups = code.split("-")
        assert [len(g) for g in groups] == [5, 5, 5]
        assert set("".join(groups)) <= set(access.ALPHABET)
    assert not set("0O1IL") & set(access.ALPHABET)


def test_the_code_is_kept_only_as_a_salted_hash_and_matches_however_it_is_typed() -> None:
    code = access.new_code()
    first, second = access.hashed(code), access.hashed(code)
    assert first != second  # salted
    assert code.replace("-", "") not in first and code not in first
    typed = " ".join(code.replace("-", "")).lower()
    assert access.matches(typed, first) and access.matches(code, second)
    assert not access.matches(access.new_code(), first)
    assert not access.matches("", first) and not access.matches("0" * 15, first)
    assert not access.matches(code, None) and not access.matches(code, "garbage")


# --- what a clerk may register ---

def test_the_applicants_identifiers_address_and_scans_are_checked_per_field() -> None:
    wrong = body(applicant={"name": "", "pesel": "44051401358", "nip": "1234567890", "email": "jan@",
                            "address": {"building": "5", "postal_code": "05500", "city": "Piaseczno"}},
                 scans=[])
    with pytest.raises(ValidationError) as caught:
        PaperCaseRequest.model_validate(wrong)
    fields = {d["field"]: d["code"] for d in validation_details(caught.value)}
    assert fields == {"applicant.name": "missing", "applicant.pesel": "pesel_invalid",
                      "applicant.nip": "nip_invalid", "applicant.email": "email_invalid",
                      "applicant.address.postal_code": "postal_code_invalid", "scans": "too_short"}


def test_the_clock_starts_on_the_date_received_which_cannot_be_in_the_future() -> None:
    request = PaperCaseRequest.model_validate(body())
    plan = paper.plan(TENANT, ALCOHOL, request, today=date(2026, 3, 10), clerk_department=None)
    assert (plan.department, plan.jrwa, plan.year, plan.started_on) == ("DG", "7340", 2026, date(2026, 3, 2))
    assert plan.due_date == date(2026, 4, 2)
    future = PaperCaseRequest.model_validate(body(received_on="2026-03-11"))
    with pytest.raises(Unprocessable) as caught:
        paper.plan(TENANT, ALCOHOL, future, today=date(2026, 3, 10), clerk_department=None)
    assert caught.value.details[0]["field"] == "received_on"
    ancient = PaperCaseRequest.model_validate(body(received_on="0001-01-01"))
    with pytest.raises(Unprocessable) as caught:
        paper.plan(TENANT, ALCOHOL, ancient, today=date(2026, 3, 10), clerk_department=None)
    assert caught.value.details[0]["code"] == "date_too_old"


def test_a_clerk_of_another_department_may_not_register_the_services_case() -> None:
    request = PaperCaseRequest.model_validate(body())
    with pytest.raises(Forbidden):
        paper.plan(TENANT, ALCOHOL, request, today=date(2026, 3, 10), clerk_department="FN")
    assert paper.plan(TENANT, ALCOHOL, request, today=date(2026, 3, 10), clerk_department="DG").department == "DG"


# --- one case per Idempotency-Key ---

class FakePaperStore:
    def __init__(self) -> None:
        self.markers: dict[str, paper.Marker] = {}
        self.cases: dict[str, StoredCase] = {}
        self.hashes: dict[str, str] = {}
        self.numbers = 0

    def marker(self, terc: str, case_id: str) -> paper.Marker | None:
        return self.markers.get(case_id)

    def register_paper(self, plan: Plan, *, case_id: str, build: Any, email: str | None, code_hash: str,
                       request_sha256: str) -> StoredCase | None:
        if case_id in self.markers:
            return None
        self.numbers += 1
        _, record = build(self.numbers, f"DG.7340.{self.numbers}.2026")
        self.markers[case_id] = paper.Marker(case_id=case_id, request_sha256=request_sha256, pk="p", sk=case_id)
        self.cases[case_id] = StoredCase(pk="p", sk="s", record=record, life=new_life(), version=0, email=email)
        self.hashes[case_id] = code_hash
        return self.cases[case_id]

    def marked_case(self, marker: paper.Marker) -> StoredCase | None:
        return self.cases.get(marker.sk)

    def replace_code(self, stored: StoredCase, code_hash: str) -> None:
        self.hashes[stored.record["case_id"]] = code_hash

    def find(self, terc: str | None, case_id: str) -> StoredCase | None:
        return self.cases.get(case_id)

    def by_sign(self, sign: str) -> list[AccessEntry]:
        return [AccessEntry(terc="1418043", case_id=cid, code_hash=self.hashes[cid])
                for cid, s in self.cases.items() if s.record["case_sign"] == sign]

    def save(self, *args: Any, **kwargs: Any) -> int | None:
        raise AssertionError("not used")

    def mark_notified(self, *args: Any) -> None:
        raise AssertionError("not used")


class FakeScans:
    def take(self, terc: str, case_id: str, scan_ids: list[str]) -> list[paper.Scan]:
        return [paper.Scan(scan_id=s, filename="wniosek.pdf", content_type="application/pdf", size=10,
                           sha256="0" * 64) for s in scan_ids]

    def discard(self, terc: str, scan_ids: list[str]) -> None:
        pass


class Mailbox:
    def __init__(self) -> None:
        self.sent: list[Mail] = []

    def send(self, mail: Mail) -> str:
        self.sent.append(mail)
        return "id"


def register(store: FakePaperStore, mailbox: Mailbox, data: dict[str, Any], key: str = "paper-key-1") -> Any:
    request = paper.Request(terc="1418043", clerk="clerk-dg", clerk_department="DG", idempotency_key=key,
                            body=PaperCaseRequest.model_validate(data), now=NOW)
    return paper.register(store, FakeScans(), mailbox, request, tenant=TENANT, offered=ALCOHOL)


def test_a_retry_registers_one_case_and_only_the_last_code_opens_it() -> None:
    store, mailbox = FakePaperStore(), Mailbox()
    first, code = register(store, mailbox, body())
    assert first.record["case_sign"] == "DG.7340.1.2026"
    assert (first.record["channel"], first.record["received_on"], first.record["owner"]) == ("papier",
                                                                                             "2026-03-02", None)
    assert access.matches(code, store.hashes[first.record["case_id"]])
    again, second = register(store, mailbox, body())
    assert again.record["case_id"] == first.record["case_id"] and store.numbers == 1
    assert second != code
    assert access.matches(second, store.hashes[first.record["case_id"]])
    assert not access.matches(code, store.hashes[first.record["case_id"]])
    # the applicant was e-mailed once, with the sign and due date and never the code
    assert len(mailbox.sent) == 1
    assert "DG.7340.1.2026" in mailbox.sent[0].text and "02.04.2026" in mailbox.sent[0].text
    assert code not in mailbox.sent[0].text and code.replace("-", "") not in mailbox.sent[0].text


def test_a_paper_applicants_ade_is_the_cases_and_the_party_is_told_where_letters_go() -> None:
    store, mailbox = FakePaperStore(), Mailbox()
    applicant = {**body()["applicant"], "edelivery_address": "ae:pl-12345-67890-abcde-12"}
    with_ade, _ = register(store, mailbox, body(applicant=applicant), key="paper-ade")
    assert with_ade.record["edelivery_address"] == "AE:PL-12345-67890-ABCDE-12"
    assert einformacja.party_view(with_ade)["delivery_to"]["channel"] == "e-doreczenie"
    without_ade, _ = register(store, mailbox, body(), key="paper-no-ade")
    assert "edelivery_address" not in without_ade.record
    assert einformacja.party_view(without_ade)["delivery_to"] == {
        "channel": "papier", "ade": None, "address": ["Kościuszki 5", "05-500 Piaseczno"],
        "text": "Pocztą na adres: Kościuszki 5, 05-500 Piaseczno."}
    with pytest.raises(ValidationError) as caught:
        PaperCaseRequest.model_validate(body(applicant={**applicant, "edelivery_address": "AE:PL-1"}))
    assert [(d["field"], d["code"]) for d in validation_details(caught.value)] == [
        ("applicant.edelivery_address", "edelivery_address_invalid")]


def test_the_same_key_for_another_application_is_refused() -> None:
    store, mailbox = FakePaperStore(), Mailbox()
    register(store, mailbox, body())
    with pytest.raises(Conflict) as caught:
        register(store, mailbox, body(channel="epuap"))
    assert caught.value.code == "idempotency_key_reused" and store.numbers == 1


# --- the public lookup ---

class Counters:
    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def take(self, key: str, *, limit: int, expires: datetime) -> bool:
        if self.counts.get(key, 0) >= limit:
            return False
        self.counts[key] = self.counts.get(key, 0) + 1
        return True

    def give_back(self, key: str) -> None:
        self.counts[key] -= 1


def test_a_wrong_code_and_an_unknown_sign_answer_alike_and_the_sixth_failure_is_refused() -> None:
    store, counters = FakePaperStore(), Counters()
    stored, code = register(store, Mailbox(), body())
    sign = stored.record["case_sign"]
    view = lookup.lookup(store, counters, sign=sign.lower(), code=code.lower(), client="1.2.3.4", now=NOW)
    assert (view["case_sign"], view["due_date"], view["stages"][0]["state"]) == (sign, "2026-04-02", "zarejestrowana")
    assert "applicant_data" not in json.dumps(view) and "Kowalski" not in json.dumps(view)
    answers = []
    for asked_sign in (sign, "DG.7340.99.2026"):
        with pytest.raises(NotFound) as caught:
            lookup.lookup(store, counters, sign=asked_sign, code=access.new_code(), client="1.2.3.4", now=NOW)
        answers.append(caught.value.body())
    assert answers[0] == answers[1]
    for _ in range(4):
        with pytest.raises(NotFound):
            lookup.lookup(store, counters, sign=sign, code="ABCDE-ABCDE-ABCDE", client="5.6.7.8", now=NOW)
    with pytest.raises(lookup.TooManyLookups) as limited:
        lookup.lookup(store, counters, sign=sign, code=code, client="5.6.7.8", now=NOW)
    assert limited.value.status == 429 and limited.value.retry_after == 30 * 60
    # the next hour the right code opens it again
    later = NOW + timedelta(hours=1)
    assert lookup.lookup(store, counters, sign=sign, code=code, client="5.6.7.8", now=later)["case_sign"] == sign


def test_one_address_gets_thirty_lookups_an_hour() -> None:
    store, counters = FakePaperStore(), Counters()
    stored, code = register(store, Mailbox(), body())
    for _ in range(lookup.PER_ADDRESS):
        lookup.lookup(store, counters, sign=stored.record["case_sign"], code=code, client="9.9.9.9", now=NOW)
    with pytest.raises(lookup.TooManyLookups) as limited:
        lookup.lookup(store, counters, sign=stored.record["case_sign"], code=code, client="9.9.9.9", now=NOW)
    assert "adresu" in limited.value.message


def test_the_party_of_a_paper_case_is_told_of_changes_where_to_look_without_an_account() -> None:
    from chalicelib.modules.cases.notices import mail_of

    entry = {"to": "w_toku", "at": "2026-03-11T10:00:00+00:00", "resident_text": "Sprawę przydzielono."}
    record = {"case_sign": "DG.7340.1.2026", "service_name": "Zezwolenie"}
    assert "Moich sprawach" in mail_of(record, entry, "a@b.pl").text
    on_paper = mail_of({**record, "channel": "papier"}, entry, "a@b.pl").text
    assert "kod dostępu" in on_paper and "Moich sprawach" not in on_paper


def test_an_unknown_sign_costs_the_same_key_derivation_as_a_wrong_code(monkeypatch: pytest.MonkeyPatch) -> None:
    store, counters = FakePaperStore(), Counters()
    stored, _ = register(store, Mailbox(), body())
    derived: list[int] = []
    real = access._derive
    monkeypatch.setattr(access, "_derive", lambda c, s, n: derived.append(n) or real(c, s, n))
    for sign, code in ((stored.record["case_sign"], access.new_code()), ("DG.7340.77.2026", access.new_code()),
                       (stored.record["case_sign"], "nie-kod")):
        with pytest.raises(NotFound):
            lookup.lookup(store, counters, sign=sign, code=code, client="1.1.1.1", now=NOW)
    assert derived == [access.ITERATIONS] * 3

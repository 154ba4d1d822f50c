"""The public registers against the emulator: a permit entered from a decided case shows in the public register
and carries the statute's fee; the declaration of last year's sales (its own e-service) sets the next fee; every
change is kept (history and audit); the public sees only what is public (also in the CSV); JSTs are apart; the
search pages by cursor."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from chalicelib.core.clock import FixedClock, SystemClock, set_clock
from chalicelib.modules.audit import repository
from tests import queues
from tests.conftest import auth
from tests.formdata import with_value
from tests.integration.test_submissions import application, submit

A, B = "1418043", "1418032"  # Piaseczno keeps all three registers, Lesznowola two
ALCOHOL, LANE, MONUMENTS = "zezwolenia-alkoholowe", "zajecie-pasa-drogowego", "ewidencja-zabytkow"
DG = auth("clerk", A, subject="clerk-dg", department="DG", given_name="Dorota", family_name="Gil")
GK = auth("clerk", A, subject="clerk-gk", department="GK")
GN = auth("clerk", A, subject="clerk-gn", department="GN")
ADDRESS = {"street": "ul. Rynek", "building": "1", "postal_code": "05-500", "city": "Piaseczno"}
PERMIT = {"number": "", "holder": {"name": "Sklep Pod Lipą sp. z o.o.", "nip": "8567346215",
                                   "address": {"street": "ul. Domowa", "building": "7", "postal_code": "05-500",
                                               "city": "Piaseczno"}},
          "outlet_name": "Sklep Pod Lipą", "outlet_address": ADDRESS, "category": "A", "consumption": "poza-miejscem",
          "valid_from": "2026-07-01", "valid_to": "2030-06-30"}

pytestmark = pytest.mark.usefixtures("platform", "demo_pki")


@pytest.fixture
def december() -> Iterator[FixedClock]:
    """The register's day: 1 December 2026 (the permit's first year)."""
    clock = FixedClock(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    set_clock(clock)
    yield clock
    set_clock(SystemClock())


def call(api: Any, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
    return getattr(api.http, method.lower())(path, headers={"Content-Type": "application/json", **(headers or {})},
                                             body=json.dumps(body) if body is not None else None)


def token() -> str:
    return uuid.uuid4().hex[:10]


def permit(number: str, **changes: Any) -> dict[str, Any]:
    return {**PERMIT, "number": number, **changes}


def registered(api: Any, service: str, data: dict[str, Any]) -> str:
    queues.purge("registrations")
    status, body = submit(api, A, service, data, f"rej-{token()}")
    assert status == 201, body
    assert queues.deliver(api, "registrations", "registrations")["delivered"] == 1
    return str(body["submission_id"])  # the case is registered under the submission's id


def decided_permit_case(api: Any) -> str:
    data = application(api, A, "zezwolenie-na-sprzedaz-alkoholu")
    data = with_value(with_value(data, "termin_od", "2026-07-01"), "termin_do", "2030-06-30")
    case_id = registered(api, "zezwolenie-na-sprzedaz-alkoholu", data)
    base = f"/v1/tenants/{A}/cases/{case_id}"
    paid = call(api, "POST", f"{base}/fee-payment", {"amount": 52_500, "paid_on": datetime.now(UTC).date().isoformat(),
                                                     "how": "kasa", "reference": "KP 1/2026"}, DG)
    assert paid.status_code == 200, paid.body
    assert call(api, "POST", f"{base}/assignment", {}, DG).status_code == 200
    done = call(api, "POST", f"{base}/transitions", {"to": "zalatwiona", "reason": "Wydano zezwolenie",
                                                     "document": "DG.7340.1.2026"}, DG)
    assert done.status_code == 200, done.body
    return case_id


def search(api: Any, terc: str, register: str, query: str) -> Any:
    return api.http.get(f"/v1/tenants/{terc}/registers/{register}?{query}")


def audit_actions(terc: str, entry_id: str) -> list[str]:
    return [e["action"] for _, e in repository.DynamoAuditChain().entries(terc)
            if (e.get("details") or {}).get("entry_id") == entry_id]


def test_a_permit_from_a_decided_case_is_public_with_the_statutes_fee(api: Any, december: FixedClock) -> None:
    # Given a decided case of the alcohol permit service (the fee paid, the decision made)
    case_id = decided_permit_case(api)
    number = f"{token()}/A/2026"
    sign = call(api, "GET", f"/v1/tenants/{A}/cases/{case_id}", headers=DG).json_body["case"]["case_sign"]
    # When the department's clerk enters the permit from it, giving only its number
    made = call(api, "POST", f"/v1/tenants/{A}/registers/{ALCOHOL}", {"case_id": case_id, "data": {"number": number}},
                DG)
    # Then the application prefilled it, the sign is kept and the first year's fee is the statute's, by its days
    assert made.status_code == 201, made.body
    entry = made.json_body["entry"]
    assert (entry["case_sign"], entry["data"]["holder"]["name"], entry["data"]["category"]) == (
        sign, "Zielony Ogród sp. z o.o.", "A")
    assert (entry["fee"]["amount"], entry["fee"]["days"]) == (26_466, 184)  # 525 zł × 184/365
    assert entry["fee"]["instalments"] == [{"due": "2026-07-01", "amount": 26_466}]
    # And anyone finds it in the public register by its number, without the holder's own address or the fee
    found = search(api, A, ALCOHOL, f"q={number.split('/', maxsplit=1)[0]}")
    assert found.status_code == 200, found.body
    [shown] = found.json_body["items"]
    assert (shown["case_sign"], shown["data"]["holder"]) == (sign, {"name": "Zielony Ogród sp. z o.o.",
                                                                     "nip": "8567346215"})
    assert shown["fee"] is None and "address" not in shown["data"]["holder"]
    assert "last_year_sales" not in shown["data"]
    # A case of another service, or one not decided, is refused on `case_id`
    other = call(api, "POST", f"/v1/tenants/{A}/registers/{LANE}", {"case_id": case_id}, GK)
    assert other.status_code in (403, 409), other.body


def test_the_declaration_of_sales_sets_next_years_fee(api: Any) -> None:
    number = f"{token()}/B/2026"
    set_clock(FixedClock(datetime(2026, 12, 1, 10, 0, tzinfo=UTC)))
    try:
        made = call(api, "POST", f"/v1/tenants/{A}/registers/{ALCOHOL}", {"data": permit(number)}, DG)
    finally:
        set_clock(SystemClock())
    assert made.status_code == 201, made.body
    entry_id = made.json_body["entry"]["entry_id"]
    # Given the holder's declaration of 2026 sales (50 000 zł) filed as an e-service and registered
    data = application(api, A, "oswiadczenie-sprzedaz-alkoholu")
    for path, value in (("numer_zezwolenia", number), ("rok", 2026), ("wartosc_sprzedazy", "50000.00")):
        data = with_value(data, path, value)
    declaration = registered(api, "oswiadczenie-sprzedaz-alkoholu", data)
    # When the clerk records it in January 2027
    set_clock(FixedClock(datetime(2027, 1, 20, 9, 0, tzinfo=UTC)))
    try:
        declared = call(api, "POST", f"/v1/tenants/{A}/registers/{ALCOHOL}/{entry_id}/declarations",
                        {"case_id": declaration}, DG)
    finally:
        set_clock(SystemClock())
    # Then 2027's fee is 1.4% of the sales, in three instalments
    assert declared.status_code == 200, declared.body
    fee = declared.json_body["entry"]["fee"]
    assert (fee["year"], fee["amount"]) == (2027, 70_000)
    assert [(i["due"], i["amount"]) for i in fee["instalments"]] == [
        ("2027-01-31", 23_334), ("2027-05-31", 23_333), ("2027-09-30", 23_333)]
    changed = declared.json_body["history"][-1]
    assert {c["field"] for c in changed["changes"]} == {"last_year_sales", "sales_year"}


def test_every_change_is_kept_with_who_when_what_and_a_revoked_permit_is_public_as_such(
        api: Any, december: FixedClock) -> None:
    number = f"{token()}/C/2026"
    made = call(api, "POST", f"/v1/tenants/{A}/registers/{ALCOHOL}", {"data": permit(number, category="C")}, DG)
    entry_id = made.json_body["entry"]["entry_id"]
    base = f"/v1/tenants/{A}/registers/{ALCOHOL}/{entry_id}"
    # A change without a reason, a stale version, a bad NIP: refused on their fields, nothing written
    assert call(api, "PUT", base, {"data": permit(number)}, DG).json_body["error"]["details"][0]["field"] == "reason"
    stale = call(api, "PUT", base, {"data": permit(number), "reason": "Zmiana nazwy"}, {**DG, "If-Match": '"7"'})
    assert (stale.status_code, stale.json_body["error"]["code"]) == (409, "version_conflict")
    bad = call(api, "PUT", base, {"data": permit(number, holder={"name": "X sp. z o.o.", "nip": "8567346216"}),
                                  "reason": "Zmiana"}, DG)
    assert bad.status_code == 422
    assert [(d["field"], d["code"]) for d in bad.json_body["error"]["details"]] == [("data.holder.nip", "nip_invalid")]
    # When the clerk renames the outlet, then revokes the permit
    renamed = call(api, "PUT", base, {"data": permit(number, category="C", outlet_name="Delikatesy Lipa"),
                                      "reason": "Zmiana nazwy punktu"}, {**DG, "If-Match": '"1"'})
    assert renamed.status_code == 200, renamed.body
    revoked = call(api, "POST", f"{base}/revocation", {"reason": "Sprzedaż osobie nieletniej",
                                                       "case_sign": "DG.7340.9.2026"}, DG)
    assert revoked.status_code == 200, revoked.body
    # Then the history holds the three, each with who, when and what
    history = call(api, "GET", f"{base}/history", headers=DG).json_body["history"]
    assert [(h["version"], h["action"], h["by"], h["by_name"]) for h in history] == [
        (1, "created", "clerk-dg", "Dorota Gil"), (2, "changed", "clerk-dg", "Dorota Gil"),
        (3, "revoked", "clerk-dg", "Dorota Gil")]
    assert history[1]["changes"] == [{"field": "outlet_name", "before": "Sklep Pod Lipą", "after": "Delikatesy Lipa"}]
    assert history[2]["changes"] == [{"field": "status", "before": "aktywne", "after": "cofniete"}]
    assert audit_actions(A, entry_id) == ["register.created", "register.changed", "register.revoked"]
    # And the public sees it revoked (found by the state's filter), without the clerk's reason
    found = search(api, A, ALCOHOL, f"status=cofniete&q={number.split('/', maxsplit=1)[0]}").json_body["items"]
    assert [(e["entry_id"], e["status_label"]) for e in found] == [(entry_id, "cofnięte")]
    assert "Sprzedaż osobie nieletniej" not in json.dumps(found, ensure_ascii=False)
    # Another department's clerk may not touch it
    assert call(api, "POST", f"{base}/revocation", {"reason": "Próba"}, GK).status_code == 403


def test_a_natural_persons_lane_permit_is_public_without_their_name_also_in_the_csv(
        api: Any, december: FixedClock) -> None:
    road = f"ul. Testowa {token()}"
    lane = {"holder": {"name": "Janina Prywatna", "natural_person": True,
                       "address": {"building": "3", "postal_code": "05-500", "city": "Piaseczno"}},
            "road": road, "section": "=HYPERLINK(\"http://zlo.example\")", "purpose": "roboty",
            "areas": [{"element": "jezdnia-do-50", "area_m2": "12.5"}, {"element": "chodnik", "area_m2": "6"}],
            "occupied_from": "2026-12-01", "occupied_to": "2026-12-10"}
    made = call(api, "POST", f"/v1/tenants/{A}/registers/{LANE}", {"data": lane}, GK)
    assert made.status_code == 201, made.body
    # 12,5 m² × 5 zł × 10 dni + 6 m² × 2 zł × 10 dni (the JST's demo rates)
    assert made.json_body["entry"]["fee"]["amount"] == 74_500
    shown = search(api, A, LANE, f"q={road.rsplit(maxsplit=1)[-1]}").json_body["items"]
    assert [(e["data"]["holder"], e["fee"]["amount"]) for e in shown] == [
        ({"name": "osoba fizyczna", "nip": None}, 74_500)]
    assert "Prywatna" not in json.dumps(shown)
    assert search(api, A, LANE, "q=prywatna").json_body["items"] == []  # nor found by what is hidden
    exported = search(api, A, LANE, f"q={road.rsplit(maxsplit=1)[-1]}&format=csv")
    assert exported.status_code == 200 and exported.headers["Content-Type"].startswith("text/csv")
    text = exported.body.decode("utf-8") if isinstance(exported.body, bytes) else exported.body
    assert text.startswith("\ufeffZajmujący;NIP;Droga;Odcinek;Cel;Powierzchnia (m²)")
    row = text.splitlines()[1].split(";")
    assert row[0] == "osoba fizyczna" and row[3].startswith("\"'=HYPERLINK") and row[8] == "745,00"
    assert "Prywatna" not in text


def test_registers_of_one_jst_are_not_anothers(api: Any, december: FixedClock) -> None:
    number = f"{token()}/A/2026"
    made = call(api, "POST", f"/v1/tenants/{A}/registers/{ALCOHOL}", {"data": permit(number)}, DG)
    entry_id = made.json_body["entry"]["entry_id"]
    assert search(api, B, ALCOHOL, f"q={number.split('/', maxsplit=1)[0]}").json_body["items"] == []
    assert api.http.get(f"/v1/tenants/{B}/registers/{ALCOHOL}/{entry_id}").status_code == 404
    other = auth("clerk", B, subject="clerk-b", department="DG")
    assert call(api, "GET", f"/v1/tenants/{B}/registers/{ALCOHOL}/{entry_id}/history", headers=other).status_code == 404
    assert call(api, "POST", f"/v1/tenants/{A}/registers/{ALCOHOL}", {"data": permit("1/A")}, other).status_code == 403
    kept_not = search(api, B, MONUMENTS, "")
    assert (kept_not.status_code, kept_not.json_body["error"]["code"]) == (404, "register_not_kept")


def test_the_search_pages_by_cursor_newest_first_without_repeats(api: Any, december: FixedClock) -> None:
    mark = token()
    made = []
    for n in range(5):
        monument = {"name": f"Kapliczka {mark} nr {n}", "address": ADDRESS, "teryt": "0921990",
                    "dating": "XIX w.", "protection": ["ewidencja-gminna"]}
        december.advance(seconds=1)
        answer = call(api, "POST", f"/v1/tenants/{A}/registers/{MONUMENTS}", {"data": monument}, GN)
        assert answer.status_code == 201, answer.body
        made.append(answer.json_body["entry"]["entry_id"])
    seen, query, pages = [], f"q={mark}&limit=2", 0
    while query:
        page = search(api, A, MONUMENTS, query).json_body
        seen += [e["entry_id"] for e in page["items"]]
        pages += 1
        query = f"q={mark}&limit=2&page={page['next']}" if page["next"] else ""
    assert seen == list(reversed(made)) and pages in (3, 4)
    assert search(api, A, MONUMENTS, "page=zzz").status_code == 422


def test_a_monuments_photo_goes_to_s3_under_the_jst_and_anyone_reads_it_through_the_api(
        api: Any, december: FixedClock) -> None:
    import urllib.request

    from tests.uploads import post_file

    monument = {"name": f"Dworek {token()}", "address": ADDRESS, "teryt": "0921990", "dating": "1 poł. XIX w.",
                "protection": ["rejestr-zabytkow", "ewidencja-gminna"]}
    entry_id = call(api, "POST", f"/v1/tenants/{A}/registers/{MONUMENTS}", {"data": monument},
                    GN).json_body["entry"]["entry_id"]
    base = f"/v1/tenants/{A}/registers/{MONUMENTS}/{entry_id}"
    assert api.http.get(f"{base}/photo").status_code == 404  # none yet
    # When the clerk asks for the upload form and sends a JPEG straight to S3
    photo = b"\xff\xd8\xff\xe0" + b"JFIF-zabytek" * 50
    slot = call(api, "POST", f"{base}/photo", {"content_type": "image/jpeg", "size": len(photo)}, GN)
    assert slot.status_code == 201, slot.body
    assert slot.json_body["upload"]["fields"]["key"].startswith(f"registers/{A}/{MONUMENTS}/{entry_id}/")
    assert post_file(slot.json_body["upload"], photo, filename="dworek.jpg", content_type="image/jpeg") == 204
    # Then anyone gets a link to it from the API, and the entry's history says a photo was added
    shown = api.http.get(base).json_body
    assert shown["photo"] == f"{base}/photo"
    link = api.http.get(f"{base}/photo")
    assert (link.status_code, link.json_body["content_type"]) == (200, "image/jpeg")
    with urllib.request.urlopen(link.json_body["url"], timeout=30) as got:
        assert got.read() == photo
    history = call(api, "GET", f"{base}/history", headers=GN).json_body["history"]
    assert [h["action"] for h in history] == ["created", "photo"]
    # A permit takes no photo
    assert call(api, "POST", f"/v1/tenants/{A}/registers/{ALCOHOL}/{entry_id}/photo",
                {"content_type": "image/png", "size": 10}, DG).status_code == 404

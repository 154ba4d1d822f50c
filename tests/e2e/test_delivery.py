"""Through the deployed stack: a clerk sends an issued letter to a resident's ADE; the deployed worker hands it to
the sandbox e-Delivery box; the resident collects it; the box calls back the deployed API (its secret token in the
URL), which reads the status back and stores the provider's dowód otrzymania."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from tests.conftest import auth
from tests.e2e.conftest import Stack, eventually

A = "1418043"


def registered_case(stack: Stack) -> tuple[str, str]:
    owner = f"doreczenie-{uuid.uuid4().hex[:8]}"
    resident = auth("resident", subject=owner, pesel="44051401359", given_name="Jan", family_name="Kowalski")
    data = {"rodzaj_nadawcy": "osoba-fizyczna",
            "nadawca": {"first_name": "Jan", "last_name": "Kowalski", "pesel": "44051401359"},
            "adres": {"building": "5", "postal_code": "05-500", "city": "Piaseczno"},
            "rodzaj_pisma": "zapytanie", "tytul": "Pytanie", "tresc": "Kiedy oględziny?"}
    reply = stack.call("POST", f"/v1/tenants/{A}/services/pismo-ogolne/submissions", {"data": data},
                       {**resident, "Idempotency-Key": f"doreczenie-{uuid.uuid4().hex}"})
    assert reply.status == 201, reply.body

    def registered() -> Any:
        """the registration worker gave the application its case sign"""
        shown = stack.call("GET", f"/v1/me/submissions/{reply.body['submission_id']}", headers=resident).body
        return shown if shown["case_sign"] else None

    eventually(registered, timeout=120)
    return str(reply.body["submission_id"]), owner


def test_a_letter_sent_through_the_box_is_collected_and_the_callback_stores_the_dowod_otrzymania(
        stack: Stack, edelivery_box: Any) -> None:
    case_id, _ = registered_case(stack)
    clerk = auth("clerk", A, subject="clerk-doreczenia-e2e", department="OR")
    base = f"/v1/tenants/{A}/cases/{case_id}"
    assert stack.call("POST", f"{base}/assignment", {}, clerk).status == 200
    letter = stack.call("POST", f"{base}/letters", {"kind": "pismo", "fields": {"temat": "oględziny",
                                                                              "tresc": "Oględziny 10.12.2026 r."},
                                                   "signer_position": "Kierownik", "signer_name": "Anna Nowak"},
                        {**clerk, "Idempotency-Key": f"pismo-{uuid.uuid4().hex}"})
    assert letter.status == 201, letter.body
    digits = f"{secrets.randbelow(10**10):010d}"
    resident = f"AE:PL-{digits[:5]}-{digits[5:]}-KOWAL-01"
    edelivery_box.register(resident, "Jan Kowalski")
    edelivery_box.register("AE:PL-14180-43000-DEMOA-01", "Urząd Miasta i Gminy Piaseczno", public_body=True)
    sent = stack.call("POST", f"{base}/letters/{letter.body['letter_id']}/delivery", {"ade": resident},
                      {**clerk, "Idempotency-Key": f"wysylka-{uuid.uuid4().hex}"})
    assert sent.status == 201, sent.body
    path = f"{base}/deliveries/{sent.body['delivery_id']}"

    def waiting() -> Any:
        """the deployed worker sent it: it waits in the resident's box with its dowód wysłania"""
        got = stack.call("GET", path, headers=clerk).body
        return got if got["status"] == "czeka_na_odbior" else None

    eventually(waiting, timeout=120)
    [message] = edelivery_box.call("GET", f"/{resident}/messages")["messages"]
    edelivery_box.collect(resident, message["messageId"])

    def delivered() -> Any:
        """the box called the deployed API back, which read the status and stored the dowód otrzymania"""
        got = stack.call("GET", path, headers=clerk).body
        return got if {e["kind"] for e in got["evidences"]} == {"dowod_wyslania", "dowod_otrzymania"} else None

    try:
        done = eventually(delivered, timeout=90)
    except AssertionError as error:
        raise AssertionError(f"{error}; the box's callbacks: {edelivery_box.call('GET', '/_sandbox/callbacks')[-5:]}"
                             ) from error
    assert done["status"] == "doreczona"
    log = edelivery_box.call("GET", "/_sandbox/callbacks")
    calls = [c for c in log if c["body"]["messageId"] == message["messageId"]]
    assert any(200 <= c["status"] < 300 and "/v1/edelivery/callbacks/" in c["url"] for c in calls), calls
    link = stack.call("GET", f"{path}/evidences/{done['evidences'][1]['id']}", headers=clerk)
    assert link.status == 200, link.body

"""What the clerk does with a delivery after sending: the paper return receipt (with the office's own sealed
record of it), an appeal that stops finality, and "send again" after a failed send.

No Chalice, no boto3. Where the box's evidence is the provider's (signed by the e-Delivery provider), the office
keeps it as it came and seals nothing of its own: the provider's signature is the evidence the law names, and a
second seal over the same facts would add no proof. Paper has no provider: the office seals its own record of the
return receipt (who entered which date from which scan, the scan's SHA-256), so that evidence too verifies.
"""

from __future__ import annotations

import copy
import hashlib
from datetime import date, datetime
from typing import Any
from xml.sax.saxutils import escape

from chalicelib.core.errors import Conflict, Unprocessable
from chalicelib.modules.delivery import clocks
from chalicelib.modules.delivery.logic import apply_clocks, next_check
from chalicelib.modules.delivery.records import DELIVERED, PAPER, Ports, Stored, event, evidence_id_of, iso

NS = "urn:eurzad:doreczenia:potwierdzenie-odbioru:1"
SCAN_TYPES = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def _stale() -> Conflict:
    return Conflict("Doręczenie zmieniło się w międzyczasie; odśwież je i spróbuj ponownie.", code="version_conflict")


def scan_type(scan: bytes) -> str:
    for magic, media_type in SCAN_TYPES.items():
        if scan.startswith(magic):
            return media_type
    raise Unprocessable("Skan potwierdzenia odbioru musi być plikiem PDF, JPEG albo PNG.", code="scan_invalid",
                        details=[{"field": "scan_base64", "code": "scan_invalid",
                                  "message": "Dozwolone: PDF, JPEG, PNG."}])


def receipt_xml(record: dict[str, Any], delivered_on: date, scan_sha256: str, clerk: str, at: datetime) -> bytes:
    """The office's record of a paper return receipt, to be sealed."""
    def el(name: str, value: str) -> str:
        return f"<{name}>{escape(value)}</{name}>"

    address = "".join(el("Linia", line) for line in record["recipient"]["address"])
    return (f'<PotwierdzenieOdbioru xmlns="{NS}">'
            + el("IdentyfikatorDoreczenia", record["delivery_id"]) + el("ZnakSprawy", str(record["case_sign"]))
            + el("Pismo", record["title"]) + el("IdentyfikatorPisma", record["letter_id"])
            + el("Nadawca", record["sender"]["name"]) + el("Adresat", record["recipient"]["name"])
            + f"<Adres>{address}</Adres>" + el("DataDoreczenia", delivered_on.isoformat())
            + f'<SkanPotwierdzenia sha256="{scan_sha256}"/>' + el("Wprowadzil", clerk)
            + el("Wprowadzono", iso(at) or "") + "</PotwierdzenieOdbioru>").encode()


def return_receipt(ports: Ports, stored: Stored, *, delivered_on: date, scan: bytes, scan_file_id: str,
                   clerk: str, now: datetime) -> dict[str, Any]:
    """A paper delivery's return receipt: its date (not in the future, not before the letter went) and scan."""
    record = copy.deepcopy(stored.record)
    if record["channel"] != PAPER:
        raise Conflict("Potwierdzenie odbioru wprowadza się tylko dla przesyłki papierowej.", code="not_paper")
    if record["status"] in DELIVERED:
        raise Conflict("Potwierdzenie odbioru zostało już wprowadzone.", code="already_delivered")
    sent_on = clocks.legal_day(datetime.fromisoformat(record["created_at"].replace("Z", "+00:00")))
    if not sent_on <= delivered_on <= clocks.legal_day(now):
        raise Unprocessable("Data doręczenia poza dopuszczalnym zakresem.", code="delivered_on_invalid", details=[
            {"field": "delivered_on", "code": "delivered_on_invalid",
             "message": f"Data doręczenia od {sent_on:%d.%m.%Y} do dziś."}])
    digest = hashlib.sha256(scan).hexdigest()
    sealed = ports.seal(receipt_xml(record, delivered_on, digest, clerk, now), now)
    evidence_id = evidence_id_of(record["delivery_id"], f"return-receipt:{digest}")
    version = ports.files.put_evidence(record["terc"], record["case_id"], record["delivery_id"], evidence_id, sealed)
    record["evidences"].append({
        "id": evidence_id, "source_id": f"return-receipt:{digest}", "kind": "potwierdzenie_odbioru",
        "label": "potwierdzenie odbioru (zapis urzędu z pieczęcią)", "issuer": "urząd",
        "issued_at": iso(now), "event_at": f"{delivered_on.isoformat()}T00:00:00", "sha256":
        hashlib.sha256(sealed).hexdigest(), "size": len(sealed), "version_id": version, "stored_at": iso(now),
        "scan_file_id": scan_file_id, "scan_sha256": digest})
    record.update(status="doreczona", delivered_at=iso(clocks.start_of(delivered_on)),
                  delivered_on=delivered_on.isoformat(), deemed=False, return_receipt_by=clerk)
    event(record, "doreczona", now, delivered_on=delivered_on.isoformat(), by=clerk)
    logs = apply_clocks(ports, record, now)
    record["check_at"] = next_check(record, now)
    if not ports.store.save(Stored(record, stored.version)):
        raise _stale()
    entered = (f"Pismo „{record['title']}” doręczone dnia {delivered_on:%d.%m.%Y} (potwierdzenie odbioru "
               f"wprowadził {clerk})", {"status": "doreczona", "delivered_on": delivered_on.isoformat()})
    ports.case_log(record["terc"], record["case_id"], [_of(record, entry) for entry in (entered, *logs)], now)
    return record


def _of(record: dict[str, Any], entry: tuple[str, dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    return entry[0], {"delivery_id": record["delivery_id"], **entry[1]}


def appeal(ports: Ports, stored: Stored, *, received_on: date, clerk: str, now: datetime) -> dict[str, Any]:
    """An appeal received against the delivered decision: it will not become final by the lapse of the term."""
    record = copy.deepcopy(stored.record)
    if record["letter_kind"] != "decyzja" or not record.get("appeal_until"):
        raise Conflict("Odwołanie dotyczy doręczonej decyzji.", code="not_appealable")
    if record.get("final_on") or record.get("appeal"):
        raise Conflict("Decyzja jest już ostateczna albo odwołanie zostało zapisane.", code="appeal_closed")
    if not date.fromisoformat(record["delivered_on"]) <= received_on <= clocks.legal_day(now):
        raise Unprocessable("Data wniesienia odwołania poza dopuszczalnym zakresem.", code="received_on_invalid",
                            details=[{"field": "received_on", "code": "received_on_invalid",
                                      "message": "Od dnia doręczenia decyzji do dziś."}])
    in_time = received_on <= date.fromisoformat(record["appeal_until"])
    record["appeal"] = {"received_on": received_on.isoformat(), "in_time": in_time, "by": clerk, "at": iso(now)}
    record["check_at"] = None
    event(record, "odwolanie", now, received_on=received_on.isoformat())
    if not ports.store.save(Stored(record, stored.version)):
        raise _stale()
    ports.case_log(record["terc"], record["case_id"], [(
        f"Odwołanie od decyzji „{record['title']}” wniesione {received_on:%d.%m.%Y}"
        + ("" if in_time else " (po terminie)"), {"delivery_id": record["delivery_id"], "status": "odwolanie"})], now)
    return record


def send_again(ports: Ports, stored: Stored, *, clerk: str, now: datetime,
               address: tuple[str, ...] = ()) -> dict[str, Any]:
    """A failed e-Delivery send tried again, with the same message id (the box sends it once); one the box could
    not deliver (niedoręczona) goes on paper instead, to `address` or the one the case holds."""
    record = copy.deepcopy(stored.record)
    if record["status"] == "niedoreczona":
        return _to_paper(ports, stored, record, clerk=clerk, now=now, address=address)
    if record["status"] != "nieudana":
        raise Conflict("Ponowić można tylko nieudaną albo niedoręczoną wysyłkę.", code="not_failed")
    record.update(status="do_wyslania", attempts=0, check_at=iso(now))
    event(record, "ponowiono", now, by=clerk)
    if not ports.store.save(Stored(record, stored.version)):
        raise _stale()
    ports.queue_send((record["terc"], record["case_id"], record["delivery_id"]))
    return record


def _to_paper(ports: Ports, stored: Stored, record: dict[str, Any], *, clerk: str, now: datetime,
              address: tuple[str, ...]) -> dict[str, Any]:
    lines = list(address) or list(record["recipient"].get("address") or [])
    if not lines:
        raise Unprocessable("Do wysyłki papierowej potrzebny jest adres strony.", code="address_required",
                            details=[{"field": "address", "code": "address_required",
                                      "message": "Podaj adres do korespondencji strony."}])
    record["undelivered_electronically"] = {"ade": record["recipient"]["ade"],
                                            "reason": record.get("undelivered_reason")}
    record.update(channel=PAPER, status="do_wydruku", check_at=None,
                  recipient={**record["recipient"], "address": lines, "public_body": False})
    event(record, "papier", now, by=clerk)
    if not ports.store.save(Stored(record, stored.version)):
        raise _stale()
    ports.case_log(record["terc"], record["case_id"], [(
        f"Pismo „{record['title']}” niedoręczone elektronicznie: wysyłka papierowa",
        {"delivery_id": record["delivery_id"], "status": "do_wydruku"})], now)
    return record

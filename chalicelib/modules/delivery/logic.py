"""Sending an issued letter and following it to the party: the channel, the send with its retries, the box's
statuses and evidences, the legal clocks (deemed delivery on D+15, the day-7 courtesy reminder, the decision's
appeal term and finality).

No Chalice, no boto3: the deliveries' records, the box, the files, the case's history and the mail are ports
(`records.Ports`). The box's own word is never taken blindly: a status is read back from the box (a callback only
says "look"), and a deemed delivery is never recorded before 00:00 Warsaw on D+15.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Mapping, Set
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from chalicelib.core.errors import Conflict, Unprocessable
from chalicelib.integrations.edelivery import (
    Document,
    EDeliveryError,
    Evidence,
    EvidenceKind,
    MessageStatus,
    OutgoingMessage,
    StatusReport,
)
from chalicelib.modules.delivery import clocks
from chalicelib.modules.delivery.records import (
    BACKOFF_SECONDS,
    DELIVERED,
    E_DELIVERY,
    MAX_ATTEMPTS,
    PAPER,
    POLL_SECONDS,
    PUBLIC_BODY,
    Ports,
    Stored,
    delivery_id_of,
    event,
    evidence_id_of,
    iso,
    parse,
)

BOX_STATUS = {MessageStatus.SUBMITTED: "wyslana", MessageStatus.SENT: "wyslana",
              MessageStatus.AWAITING: "czeka_na_odbior", MessageStatus.DELIVERED: "doreczona",
              MessageStatus.DEEMED_DELIVERED: "doreczona_z_mocy_prawa", MessageStatus.UNDELIVERED: "niedoreczona"}
EVIDENCE_NAMES = {EvidenceKind.SENDING: "dowod_wyslania", EvidenceKind.RECEIPT: "dowod_otrzymania",
                  EvidenceKind.DEEMED_RECEIPT: "dowod_otrzymania_uznane"}


@dataclass(frozen=True)
class Request:
    """What the clerk asks: a channel (`auto` picks by the ADE), the party's ADE if not on the case, whether that
    ADE is a public body's, and a postal address for paper if the case has none."""

    channel: str  # auto, e-doreczenie, papier
    ade: str | None
    public_body: bool
    address: tuple[str, ...]

    def digest(self) -> str:
        body = {"channel": self.channel, "ade": self.ade, "public_body": self.public_body, "address": self.address}
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def party_of(case: Mapping[str, Any]) -> tuple[str, str | None, tuple[str, ...]]:
    """The party's name, ADE and postal address lines as the case holds them."""
    data = case.get("applicant_data") or {}
    address = data.get("address") or {}
    lines = tuple(line for line in (
        " ".join(str(address.get(k) or "") for k in ("street", "building")).strip(),
        " ".join(str(address.get(k) or "") for k in ("postal_code", "city")).strip()) if line)
    ade = data.get("edelivery_address") or case.get("edelivery_address")
    return str(case.get("applicant") or data.get("name") or ""), (str(ade) if ade else None), lines


def plan(request: Request, case: Mapping[str, Any], public_bodies: Set[str]) -> dict[str, Any]:
    """The channel and the recipient: an ADE goes by e-Delivery (a public body's: delivered on arrival), none (or
    the clerk's choice of paper) by the hybrid service, which needs a postal address."""
    name, case_ade, lines = party_of(case)
    ade = request.ade or case_ade
    if request.channel == E_DELIVERY and not ade:
        raise Unprocessable("Strona nie ma adresu do doręczeń elektronicznych; podaj go albo wybierz papier.",
                            code="ade_required", details=[{"field": "ade", "code": "ade_required",
                                                           "message": "Podaj adres do doręczeń elektronicznych."}])
    if ade and request.channel != PAPER:
        public = request.public_body or ade in public_bodies
        return {"channel": PUBLIC_BODY if public else E_DELIVERY,
                "recipient": {"name": name, "ade": ade, "public_body": public, "address": list(lines)}}
    address = list(request.address) or list(lines)
    if not address:
        raise Unprocessable("Do wysyłki papierowej potrzebny jest adres strony.", code="address_required",
                            details=[{"field": "address", "code": "address_required",
                                      "message": "Sprawa nie zawiera adresu strony; podaj adres do korespondencji."}])
    return {"channel": PAPER, "recipient": {"name": name, "ade": None, "public_body": False, "address": address}}


def begin(ports: Ports, *, case: Mapping[str, Any], letter: Mapping[str, Any], sender_ade: str, office: str,
          request: Request, public_bodies: Set[str], clerk: str, key: str,
          now: datetime) -> tuple[dict[str, Any], bool]:
    """The letter's delivery, begun now (True) or the one begun before under this key (False); 409 if the letter
    is already on its way under another request (one delivery per letter)."""
    terc, case_id = str(case["terc"]), str(case["case_id"])
    delivery_id = delivery_id_of(terc, case_id, str(letter["letter_id"]))
    earlier = ports.store.get(terc, case_id, delivery_id)
    if earlier is not None:
        return _replayed(earlier.record, request, key), False
    chosen = plan(request, case, public_bodies)
    record: dict[str, Any] = {
        "delivery_id": delivery_id, "terc": terc, "case_id": case_id, "case_sign": case.get("case_sign"),
        "letter_id": letter["letter_id"], "letter_kind": letter["kind"], "title": letter["title"],
        "files": [letter["files"]["xml"]["id"], letter["files"]["pdf"]["id"]], **chosen,
        "sender": {"ade": sender_ade, "name": office}, "status": "do_wydruku" if chosen["channel"] == PAPER
        else "do_wyslania", "attempts": 0, "created_at": iso(now), "created_by": clerk, "key": key,
        "request_sha256": request.digest(), "evidences": [], "events": []}
    record["check_at"] = None if chosen["channel"] == PAPER else iso(now + timedelta(seconds=BACKOFF_SECONDS[0]))
    event(record, "utworzono", now, channel=chosen["channel"])
    if not ports.store.save(Stored(record, 0)):
        again = ports.store.get(terc, case_id, delivery_id)
        return _replayed(again.record if again else record, request, key), False
    ports.case_log(terc, case_id, [(f"Pismo „{record['title']}”: wysyłka, kanał {chosen['channel']}"
                                    + (f" na adres {chosen['recipient']['ade']}" if chosen["recipient"]["ade"] else ""),
                                    {"delivery_id": delivery_id, "status": record["status"]})], now)
    if chosen["channel"] != PAPER:
        ports.queue_send((terc, case_id, delivery_id))
    return record, True


def _replayed(record: dict[str, Any], request: Request, key: str) -> dict[str, Any]:
    if record.get("key") != key or record.get("request_sha256") != request.digest():
        raise Conflict("To pismo zostało już skierowane do doręczenia; nieudaną wysyłkę ponawia „Wyślij ponownie”.",
                       code="letter_already_sent")
    return record


def send(ports: Ports, key: tuple[str, str, str], now: datetime) -> dict[str, Any] | None:
    """One attempt to hand the letter to the box (our message id is the delivery's: the box sends it once)."""
    stored = ports.store.get(*key)
    if stored is None or stored.record["status"] != "do_wyslania":
        return stored.record if stored else None
    record = copy.deepcopy(stored.record)
    terc, case_id, delivery_id = key
    try:
        xml, pdf = ports.files.letter_documents(terc, case_id, record["files"])
        box_id = ports.box().send(OutgoingMessage(
            message_id=delivery_id, sender=record["sender"]["ade"], recipient=record["recipient"]["ade"],
            subject=f"{record['title']} — {record['case_sign']}",
            documents=(Document(f"{record['letter_kind']}.xml", "application/xml", xml),
                       Document(f"{record['letter_kind']}.pdf", "application/pdf", pdf)),
            body=f"{record['sender']['name']} przesyła pismo w sprawie {record['case_sign']}."))
    except EDeliveryError as error:
        return _failed(ports, stored, record, error, now)
    record.update(status="wyslana", box_message_id=box_id, sent_at=iso(now), check_at=iso(now), last_error=None)
    event(record, "wyslano", now, box_message_id=box_id)
    if not ports.store.save(Stored(record, stored.version)):
        return None  # a concurrent attempt recorded it (the box returned the same id to both)
    return refresh(ports, key, now)


def _failed(ports: Ports, stored: Stored, record: dict[str, Any], error: EDeliveryError,
            now: datetime) -> dict[str, Any]:
    record["attempts"] = attempts = int(record.get("attempts", 0)) + 1
    record["last_error"] = {"at": iso(now), "message": str(error)[:300], "status": error.status}
    given_up = not error.retryable or attempts >= MAX_ATTEMPTS
    if given_up:
        record.update(status="nieudana", check_at=None)
        event(record, "nieudana", now, attempts=attempts)
    else:
        delay = max(BACKOFF_SECONDS[min(attempts, len(BACKOFF_SECONDS) - 1)], error.retry_after or 0)
        record["check_at"] = iso(now + timedelta(seconds=delay))
        event(record, "proba_nieudana", now, attempts=attempts)
    if ports.store.save(Stored(record, stored.version)) and given_up:
        ports.case_log(record["terc"], record["case_id"], [(
            f"Wysyłka pisma „{record['title']}” nieudana po {attempts} próbach: {record['last_error']['message']}",
            {"delivery_id": record["delivery_id"], "status": "nieudana"})], now)
    return record


def refresh(ports: Ports, key: tuple[str, str, str], now: datetime) -> dict[str, Any] | None:
    """Bring the delivery up to date: the box's status and new evidences, then the clocks."""
    stored = ports.store.get(*key)
    if stored is None:
        return None
    if stored.record["status"] == "do_wyslania":
        return send(ports, key, now)
    record = copy.deepcopy(stored.record)
    logs: list[tuple[str, dict[str, Any]]] = []
    if record.get("box_message_id") and _box_may_change(record):
        box = ports.box()
        report = box.status(record["sender"]["ade"], record["box_message_id"])
        evidences = box.evidences(record["sender"]["ade"], record["box_message_id"])
        logs += apply_report(record, report, now)
        logs += _store_evidences(ports, record, evidences, now)
    logs += apply_clocks(ports, record, now)
    record["check_at"] = next_check(record, now)
    if record == stored.record or not ports.store.save(Stored(record, stored.version)):
        return record
    if logs:  # one change of the case for everything this look found
        ports.case_log(record["terc"], record["case_id"],
                       [(reason, {"delivery_id": record["delivery_id"], **details}) for reason, details in logs], now)
    return record


def _box_may_change(record: dict[str, Any]) -> bool:
    if record["status"] in ("wyslana", "czeka_na_odbior"):
        return True
    kinds = {e["kind"] for e in record["evidences"]}
    return record["status"] in DELIVERED and not kinds & {"dowod_otrzymania", "dowod_otrzymania_uznane"}


def apply_report(record: dict[str, Any], report: StatusReport, now: datetime) -> list[tuple[str, dict[str, Any]]]:
    """The box's status into the record; the log lines for the case. Never a deemed delivery before D+15."""
    for name in ("sent_at", "arrived_at"):
        if getattr(report, name) and not record.get(name):
            record[name] = iso(getattr(report, name))
    status = BOX_STATUS[report.status]
    arrived = parse(record.get("arrived_at"))
    delivered_at = report.delivered_at
    if record["recipient"]["public_body"] and arrived and status == "czeka_na_odbior":
        status, delivered_at = "doreczona", arrived  # a public body: delivered when it lands in its box
    if status == "doreczona_z_mocy_prawa" and arrived and now < clocks.deemed_at(arrived):
        status = "czeka_na_odbior"  # the box is early: the law says D+15
    if status == record["status"] or record["status"] in (*DELIVERED, "niedoreczona"):
        return []
    record["status"] = status
    if status in DELIVERED:
        return [_delivered(record, delivered_at or now, deemed=status == "doreczona_z_mocy_prawa", by="skrzynka",
                           now=now)]
    if status == "niedoreczona":
        record["undelivered_reason"] = report.undelivered_reason
        event(record, "niedoreczona", now, reason=report.undelivered_reason)
        return [(f"Pismo „{record['title']}” niedoręczone: {report.undelivered_reason or 'bez podanej przyczyny'}",
                 {"status": status})]
    event(record, status, now)
    return []


def _delivered(record: dict[str, Any], at: datetime, *, deemed: bool, by: str,
               now: datetime) -> tuple[str, dict[str, Any]]:
    day = clocks.delivered_day(parse(record.get("arrived_at")), at, deemed=deemed)
    record.update(delivered_at=iso(at), delivered_on=day.isoformat(), deemed=deemed)
    event(record, record["status"], now, delivered_on=day.isoformat(), by=by)
    how = "uznane za doręczone (nieodebrane w 14 dni)" if deemed else "doręczone"
    return (f"Pismo „{record['title']}” {how} dnia {day:%d.%m.%Y}",
            {"status": record["status"], "delivered_on": day.isoformat()})


def _store_evidences(ports: Ports, record: dict[str, Any], evidences: list[Evidence],
                     now: datetime) -> list[tuple[str, dict[str, Any]]]:
    known, logs = {e["source_id"] for e in record["evidences"]}, []
    for evidence in evidences:
        if evidence.evidence_id in known:
            continue
        evidence_id = evidence_id_of(record["delivery_id"], evidence.evidence_id)
        version = ports.files.put_evidence(record["terc"], record["case_id"], record["delivery_id"], evidence_id,
                                           evidence.xml)
        record["evidences"].append({
            "id": evidence_id, "source_id": evidence.evidence_id, "kind": EVIDENCE_NAMES[evidence.kind],
            "label": evidence.kind.value, "issuer": "dostawca usługi e-Doręczeń", "issued_at": iso(evidence.issued_at),
            "event_at": iso(evidence.event_at), "sha256": hashlib.sha256(evidence.xml).hexdigest(),
            "size": len(evidence.xml), "version_id": version, "stored_at": iso(now)})
        day = clocks.legal_day(evidence.event_at)
        logs.append((f"Pismo „{record['title']}”: {evidence.kind.value} z {day:%d.%m.%Y}",
                     {"evidence_id": evidence_id, "evidence": EVIDENCE_NAMES[evidence.kind],
                      "event_at": iso(evidence.event_at)}))
    return logs


def apply_clocks(ports: Ports, record: dict[str, Any], now: datetime) -> list[tuple[str, dict[str, Any]]]:
    """Our own clocks: deemed delivery by law on D+15 if the box is late, the day-7 reminder, the appeal term."""
    logs: list[tuple[str, dict[str, Any]]] = []
    arrived = parse(record.get("arrived_at"))
    if record["status"] == "czeka_na_odbior" and arrived:
        if now >= clocks.deemed_at(arrived):
            record["status"] = "doreczona_z_mocy_prawa"
            logs.append(_delivered(record, clocks.deemed_at(arrived), deemed=True, by="urząd", now=now))
        elif now >= clocks.reminder_at(arrived) and not record.get("reminder_at"):
            _remind(ports, record, now)
    if record["status"] in DELIVERED and record["letter_kind"] == "decyzja" and not record.get("appeal_until"):
        until = clocks.appeal_until(_day(record["delivered_on"]), ports.working_day)
        record["appeal_until"] = until.isoformat()
    final = _final_day(record)
    if final and clocks.legal_day(now) >= final:
        record["final_on"] = final.isoformat()
        event(record, "ostateczna", now, final_on=final.isoformat())
        logs.append((f"Decyzja „{record['title']}” stała się ostateczna z dniem {final:%d.%m.%Y}: nie wniesiono "
                     f"odwołania w terminie (do {_day(record['appeal_until']):%d.%m.%Y}, art. 129 § 2 KPA)",
                     {"status": "ostateczna", "final_on": final.isoformat()}))
    return logs


def _final_day(record: dict[str, Any]) -> date | None:
    if not record.get("appeal_until") or record.get("appeal") or record.get("final_on"):
        return None
    return clocks.final_on(_day(record["appeal_until"]))


def _remind(ports: Ports, record: dict[str, Any], now: datetime) -> None:
    to = ports.party_email(record["terc"], record["case_id"])
    record["reminder_at"] = iso(now)
    event(record, "przypomnienie", now, sent=bool(to))
    if to:
        deemed = clocks.deemed_day(parse(record["arrived_at"]) or now)
        ports.mail(to, f"Czeka na Ciebie pismo w sprawie {record['case_sign']}",
                   f"Dzień dobry,\n\nw Twojej skrzynce do doręczeń elektronicznych czeka od 7 dni pismo "
                   f"„{record['title']}” ({record['sender']['name']}, sprawa {record['case_sign']}).\n"
                   f"Jeśli go nie odbierzesz, zostanie uznane za doręczone z dniem {deemed:%d.%m.%Y}.\n"
                   "To grzecznościowe przypomnienie, nie czynność prawna.")


def next_check(record: dict[str, Any], now: datetime) -> str | None:
    """When the poller looks again: while the box may change, by the next clock; then for finality; then never."""
    poll = now + timedelta(seconds=POLL_SECONDS)
    arrived = parse(record.get("arrived_at"))
    if record["status"] == "czeka_na_odbior" and arrived:
        moments = [poll, clocks.deemed_at(arrived)]
        if not record.get("reminder_at"):
            moments.append(clocks.reminder_at(arrived))
        return iso(max(min(moments), now))
    if _box_may_change(record):
        return iso(poll)
    final = _final_day(record)
    return iso(clocks.start_of(final)) if final else None


def _day(value: str) -> date:
    return date.fromisoformat(value)

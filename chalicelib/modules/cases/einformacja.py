"""e-informacja: a case as its party sees it. Stages with their dates and the words the office chose for the
party, the due date and why it moved, the requests to supplement with their terms. Never the internal notes,
the clerk's own reasons, the assignee or the flags for staff.

Pure. Only states whose "inform the party" flag is set make a stage; an assignment change never does.
"""

from __future__ import annotations

from typing import Any

from chalicelib.core.errors import NotFound
from chalicelib.modules.cases import fee, kpa_clock, notices, office_files
from chalicelib.modules.cases.lifecycle import STATES, State
from chalicelib.modules.cases.models import StoredCase

SHOWN = ("case_id", "case_sign", "terc", "service", "service_name", "submission_id", "registered_at", "status",
         "deadline", "due_date")


def summary(record: dict[str, Any]) -> dict[str, Any]:
    """One line of "my cases"; a forwarded case points to the receiver's case, which names where it came from."""
    line = {**{k: record.get(k) for k in SHOWN}, "state_label": STATES[State(record["status"])].label,
            "filed_on": record.get("filed_on") or record.get("started_on"), "fee": fee.view(record)}
    if record.get("forwarded_to"):
        line["forwarded_to"] = {k: v for k, v in record["forwarded_to"].items()
                                if k in ("terc", "office", "case_id", "reason")}
    if record.get("forwarded_from"):
        line["forwarded_from"] = {k: v for k, v in record["forwarded_from"].items()
                                  if k in ("terc", "office", "case_sign", "case_id", "forwarded_at", "reason")}
    return line


def stages(record: dict[str, Any], life: dict[str, Any]) -> list[dict[str, Any]]:
    registered = STATES[State.ZAREJESTROWANA]
    shown = [{"state": State.ZAREJESTROWANA.value, "label": registered.label, "at": record["registered_at"],
              "text": registered.resident_text}]
    if record.get("fee"):  # registered awaiting its fee: what the party must do, from the day it was registered
        waiting = STATES[State.OCZEKUJE]
        shown.append({"state": State.OCZEKUJE.value, "label": waiting.label, "at": record["registered_at"],
                      "text": waiting.resident_text})
    for entry in life["history"]:
        if entry["kind"] == "forwarded_in":  # the registration of a forwarded case: its own words
            shown[0]["text"] = entry["resident_text"]
            continue
        if not entry["inform_party"]:
            continue
        stage = {"state": entry["to"], "label": entry.get("label") or notices.label_of(entry), "at": entry["at"],
                 "text": entry["resident_text"]}
        for key in ("due_date", "basis", "gaps", "term_until", "document", "document_file", "office", "received_at",
                    "receipt_id", "forwarded_to", "amount"):
            if key in entry:
                stage[key] = entry[key]
        shown.append(stage)
    return shown


def case_for(stored: StoredCase | None, *, owner: str) -> dict[str, Any]:
    """The party's own case in full; 404 for anyone else's (nothing tells them it exists)."""
    if stored is None or stored.record.get("owner") != owner:
        raise NotFound("Nie ma takiej sprawy wśród Twoich spraw.", code="case_not_found")
    return party_view(stored)


def party_view(stored: StoredCase) -> dict[str, Any]:
    """The case as its party sees it: for its owner, or for whoever holds a paper case's access code."""
    record, life = stored.record, stored.life
    clock = kpa_clock.view(record, life)
    return {**summary(record), "stages": stages(record, life),
            "clock": {k: clock[k] for k in ("running", "ended", "stopped_since", "started_on", "original_due_date",
                                            "due_date", "paused_days")},
            # why the due date moved: each period that did not count, with its legal basis
            "pauses": [{k: p[k] for k in ("state", "from", "to", "days", "basis")} for p in life["pauses"]],
            # the new dates the office named for an overdue case, with the reason it must give (art. 36 § 1)
            "extensions": [{k: e[k] for k in ("due_date", "reason", "set_on", "basis")}
                           for e in life.get("extensions", [])],
            "summonses": summonses(record, life),
            # the files the office shared with the party (never an internal one)
            "files": office_files.for_party(record),
            "delivery_to": delivery_to(record)}


def delivery_to(record: dict[str, Any]) -> dict[str, Any]:
    """Where the office's letters go unless the clerk chooses otherwise: the party's ADE (e-Doręczenia), or else
    by post to the address the case holds (a paper case's), or the one the application gave."""
    data = record.get("applicant_data") or {}
    ade = record.get("edelivery_address") or data.get("edelivery_address")
    if ade:
        return {"channel": "e-doreczenie", "ade": ade, "address": [],
                "text": f"Na Twój adres do doręczeń elektronicznych {ade} (e-Doręczenia)."}
    a = data.get("address") or {}
    lines = [line for line in (" ".join(str(a.get(k) or "") for k in ("street", "building")).strip(),
                               " ".join(str(a.get(k) or "") for k in ("postal_code", "city")).strip()) if line]
    return {"channel": "papier", "ade": None, "address": lines,
            "text": "Pocztą na adres: " + ", ".join(lines) + "." if lines
            else "Pocztą na adres do korespondencji podany we wniosku."}


def summonses(record: dict[str, Any], life: dict[str, Any]) -> list[dict[str, Any]]:
    """Each summons with its term; whether, when and with which UPP it was answered (an answer the clerk recorded
    by hand has none); the open one names where to answer it."""
    shown = []
    for n, s in enumerate(life["summonses"], start=1):
        line = {k: s[k] for k in ("issued_on", "gaps", "term_days", "term_until", "answered_on")}
        answer = s.get("answer")
        line["answer"] = {**answer, "upp": f"/v1/me/submissions/{answer['submission_id']}/upp"} if answer else None
        line["open"] = (not s["answered_on"] and n == len(life["summonses"])
                        and record["status"] == State.WEZWANIE.value)
        line["answer_url"] = f"/v1/me/cases/{record['case_id']}/supplements" if line["open"] else None
        shown.append(line)
    return shown

"""The fee of a case: registered awaiting it, the payment order it asks for, and what the payment's outcome does.

Pure. A submission filed with a payable fee (`RegistrationFacts.fee`) is registered `oczekuje_na_oplate`, its KPA
clock stopped from the filing day (art. 35 § 5: the party's delay), and asks the payments module for an order
(`PaymentRequested`, once: see `payment_requests`). The payments module answers with `PaymentSettled`:
- `oplacone`: the case moves on to `zarejestrowana` (a system act), its pause closed on the payment's date;
- `wygasle`: the party is told the fee was not paid in time, and the clerk's inbox marks the row (`fee_unpaid`,
  `?fee_unpaid=1`) so that the clerk summons the party to pay within 7 days (art. 261 § 1 KPA);
- `zwrocone`: the refund is recorded.
A fee paid another way (the office's cash desk, a transfer to the JST's account; the only way where the JST takes
no payments online) is recorded by the case's clerk (`paid_otherwise`): the case moves on exactly as after
`oplacone`, its pause closed on the payment's day; the payments module then closes the case's open order.
An outcome the case already shows is a repeat and writes nothing; one for a case the clerk moved on (a summons,
a forwarding) is recorded in the history without a transition.

Forwarding a case awaiting its fee (art. 65 § 1 KPA) sends no fee with it: the fee is owed to the competent
authority under its own rules, so the receiver registers the case and asks for its fee itself (art. 261); the
sender's order expires unpaid, or, paid meanwhile, is the sender's to refund.
"""

from __future__ import annotations

import copy
import uuid
from datetime import date, datetime, time
from typing import Any, Literal

from chalicelib.core.clock import WARSAW
from chalicelib.core.errors import Conflict, Unprocessable
from chalicelib.events.topics import PaymentRequested, PaymentSettled
from chalicelib.model.fees import FeeDue
from chalicelib.modules.cases import lifecycle

# fee status (stored) -> its words for the resident and the clerk
STATUS_LABELS = {"nalezna": "należna", "oplacona": "opłacona", "nieoplacona": "nieopłacona w terminie",
                 "zwrocona": "zwrócona"}
_IDS = uuid.UUID("0b6f2f4e-8f8e-4a3c-9d0e-5b2b7d3c6a21")
PAID_TEXT = ("Opłata {amount} zł wpłynęła {day} r. Urząd rozpatrzy sprawę; termin załatwienia sprawy biegnie od dnia "
             "zapłaty (art. 35 § 5 KPA).")
EXPIRED_TEXT = ("Opłata {amount} zł nie została uiszczona w terminie. Urząd wezwie Cię do jej uiszczenia w terminie "
                "7 dni; po jego bezskutecznym upływie wniosek zostanie zwrócony (art. 261 § 1 KPA).")
HOW = {"kasa": "w kasie urzędu", "przelew": "przelewem na rachunek urzędu"}
REFUNDED_TEXT = "Urząd zwrócił {amount} zł z uiszczonej opłaty ({day} r.)."


class NothingToDo(Exception):
    """The case already shows this outcome of its payment (a redelivered event): nothing is written."""


def zloty(grosze: int) -> str:
    return f"{grosze // 100},{grosze % 100:02d}"


def due_record(fee: FeeDue | None, case_id: str) -> dict[str, Any] | None:
    """The fee as the case stores it at registration; None if nothing is owed (no fee, or exempt)."""
    if fee is None or not fee.payable:
        return None
    return {"amount": fee.amount, "currency": fee.currency, "title": fee.title, "legal_basis": fee.legal_basis,
            "status": "nalezna", "order_id": case_id, "paid_at": None, "refunded": 0}


def view(record: dict[str, Any]) -> dict[str, Any] | None:
    """The fee as the resident and the clerk see it (None: the case owes none)."""
    fee = record.get("fee")
    if not fee:
        return None
    shown = ("amount", "currency", "title", "legal_basis", "status", "paid_at", "order_id", "refunded", "paid_how",
             "paid_reference")
    return {k: fee.get(k) for k in shown} | {"status_label": STATUS_LABELS[fee["status"]],
                                             "payable": record.get("status") == lifecycle.State.OCZEKUJE.value
                                             and fee["status"] == "nalezna"}


def unpaid(record: dict[str, Any]) -> bool:
    """The order expired unpaid and the case still waits: the clerk is to summon the party (art. 261 § 1)."""
    fee = record.get("fee") or {}
    return fee.get("status") == "nieoplacona" and record.get("status") == lifecycle.State.OCZEKUJE.value


def request_of(record: dict[str, Any], *, email: str | None) -> PaymentRequested | None:
    """The order a case registered with its fee asks for; the same event (id too) however often it is built."""
    fee = record.get("fee")
    if not fee:
        return None
    due = FeeDue(amount=fee["amount"], currency=fee["currency"], title=fee["title"], legal_basis=fee["legal_basis"])
    return PaymentRequested(event_id=uuid.uuid5(_IDS, f"payment\n{record['case_id']}").hex, terc=record["terc"],
                            case_id=record["case_id"], sign=record["case_sign"], owner=record["owner"],
                            service=record["service"], email=email, fee=due,
                            requested_at=datetime.fromisoformat(record["registered_at"]))


def settle(record: dict[str, Any], life: dict[str, Any], event: PaymentSettled, *,
           at: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """The case after its payment's outcome; `NothingToDo` if it shows it already (or has no fee)."""
    fee = record.get("fee")
    if not fee or any(e.get("event_id") == event.event_id for e in life["history"]):
        raise NothingToDo
    day = event.at.astimezone(WARSAW).date()
    changed: dict[str, Any]
    words = {"amount": zloty(event.amount), "day": f"{day:%d.%m.%Y}"}
    details: dict[str, Any] = {"event_id": event.event_id, "order_id": event.order_id, "amount": event.amount,
               "settled_at": event.at.isoformat()}
    if event.status == "oplacone":
        if fee["status"] in ("oplacona", "zwrocona"):
            raise NothingToDo
        changed = {"status": "oplacona", "paid_at": event.at.isoformat()}
        kind, text, reason = "fee_paid", PAID_TEXT.format(**words), f"Opłata zaksięgowana: {words['amount']} zł."
    elif event.status == "wygasle":
        if fee["status"] != "nalezna":
            raise NothingToDo
        changed = {"status": "nieoplacona"}
        kind, text, reason = "fee_expired", EXPIRED_TEXT.format(**words), "Zlecenie płatności wygasło nieopłacone."
    elif event.status == "zwrocone":
        if event.amount <= int(fee.get("refunded") or 0):
            raise NothingToDo
        changed = {"refunded": event.amount, "status": "zwrocona" if event.amount >= fee["amount"] else fee["status"]}
        kind, text, reason = "fee_refunded", REFUNDED_TEXT.format(**words), f"Zwrot opłaty: {words['amount']} zł."
    else:
        raise NothingToDo  # an outcome the case does not act on
    if kind == "fee_paid" and record["status"] == lifecycle.State.OCZEKUJE.value:
        record, life = lifecycle.system_transition(record, life, lifecycle.State.ZAREJESTROWANA, kind=kind,
                                                   reason=reason, at=at, on=day, **details)
        life["history"][-1]["resident_text"] = text
    else:  # no transition: the clerk moved the case on meanwhile, or the outcome moves nothing
        record, life = copy.deepcopy(record), copy.deepcopy(life)
        status = record["status"]
        life["history"].append({"kind": kind, "at": at.isoformat(), "by": lifecycle.SYSTEM, "by_name": None,
                                "reason": reason, "from": status, "to": status, "inform_party": True,
                                "resident_text": text, **details})
    record["fee"] = {**fee, **changed}
    return record, life


def paid_otherwise(record: dict[str, Any], life: dict[str, Any], *, amount: int, paid_on: date,
                   how: Literal["kasa", "przelew"], reference: str | None, actor: lifecycle.Actor,
                   at: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fee paid at the cash desk or by transfer, recorded by the clerk: the case moves on as when paid online.

    409 `fee_not_awaited` unless the case waits for its fee; 422 on the field for an amount other than the fee, a
    day in the future or before the filing, a transfer without its reference.
    """
    fee = record.get("fee")
    if not fee or record.get("status") != lifecycle.State.OCZEKUJE.value or fee["status"] not in ("nalezna",
                                                                                                 "nieoplacona"):
        raise Conflict("Sprawa nie oczekuje na opłatę.", code="fee_not_awaited")
    problems = []
    if amount != fee["amount"]:
        problems.append(("amount", "not_the_fee", f"Opłata za sprawę wynosi {zloty(fee['amount'])} zł."))
    if paid_on > at.astimezone(WARSAW).date():
        problems.append(("paid_on", "in_future", "Dzień wpłaty nie może być późniejszy niż dziś."))
    elif paid_on < datetime.fromisoformat(record["registered_at"]).astimezone(WARSAW).date():
        problems.append(("paid_on", "before_filing", "Dzień wpłaty nie może być wcześniejszy niż wniesienie sprawy."))
    if how == "przelew" and not reference:
        problems.append(("reference", "missing", "Podaj tytuł lub identyfikator przelewu."))
    if problems:
        raise Unprocessable(details=[{"field": f, "code": c, "message": m} for f, c, m in problems])
    words = {"amount": zloty(amount), "day": f"{paid_on:%d.%m.%Y}"}
    record, life = lifecycle.system_transition(
        record, life, lifecycle.State.ZAREJESTROWANA, kind="fee_paid", at=at, on=paid_on,
        reason=f"Opłata wniesiona {HOW[how]}: {words['amount']} zł, {words['day']} r.", order_id=fee["order_id"],
        amount=amount, paid_on=paid_on.isoformat(), how=how, reference=reference)
    entry = life["history"][-1]
    entry.update(by=actor.subject, by_name=actor.name, resident_text=PAID_TEXT.format(**words))
    record["fee"] = {**fee, "status": "oplacona", "paid_how": how, "paid_reference": reference,
                     "paid_at": datetime.combine(paid_on, time(), WARSAW).isoformat()}
    return record, life

"""A case's life after registration: its states, the transitions the KPA allows, assignment and internal notes.

Pure: functions over the case's registration record and its life (history, pauses, summonses, notes), both
JSON-ready dicts, returning new ones; the repository writes them with the version they were read at. Every
change is one history entry (who, when, why), with the "inform the party" flag and the text the resident sees.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

from chalicelib.core.clock import WARSAW
from chalicelib.core.errors import Conflict, Forbidden
from chalicelib.model import jrwa as wykaz
from chalicelib.modules.cases import kpa_clock
from chalicelib.modules.cases.deadlines import next_working_day

MIN_SUMMONS_DAYS = 7  # art. 64 § 2 KPA: a term of at least seven days
PAPER_NOTE = ("Organ spoza platformy e-Urząd: platforma niczego nie wysłała. Przekaż wniosek z dokumentami "
              "pismem (art. 65 § 1 KPA).")


class State(str, Enum):
    OCZEKUJE = "oczekuje_na_oplate"  # registered with a fee not paid yet (art. 261 § 1 KPA)
    ZAREJESTROWANA = "zarejestrowana"
    W_TOKU = "w_toku"
    WEZWANIE = "wezwanie"
    UZUPELNIONA = "uzupelniona"
    POZOSTAWIONA = "pozostawiona_bez_rozpoznania"
    ZAWIESZONA = "zawieszona"
    PODJETA = "podjeta"
    PRZEKAZANA = "przekazana"
    ZALATWIONA = "zalatwiona"
    ZAKONCZONA = "zakonczona"
    UMORZONA = "umorzona"


@dataclass(frozen=True)
class StateInfo:
    label: str  # as the resident and the clerk read it
    inform_party: bool  # the resident is told (by law or courtesy) when the case enters this state
    resident_text: str


S = State
FEE_TEXT = ("Wniosek podlega opłacie. Zapłać ją na platformie e-Urząd („Zapłać teraz” na stronie sprawy); urząd "
            "rozpatrzy sprawę po jej zaksięgowaniu. Do czasu zapłaty termin załatwienia sprawy nie biegnie (art. 35 "
            "§ 5 KPA). Jeśli opłata nie wpłynie, urząd wezwie do jej uiszczenia w terminie 7 dni, a po jego "
            "bezskutecznym upływie zwróci wniosek (art. 261 § 1 KPA).")
STATES: dict[State, StateInfo] = {
    S.OCZEKUJE: StateInfo("oczekuje na opłatę", True, FEE_TEXT),
    S.ZAREJESTROWANA: StateInfo("zarejestrowana", True, "Sprawa została zarejestrowana."),
    S.W_TOKU: StateInfo("w toku", True, "Sprawę przydzielono pracownikowi urzędu, który ją rozpatruje."),
    S.WEZWANIE: StateInfo(
        "wezwanie do uzupełnienia", True,
        "Urząd wzywa do uzupełnienia braków wniosku w wyznaczonym terminie (art. 64 § 2 KPA). Do czasu "
        "uzupełnienia termin załatwienia sprawy nie biegnie."),
    S.UZUPELNIONA: StateInfo("uzupełniona", True,
                             "Braki wniosku zostały uzupełnione; termin załatwienia sprawy biegnie dalej."),
    S.POZOSTAWIONA: StateInfo(
        "pozostawiona bez rozpoznania", True,
        "Wniosek pozostawiono bez rozpoznania: braki nie zostały uzupełnione w terminie (art. 64 § 2 KPA)."),
    S.ZAWIESZONA: StateInfo("zawieszona", True, "Postępowanie zostało zawieszone (art. 97 KPA); w tym czasie "
                                                "termin załatwienia sprawy nie biegnie."),
    S.PODJETA: StateInfo("podjęta", True, "Zawieszone postępowanie zostało podjęte (art. 97 § 2 KPA); termin "
                                          "załatwienia sprawy biegnie dalej."),
    S.PRZEKAZANA: StateInfo("przekazana", True,
                            "Sprawę przekazano do organu właściwego do jej załatwienia (art. 65 § 1 KPA)."),
    S.ZALATWIONA: StateInfo("załatwiona", True, "Sprawa została załatwiona."),
    S.ZAKONCZONA: StateInfo("zakończona", False, "Sprawa została zakończona."),
    S.UMORZONA: StateInfo("umorzona", True, "Postępowanie zostało umorzone (art. 105 KPA)."),
}

_WORKING = frozenset({S.WEZWANIE, S.ZAWIESZONA, S.PRZEKAZANA, S.ZALATWIONA, S.UMORZONA})
# What the clerk may do. A case awaiting its fee is summoned to pay (art. 261 § 1 KPA: the existing summons path,
# then pozostawiona) or forwarded; it moves on to `zarejestrowana` only by the system, when the payment is verified
# (`SYSTEM_TRANSITIONS`, never offered to a clerk).
TRANSITIONS: dict[State, frozenset[State]] = {
    S.OCZEKUJE: frozenset({S.WEZWANIE, S.PRZEKAZANA}),
    S.ZAREJESTROWANA: frozenset({S.W_TOKU, S.PRZEKAZANA}),
    S.W_TOKU: _WORKING,
    S.WEZWANIE: frozenset({S.UZUPELNIONA, S.POZOSTAWIONA}),
    S.UZUPELNIONA: _WORKING,
    S.ZAWIESZONA: frozenset({S.PODJETA, S.UMORZONA}),
    S.PODJETA: _WORKING,
    S.ZALATWIONA: frozenset({S.ZAKONCZONA}),
    S.POZOSTAWIONA: frozenset(),
    S.PRZEKAZANA: frozenset(),
    S.ZAKONCZONA: frozenset(),
    S.UMORZONA: frozenset(),
}
SYSTEM_TRANSITIONS: dict[State, frozenset[State]] = {S.OCZEKUJE: frozenset({S.ZAREJESTROWANA})}
SYSTEM = "system"  # who a system act names in the history (the payment's verification)
# The states that close the office's file on the case, from which its archive date runs. `przekazana` closes
# the sender's record: the receiving office registers the case under its own sign and closes it there.
CLOSING = frozenset({S.ZAKONCZONA, S.UMORZONA, S.POZOSTAWIONA, S.PRZEKAZANA})


@dataclass(frozen=True)
class Actor:
    """The clerk acting: their token's subject, name and whether they head the department."""

    subject: str
    name: str | None = None
    head: bool = False


@dataclass(frozen=True)
class Move:
    """A requested transition, as the API took it."""

    to: State
    reason: str
    gaps: tuple[str, ...] = ()  # wezwanie: what the resident must supply
    term_days: int | None = None  # wezwanie: at least 7
    document: str | None = None  # załatwiona: the decision or letter's file reference
    document_file: dict[str, str] | None = None  # załatwiona: {"id", "title"} of its attached, shared file
    office: str | None = None  # przekazana: the competent authority outside the platform (forwarded on paper)
    # przekazana to a JST of the platform: {"terc", "office", "case_id"} of the receiver, checked before the move
    forward_to: dict[str, str] | None = None


def allowed(state: State) -> list[State]:
    return sorted(TRANSITIONS[state], key=list(State).index)


def new_life() -> dict[str, Any]:
    return {"history": [], "pauses": [], "summonses": [], "notes": []}


def _refuse(state: State, to: State) -> Conflict:
    targets = allowed(state)
    return Conflict(
        f"Sprawy w stanie „{STATES[state].label}” nie można przenieść do stanu „{STATES[to].label}”.",
        code="transition_not_allowed",
        details=[{"field": "to", "code": t.value, "message": f"Dozwolone: {STATES[t].label}"} for t in targets],
        extra={"allowed": [t.value for t in targets]})


def may_act(record: dict[str, Any], actor: Actor) -> None:
    """403 unless `actor` may move the case: its assignee or the department head."""
    assignee = record.get("assignee")
    if actor.head or assignee == actor.subject:
        return
    raise Forbidden("Sprawę prowadzi inny pracownik; zmienić jej stan może on lub kierownik komórki."
                    if assignee else "Sprawa nie jest przydzielona; najpierw ją przyjmij.", code="not_assignee")


def transition(record: dict[str, Any], life: dict[str, Any], move: Move, *, actor: Actor,
               at: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """The record and life after `move`; 409 `transition_not_allowed` (the allowed ones in details) if illegal."""
    state = State(record["status"])
    if move.to not in TRANSITIONS[state]:
        raise _refuse(state, move.to)
    record, life = copy.deepcopy(record), copy.deepcopy(life)
    if state is S.ZAREJESTROWANA and move.to is S.W_TOKU and not record.get("assignee"):
        record["assignee"] = actor.subject  # taking an unassigned case
    may_act(record, actor)
    on = at.astimezone(WARSAW).date()
    details = _effects(life, state, move, on)
    kpa_clock.on_transition(life, leaving=state.value, entering=move.to.value, on=on,
                            stops=move.to in kpa_clock.STOPPING)
    due_before = record.get("due_date")
    record["status"] = move.to.value
    record["due_date"] = kpa_clock.current_due(record, life)
    if move.to in CLOSING:
        details.update(close_file(record, on))
    if "forwarded_to" in details:  # the closed record says where the case went and why
        record["forwarded_to"] = details["forwarded_to"]
    entry = _entry("transition", actor, at, move.reason, state_from=state, state_to=move.to, **details)
    if record["due_date"] != due_before:
        entry["due_date"] = record["due_date"]
    life["history"].append(entry)
    return record, life


def system_transition(record: dict[str, Any], life: dict[str, Any], to: State, *, kind: str, reason: str,
                      at: datetime, on: date, **details: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """A move the system makes (`SYSTEM_TRANSITIONS`), its pause closed `on` the day it happened (a payment's date,
    not the day its message arrived); one history entry of `kind`, by the system. 409 if not allowed from here."""
    state = State(record["status"])
    if to not in SYSTEM_TRANSITIONS.get(state, frozenset()):
        raise _refuse(state, to)
    record, life = copy.deepcopy(record), copy.deepcopy(life)
    kpa_clock.on_transition(life, leaving=state.value, entering=to.value, on=on, stops=to in kpa_clock.STOPPING)
    due_before = record.get("due_date")
    record["status"] = to.value
    record["due_date"] = kpa_clock.current_due(record, life)
    entry = _entry(kind, Actor(SYSTEM), at, reason, state_from=state, state_to=to, **details)
    if record["due_date"] != due_before:
        entry["due_date"] = record["due_date"]
    life["history"].append(entry)
    return record, life


def _effects(life: dict[str, Any], state: State, move: Move, on: date) -> dict[str, Any]:
    """What a transition needs besides the state (refused with 409 if missing or premature); its history details."""
    if move.to is S.WEZWANIE:
        if not move.gaps or move.term_days is None or move.term_days < MIN_SUMMONS_DAYS:
            raise Conflict("Wezwanie musi wskazać braki i termin co najmniej 7 dni (art. 64 § 2 KPA).",
                           code="summons_incomplete",
                           details=[{"field": "term_days", "code": "min_7_days",
                                     "message": "Termin na uzupełnienie: co najmniej 7 dni."}])
        term = next_working_day(on + timedelta(days=move.term_days)).isoformat()
        life["summonses"].append({"issued_on": on.isoformat(), "gaps": list(move.gaps), "term_days": move.term_days,
                                  "term_until": term, "answered_on": None})
        return {"gaps": list(move.gaps), "term_until": term}
    if state is S.WEZWANIE:
        summons = life["summonses"][-1]
        if move.to is S.POZOSTAWIONA and on <= date.fromisoformat(summons["term_until"]):
            raise Conflict(f"Termin na uzupełnienie braków upływa {summons['term_until']}; wniosek można pozostawić "
                           "bez rozpoznania dopiero po nim.", code="term_not_passed")
        if move.to is S.UZUPELNIONA:
            summons["answered_on"] = on.isoformat()
    if move.to is S.ZALATWIONA and not (move.document or move.document_file):
        raise Conflict("Załatwienie sprawy wymaga znaku pisma lub decyzji.", code="document_missing",
                       details=[{"field": "document", "code": "missing", "message": "Podaj znak pisma lub decyzji."}])
    if move.to is S.PRZEKAZANA:
        return _forwarding(move)
    named = {"document": move.document, "document_file": move.document_file}
    return {k: v for k, v in named.items() if v}


def _forwarding(move: Move) -> dict[str, Any]:
    """Where the case goes (art. 65 § 1 KPA) and why: the party is told both. A JST of the platform gets it by the
    platform; an authority outside it only by the clerk, on paper, which the history says."""
    if move.forward_to:
        return {"office": move.forward_to["office"], "forwarded_to": {**move.forward_to, "reason": move.reason}}
    if not move.office:
        raise Conflict("Przekazanie wymaga wskazania organu właściwego (art. 65 KPA).", code="office_missing",
                       details=[{"field": "office", "code": "missing",
                                 "message": "Wskaż organ właściwy: jednostkę platformy (to_terc) albo nazwę organu."}])
    return {"office": move.office, "forwarded_to": {"office": move.office, "reason": move.reason, "on_paper": True},
            "paper": PAPER_NOTE}


def close_file(record: dict[str, Any], on: date) -> dict[str, Any]:
    """Close the case's file on `on` (in place): the day and when its documents may go (None for category A, and
    for a class outside the platform's wykaz, whose category nobody knows: the retention job keeps those).

    Every transition into `CLOSING` calls it; whatever else closes a case's file must too. Returns what it set.
    """
    category = record.get("archival_category") or wykaz.category_of(str(record.get("jrwa", "")))
    archive = wykaz.archive_date(category, on) if category else None
    closed = {"archival_category": category, "closed_on": on.isoformat(),
              "archive_date": archive.isoformat() if archive else None}
    record.update(closed)
    return closed


def _entry(kind: str, actor: Actor, at: datetime, reason: str, *, state_from: State, state_to: State,
           **details: Any) -> dict[str, Any]:
    info = STATES[state_to]
    changed = state_from is not state_to
    return {"kind": kind, "at": at.isoformat(), "by": actor.subject, "by_name": actor.name, "reason": reason,
            "from": state_from.value, "to": state_to.value, "inform_party": changed and info.inform_party,
            "resident_text": info.resident_text if changed else None, **details}


def assign(record: dict[str, Any], life: dict[str, Any], *, clerk: str | None, actor: Actor,
           at: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """A clerk takes an unassigned case (`clerk` None or their own); the department head assigns anyone.

    A registered case goes `w toku` with its first clerk.
    """
    clerk = clerk or actor.subject
    state = State(record["status"])
    if not actor.head:
        if clerk != actor.subject:
            raise Forbidden("Sprawy przydziela kierownik komórki; możesz przyjąć tylko nieprzydzieloną sprawę.",
                            code="not_department_head")
        if record.get("assignee"):
            raise Conflict("Sprawa jest już przydzielona.", code="already_assigned")
    if not TRANSITIONS[state]:
        raise Conflict("Sprawa jest zamknięta; nie można jej przydzielić.", code="case_closed")
    record, life = copy.deepcopy(record), copy.deepcopy(life)
    record["assignee"] = clerk
    if state is S.ZAREJESTROWANA:
        return transition(record, life, Move(to=S.W_TOKU, reason=f"Przydzielono: {clerk}"), actor=actor, at=at)
    life["history"].append(_entry("assignment", actor, at, f"Przydzielono: {clerk}", state_from=state,
                                  state_to=state, assignee=clerk))
    return record, life


def add_note(life: dict[str, Any], text: str, *, actor: Actor, at: datetime) -> dict[str, Any]:
    """An internal note: staff only, never shown to the resident."""
    life = copy.deepcopy(life)
    life["notes"].append({"at": at.isoformat(), "by": actor.subject, "by_name": actor.name, "text": text})
    return life

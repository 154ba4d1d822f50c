"""The audit chain's rules: an entry's hash, the link to the entry before, and the check of a whole chain.

No Chalice, no boto3. Each JST has one chain: entries numbered 1, 2, 3 ... without gaps, each carrying the hash
of the entry before it (`prev_hash`; the first carries `GENESIS`) and its own `hash`: SHA-256 (hex) over the
canonical serialization of every other field of the entry, i.e. JSON with sorted keys, no whitespace
(separators "," and ":"), non-ASCII characters as they are, encoded in UTF-8. The head (the last number and its
hash) is stored beside the entries; a chain that ends before its head lost entries at the end.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from chalicelib.core.errors import ApiError

GENESIS = "0" * 64  # the `prev_hash` of entry 1


@dataclass(frozen=True)
class Actor:
    """Who did it: a member of staff (their token's subject and name) or the platform itself."""

    subject: str
    name: str | None = None


SYSTEM = Actor("system", "e-Urząd (automatycznie)")


@dataclass(frozen=True)
class Change:
    """What happened, before it takes its place in the chain: `action` (`case.registered`, `case.transition`,
    `case.assigned`, `case.note`, `case.changed`, `document.read`, ...) on a case (`case_id`, `case_sign`)."""

    action: str
    actor: Actor
    at: str  # ISO 8601, UTC
    case_id: str | None = None
    case_sign: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    correlation_id: str | None = None


@dataclass(frozen=True)
class Head:
    """The chain's last entry: its number (0: the chain is empty) and its hash."""

    seq: int = 0
    hash: str = GENESIS


def canonical(content: dict[str, Any]) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def digest(content: dict[str, Any]) -> str:
    """The hash of an entry: over all of its fields but `hash`."""
    return hashlib.sha256(canonical({k: v for k, v in content.items() if k != "hash"})).hexdigest()


def content(terc: str, seq: int, prev_hash: str, change: Change) -> dict[str, Any]:
    """The entry's fields as they are hashed and stored (without its hash)."""
    return {"terc": terc, "seq": seq, "prev_hash": prev_hash, "at": change.at, "action": change.action,
            "actor": change.actor.subject, "actor_name": change.actor.name, "case_id": change.case_id,
            "case_sign": change.case_sign, "details": change.details, "correlation_id": change.correlation_id}


def link(terc: str, head: Head, changes: Iterable[Change]) -> tuple[list[dict[str, Any]], Head]:
    """The entries that follow `head`, each with its number, the previous hash and its own; and the new head."""
    entries = []
    for change in changes:
        entry = content(terc, head.seq + 1, head.hash, change)
        entry["hash"] = digest(entry)
        entries.append(entry)
        head = Head(entry["seq"], entry["hash"])
    return entries, head


# --- verification ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """What is wrong at one place of the chain: `kind` is changed, missing, reordered, broken_link or head."""

    seq: int
    kind: str
    message: str


def verify(terc: str, stored: Iterable[tuple[int, dict[str, Any]]], head: Head | None) -> tuple[int, list[Problem]]:
    """Check a chain read in order of its keys: `stored` yields (the number in the entry's key, the entry).

    Returns how many entries were read and what is wrong, first problem first. Each entry's hash is recomputed
    (a changed field), the numbers must run 1, 2, 3 ... (a removed entry), each entry must sit under its own
    number and carry the hash of the one before (a moved or swapped entry), and the chain must end at its head
    (entries removed at the end). After a gap the next link cannot be checked (its predecessor is gone).
    """
    problems: list[Problem] = []
    expected, prev, count, linked = 1, GENESIS, 0, True
    for position, entry in stored:
        count += 1
        if position > expected:
            gap = f"{expected}" if position == expected + 1 else f"{expected}–{position - 1}"
            problems.append(Problem(expected, "missing", f"brak wpisu nr {gap} (usunięty)"))
            linked = False
        problems.extend(_entry_problems(terc, position, entry, prev if linked else None))
        prev, expected, linked = str(entry.get("hash")), position + 1, True
    last = Head(expected - 1, prev)
    if head is None:
        if count:
            problems.append(Problem(last.seq, "head", "brak nagłówka łańcucha (ostatni numer i jego skrót)"))
    elif head.seq > last.seq:
        problems.append(Problem(last.seq + 1, "head", f"łańcuch kończy się na wpisie nr {last.seq}, a nagłówek "
                                                      f"wskazuje nr {head.seq}: usunięto wpisy z końca"))
    elif head.seq < last.seq:
        problems.append(Problem(head.seq + 1, "head", f"wpisy za nagłówkiem (nr {head.seq + 1}–{last.seq}): "
                                                      "dopisane poza łańcuchem"))
    elif head.hash != last.hash:
        problems.append(Problem(last.seq, "head", f"skrót wpisu nr {last.seq} nie zgadza się z nagłówkiem"))
    return count, problems


def _entry_problems(terc: str, position: int, entry: dict[str, Any], prev: str | None) -> list[Problem]:
    if digest(entry) != entry.get("hash"):
        return [Problem(position, "changed", f"wpis nr {position} zmieniony: skrót nie zgadza się z treścią")]
    if entry.get("seq") != position or entry.get("terc") != terc:
        return [Problem(position, "reordered", f"pod numerem {position} leży wpis nr {entry.get('seq')} "
                                               f"jednostki {entry.get('terc')}: wpisy przestawione")]
    if prev is not None and entry.get("prev_hash") != prev:
        return [Problem(position, "reordered", f"wpis nr {position} nie wskazuje skrótu wpisu nr {position - 1} "
                                               "(prev_hash): wpisy przestawione lub podmienione")]
    return []


class Unavailable(ApiError):
    """The entry a read needs could not be written: the read is refused rather than left unrecorded."""

    status = 503
    code = "audit_unavailable"
    message = "Nie udało się zapisać wpisu w dzienniku zdarzeń; dostęp do dokumentu wstrzymano. Spróbuj ponownie."

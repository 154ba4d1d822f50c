"""e-informacja without an account: a paper case's party follows it with its sign and access code.

No Chalice, no boto3. An unknown sign and a wrong code give the same 404 after the same work (one key derived,
a constant-time compare). Lookups are limited on atomic counters per hour: each client address
`PER_ADDRESS` lookups, each sign `FAILURES_PER_SIGN` failed attempts (counted for any sign asked, known or not,
so the limit says nothing about which signs exist), then 429 with the seconds until the next hour.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from chalicelib.core.errors import ApiError, NotFound
from chalicelib.modules.cases import access, einformacja
from chalicelib.modules.cases.models import StoredCase

PER_ADDRESS = 30
FAILURES_PER_SIGN = 5
WINDOW = timedelta(hours=1)
NOT_FOUND = "Nie znaleziono sprawy o tym znaku i kodzie dostępu. Sprawdź oba na potwierdzeniu z urzędu."


class TooManyLookups(ApiError):
    status = 429
    code = "too_many_lookups"

    def __init__(self, retry_after: int, message: str) -> None:
        super().__init__(message, details=[{"field": "code", "code": "too_many_lookups", "message": message}])
        self.retry_after = retry_after


@dataclass(frozen=True)
class AccessEntry:
    """A paper case under a sign (a sign may repeat across JSTs) and the hash of its access code."""

    terc: str
    case_id: str
    code_hash: str | None


class Limits(Protocol):
    def take(self, key: str, *, limit: int, expires: datetime) -> bool:
        """Count one more under `key` unless it has reached `limit` (atomically); whether it was counted."""

    def give_back(self, key: str) -> None: ...


class SignIndex(Protocol):
    def by_sign(self, sign: str) -> list[AccessEntry]: ...

    def find(self, terc: str | None, case_id: str) -> StoredCase | None: ...


def normalized_sign(sign: str) -> str:
    return "".join(sign.split()).upper()


def lookup(index: SignIndex, limits: Limits, *, sign: str, code: str, client: str, now: datetime) -> dict[str, Any]:
    """The party's view of the paper case with this sign and code; 404 otherwise, 429 over the limits."""
    window = datetime.fromtimestamp(int(now.timestamp()) // 3600 * 3600, tz=now.tzinfo)
    retry_after = max(1, int((window + WINDOW - now).total_seconds()))
    expires = window + 2 * WINDOW
    hour = window.strftime("%Y%m%d%H")
    if not limits.take(f"A#{client}#{hour}", limit=PER_ADDRESS, expires=expires):
        raise TooManyLookups(retry_after, "Zbyt wiele prób sprawdzenia spraw z tego adresu. "
                                          f"Spróbuj ponownie za {_minutes(retry_after)}.")
    wanted = normalized_sign(sign)
    sign_key = f"S#{wanted}#{hour}"
    if not limits.take(sign_key, limit=FAILURES_PER_SIGN, expires=expires):
        raise TooManyLookups(retry_after, "Zbyt wiele nieudanych prób dla tego znaku sprawy. "
                                          f"Spróbuj ponownie za {_minutes(retry_after)}.")
    entries: list[AccessEntry | None] = [*index.by_sign(wanted)] or [None]
    hit = None
    for entry in entries:  # every entry is compared, so a hit costs what a miss does
        if access.matches(code, entry.code_hash if entry else None) and entry is not None:
            hit = entry
    stored = index.find(hit.terc, hit.case_id) if hit else None
    if stored is None:
        raise NotFound(NOT_FOUND, code="case_not_found")
    limits.give_back(sign_key)  # only failed attempts count against a sign
    return einformacja.party_view(stored)


def _minutes(seconds: int) -> str:
    minutes = max(1, -(-seconds // 60))
    return "1 minutę" if minutes == 1 else f"{minutes} min"

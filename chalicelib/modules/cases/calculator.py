"""The deadline calculator for clerks and anyone: a KPA due date from its kind, start and uncounted days, with
the articles that made it. Pure; the CLI (`chalicelib/cli_deadline.py`) and `GET /v1/deadlines` share it."""

from __future__ import annotations

from datetime import date
from typing import Any

from chalicelib.core.errors import Unprocessable
from chalicelib.core.inputs import ascii_int
from chalicelib.model.service import DeadlineKind
from chalicelib.modules.cases.deadlines import counted_end, due_date

KINDS: dict[str, DeadlineKind] = {"7d": DeadlineKind.SIEDEM_DNI, "1m": DeadlineKind.JEDEN_MIESIAC,
                                  "2m": DeadlineKind.DWA_MIESIACE}
MAX_PAUSED = 3650
FIRST_YEAR, LAST_YEAR = 1960, 2200  # KPA since 1960
_BASIS = {
    "7d": ("art. 217 § 3 KPA", "zaświadczenie wydaje się bez zbędnej zwłoki, nie później niż w ciągu 7 dni"),
    "1m": ("art. 35 § 3 KPA", "sprawa wymagająca postępowania wyjaśniającego: nie później niż w ciągu miesiąca"),
    "2m": ("art. 35 § 3 KPA", "sprawa szczególnie skomplikowana: nie później niż w ciągu dwóch miesięcy"),
}


def _field(field: str, code: str, message: str) -> dict[str, str]:
    return {"field": field, "code": code, "message": message}


def parse(kind: str | None, started: str | None, paused: str | None) -> tuple[str, date, int]:
    """The inputs, or 422 naming every field that is wrong."""
    details = []
    if kind not in KINDS:
        details.append(_field("kind", "kind_invalid", "Rodzaj terminu: 7d, 1m albo 2m."))
    start: date | None = None
    try:
        start = date.fromisoformat(started or "") if started and len(started) == 10 else None
    except ValueError:
        start = None
    if start is None or not FIRST_YEAR <= start.year <= LAST_YEAR:
        start = None  # far years would run off the calendar once months and paused days are added
        details.append(_field("from", "date_invalid",
                              f"Data początkowa w postaci RRRR-MM-DD, w latach {FIRST_YEAR}-{LAST_YEAR}."))
    days = ascii_int(paused) if paused not in (None, "") else 0
    if days is None or not 0 <= days <= MAX_PAUSED:
        details.append(_field("paused", "paused_invalid", f"Dni niewliczane do terminu: od 0 do {MAX_PAUSED}."))
    if details or kind is None or start is None or days is None:
        raise Unprocessable(details=details)
    return kind, start, days


def calculate(kind: str, started: date, paused: int = 0) -> dict[str, Any]:
    """The due date and the articles applied, in the order they were."""
    end = counted_end(KINDS[kind], started, paused_days=paused)
    due = due_date(KINDS[kind], started, paused_days=paused)
    assert end is not None and due is not None  # every kind here has a calendar end
    article, text = _BASIS[kind]
    applied = [{"article": article, "text": text}]
    if kind == "7d":
        applied.append({"article": "art. 57 § 1 KPA", "text": "dnia, w którym nastąpiło zdarzenie, nie wlicza się"})
    else:
        applied.append({"article": "art. 57 § 3 KPA", "text": "termin upływa w dniu miesiąca odpowiadającym "
                        "początkowemu, a gdyby takiego dnia nie było, w ostatnim dniu miesiąca"})
    if paused:
        applied.append({"article": "art. 35 § 5 KPA", "text": f"nie wlicza się {paused} dni (terminy na dokonanie "
                        "czynności, zawieszenie postępowania, opóźnienia z winy strony lub niezależne od organu)"})
    if due != end:
        applied.append({"article": "art. 57 § 4 KPA", "text": f"koniec terminu {end.isoformat()} przypada w sobotę "
                        f"lub dzień wolny od pracy; termin upływa {due.isoformat()}"})
    return {"kind": kind, "from": started.isoformat(), "paused": paused, "end": end.isoformat(),
            "due_date": due.isoformat(), "articles": applied}

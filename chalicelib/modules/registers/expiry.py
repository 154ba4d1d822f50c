"""An active permit turns "wygasłe" after its last day (alcohol: `valid_to`, road lane: `occupied_to`): every night,
after midnight Warsaw, each JST's permits that ended before today are found by one Query of the sparse
`by-last-day` index per register (no scan, nothing else read) and each is saved through the entries' own path
(`logic.expire`: history by "system", the audit entry, on condition of the version read). A rerun finds none.

No Chalice, no boto3: the finder and the store come in as ports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from chalicelib.model.registers import RegisterKind
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules.registers import logic, public


class Ended(Protocol):
    def ended(self, terc: str, register: str, before: date) -> list[str]: ...  # active permits' ids


@dataclass
class Run:
    expired: int = 0
    kept: int = 0  # found but not turned: a clerk changed it meanwhile, or it is no longer ended


def last_day_key(entry: Mapping[str, Any]) -> str | None:
    """An active permit's key in `by-last-day`: its last day, then its id; None keeps anything else out of it."""
    end = public.last_day(entry)
    return None if end is None else f"{end.isoformat()}#{entry['entry_id']}"


def ended_before(today: date) -> str:
    """The Query's bound: every key below it is a permit whose last day was before `today` (a key of `today` or
    later starts with that day's date, which sorts at or above it)."""
    return today.isoformat()


def watched(configs: Iterable[TenantConfig]) -> list[tuple[str, RegisterKind]]:
    """Each JST's permit registers (the ones with a last day); a register of monuments never expires."""
    return [(c.terc, kept.kind) for c in configs if c.registers for kept in c.registers.kept
            if kept.kind in public.LAST_DAY]


def run(ports: logic.Ports, finder: Ended, registers: Iterable[tuple[str, RegisterKind]], *, at: datetime) -> Run:
    today = ports.today()
    done = Run()
    for terc, kind in registers:
        for entry_id in finder.ended(terc, kind.value, today):
            if logic.expire(ports, terc, kind.value, entry_id, at=at):
                done.expired += 1
            else:
                done.kept += 1
    return done

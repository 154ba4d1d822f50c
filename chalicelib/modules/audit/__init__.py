"""The audit trail: every change to a case and every read of its documents by staff, as an append-only chain
of entries per JST, each carrying the hash of the one before (`cli audit verify` finds what was tampered with).

What other modules may use of it:
- `Actor`, `Change`, `SYSTEM`: what an entry says (who, what, on which case, details);
- `append(terc, changes)`: the writes that append entries, for the caller's own DynamoDB transaction
  (`chalicelib.db.transact`): `.writes`, then `.committed()` after it, or `.lost(cancelled)` (True: another
  entry took the number; read again and retry the whole transaction);
- `record(terc, changes)`: entries with no other write (a read by staff), retried on its own; `Unavailable`
  (503) if they cannot be written, so the caller refuses what it was about to give;
- `stamp(at)`: a time as entries carry it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from chalicelib.core.observability import logger
from chalicelib.modules.audit import wiring as _wiring  # its heavy parts load on first use
from chalicelib.modules.audit.logic import SYSTEM, Actor, Change, Unavailable

if TYPE_CHECKING:
    from chalicelib.modules.audit.repository import Pending

__all__ = ["SYSTEM", "Actor", "Change", "Unavailable", "append", "record", "stamp"]


def stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def append(terc: str, changes: Sequence[Change]) -> Pending:
    return _wiring.chain().append(terc, changes)



def record(terc: str, changes: Sequence[Change]) -> None:
    try:
        _wiring.chain().record(terc, changes)
    except Exception as exc:
        logger.exception("audit entry not written", extra={"terc": terc})
        raise Unavailable() from exc

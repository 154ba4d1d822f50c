"""The audit trail: every change to a case and every read of its documents by staff, as an append-only chain
of entries per JST, each carrying the hash of the one before (`cli audit verify` finds what was tampered with).

What other modules may use of it:
- `Actor`, `Change`, `SYSTEM`: what an entry says (who, what, on which case, details);
- `append(terc, changes)`: the writes that append entries, for the caller's own DynamoDB transaction
  (`chalicelib.db.transact`): `.writes`, then `.committed()` after it, or `.lost(cancelled)` (True: another
  entry took the number; read again and retry the whole transaction);
- `write_together(connection, terc, writes, changes, own=...)`: the caller's writes and the entries in one
  transaction, retried while another entry took the number; False when one of the caller's own writes failed
  its condition (nothing written);
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
    from pynamodb.connection import Connection

    from chalicelib.db.transact import Write
    from chalicelib.modules.audit.repository import Pending

__all__ = ["SYSTEM", "Actor", "Change", "Unavailable", "append", "record", "stamp", "write_together"]
MAX_ATTEMPTS = 100  # a busy JST's chain: each lost race is another entry written, so this ends


def stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def append(terc: str, changes: Sequence[Change]) -> Pending:
    return _wiring.chain().append(terc, changes)


def write_together(connection: Connection, terc: str, writes: Sequence[Write], changes: Sequence[Change], *,
                   own: Sequence[str]) -> bool:
    """`writes` (labelled; `own` names those whose condition is the caller's: a failed one means someone else
    changed the thing first) and the audit entries of `changes`, in one transaction. Retried with a backoff while
    another entry took the chain's next number or the transaction met another; Unavailable when that never ends."""
    from chalicelib.db import transact

    for attempt in range(MAX_ATTEMPTS):
        entries = append(terc, changes)
        try:
            transact.write(connection, [*writes, *entries.writes])
        except transact.Cancelled as exc:
            if any(exc.failed(label) for label in own):
                return False
            if entries.lost(exc) or exc.conflict:
                transact.backoff(attempt)
                continue
            raise
        entries.committed()
        return True
    raise Unavailable("Dziennik zdarzeń jednostki jest chwilowo przeciążony; spróbuj ponownie.")


def record(terc: str, changes: Sequence[Change]) -> None:
    try:
        _wiring.chain().record(terc, changes)
    except Exception as exc:
        logger.exception("audit entry not written", extra={"terc": terc})
        raise Unavailable() from exc

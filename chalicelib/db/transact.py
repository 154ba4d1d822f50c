"""One DynamoDB transaction of labelled writes; when it is cancelled, which write's condition failed.

DynamoDB answers a cancelled transaction with one reason per write, in the order it received them, and PynamoDB
sends them grouped by kind (condition checks, deletes, puts, updates), not in the order they were added. The
labels spare every caller from knowing that order: a module adds writes from other modules' published
interfaces (the submission's mark, an audit entry) and asks by name which one failed.
"""

from __future__ import annotations

import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pynamodb.connection import Connection
from pynamodb.constants import ALL_OLD
from pynamodb.exceptions import CancellationReason, TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

Kind = Literal["check", "delete", "put", "update"]
# PynamoDB sends them so: checks, deletes, puts, updates.
_SENT_ORDER: dict[Kind, int] = {"check": 0, "delete": 1, "put": 2, "update": 3}


@dataclass(frozen=True)
class Write:
    """One write of a transaction: put `item`, update it with `actions`, delete it, or only check `condition` on it."""

    label: str
    item: Model
    kind: Kind = "update"
    actions: Sequence[Any] = field(default_factory=tuple)
    condition: Condition | None = None
    return_old: bool = False  # a failed condition then returns the item as it stood


class Cancelled(Exception):
    """The transaction wrote nothing; `reasons` maps each write's label to DynamoDB's reason (None: no fault)."""

    def __init__(self, reasons: dict[str, CancellationReason | None]) -> None:
        super().__init__(", ".join(f"{k}: {r.code}" for k, r in reasons.items() if r is not None))
        self.reasons = reasons

    def failed(self, label: str) -> bool:
        """Whether the condition of the write labelled `label` was not met."""
        reason = self.reasons.get(label)
        return reason is not None and reason.code == "ConditionalCheckFailed"

    @property
    def conflict(self) -> bool:
        """Another transaction was writing the same item at the same moment (worth retrying)."""
        return any(r is not None and r.code == "TransactionConflict" for r in self.reasons.values())


def write(connection: Connection, writes: Sequence[Write]) -> None:
    """All of `writes` or none; `Cancelled` names the writes whose conditions failed."""
    try:
        with TransactWrite(connection=connection) as tx:
            for w in writes:
                if w.kind == "put":
                    tx.save(w.item, condition=w.condition)
                elif w.kind == "delete":
                    tx.delete(w.item, condition=w.condition)
                elif w.kind == "check":
                    hash_key, range_key = _keys(w.item)
                    tx.condition_check(type(w.item), hash_key, range_key, condition=w.condition)
                else:
                    tx.update(w.item, actions=list(w.actions), condition=w.condition,
                              return_values=ALL_OLD if w.return_old else None)
    except TransactWriteError as exc:
        reasons = exc.cancellation_reasons
        if not reasons:
            raise
        sent = sorted(writes, key=lambda w: _SENT_ORDER[w.kind])  # stable: within a kind, as added
        raise Cancelled({w.label: r for w, r in zip(sent, reasons, strict=False)}) from exc


def _keys(item: Model) -> tuple[Any, Any]:
    hash_name, range_name = item._hash_keyname or "", item._range_keyname
    return getattr(item, hash_name), getattr(item, range_name) if range_name else None


def backoff(attempt: int) -> None:
    """A little jitter before trying a cancelled transaction again, growing with the attempts."""
    time.sleep(random.uniform(0.005, 0.02 * min(attempt + 1, 10)))  # noqa: S311

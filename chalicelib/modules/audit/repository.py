"""The audit chains in DynamoDB: an entry is appended in the transaction of the change it records.

Appending entries after the head read (seq n, hash h) is two kinds of write: the head's advance to the last new
entry, on condition that it still says n, and a put of each entry under its number, on condition that the key is
free. Another module adds them to its own transaction (`Pending.writes`), so the change and its entry are written
together or not at all. A failed head condition means another entry took the number first: the whole
transaction is tried again after the head is read afresh (the failure returns the head as it stands). The last
head this container wrote or saw is kept per JST, so the next entry is tried without reading it first; a wrong
guess costs a retry, never a fork of the chain.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import CancellationReason

from chalicelib.core.settings import get_settings
from chalicelib.db import transact
from chalicelib.db.transact import Write
from chalicelib.modules.audit.logic import Change, Head, canonical, link
from chalicelib.modules.audit.resources import AuditChainTable

HEAD = "audit-head"  # the label of the head's advance in a transaction
HEAD_SK = "H"
MAX_ATTEMPTS = 100
PAGE = 500


class ChainContention(Exception):
    """Too many writers at once on one JST's chain: the entry (and the change it records) was not written."""


def chain_pk(terc: str) -> str:
    return f"T#{terc}"


def entry_sk(seq: int) -> str:
    return f"E#{seq:012d}"


@dataclass
class Pending:
    """Entries about to be appended: their writes for a transaction, then `committed()` or `lost(cancelled)`."""

    chain: DynamoAuditChain
    terc: str
    read: Head
    head: Head  # after the entries
    writes: list[Write]

    def committed(self) -> None:
        if self.writes:
            self.chain.heads[self.terc] = self.head

    def lost(self, exc: transact.Cancelled) -> bool:
        """Whether the transaction failed on the chain (another writer came first): then try again."""
        if exc.failed(HEAD):
            current = _head_of(exc.reasons.get(HEAD))
            if current is None:
                self.chain.heads.pop(self.terc, None)
            else:
                self.chain.heads[self.terc] = current
            return True
        if exc.conflict:
            self.chain.heads.pop(self.terc, None)
            return True
        return False


class DynamoAuditChain:
    def __init__(self) -> None:
        self.connection = Connection(region=get_settings().region)
        self.heads: dict[str, Head] = {}

    def stored_head(self, terc: str) -> Head | None:
        """The head as stored now (read consistently); None if the JST's chain has none."""
        try:
            item = AuditChainTable.get(chain_pk(terc), HEAD_SK, consistent_read=True)
        except AuditChainTable.DoesNotExist:
            return None
        return Head(int(item.seq or 0), item.hash or "")

    def append(self, terc: str, changes: Sequence[Change]) -> Pending:
        """The writes that append `changes` to the JST's chain, for the caller's transaction."""
        read = self.heads.get(terc)
        if not changes:  # nothing to record: no write, and no contention on the head
            return Pending(self, terc, read or Head(), read or Head(), [])
        if read is None:
            read = self.stored_head(terc) or Head()
        entries, after = link(terc, read, changes)
        head = Write(HEAD, AuditChainTable(pk=chain_pk(terc), sk=HEAD_SK), return_old=True,
                     actions=[AuditChainTable.seq.set(after.seq), AuditChainTable.hash.set(after.hash)],
                     condition=(AuditChainTable.seq == read.seq) if read.seq else AuditChainTable.seq.does_not_exist())
        puts = [Write(f"audit-entry-{e['seq']}", _item(e), kind="put", condition=AuditChainTable.sk.does_not_exist())
                for e in entries]
        return Pending(self, terc, read, after, [head, *puts])

    def record(self, terc: str, changes: Sequence[Change]) -> None:
        """Append `changes` in a transaction of their own (an entry with no other write: a read by staff)."""
        for attempt in range(MAX_ATTEMPTS):
            pending = self.append(terc, changes)
            try:
                transact.write(self.connection, pending.writes)
            except transact.Cancelled as exc:
                if pending.lost(exc):
                    transact.backoff(attempt)
                    continue
                raise
            pending.committed()
            return
        raise ChainContention(f"{chain_pk(terc)}: no free number after {MAX_ATTEMPTS} attempts")

    def entries(self, terc: str, *, after: int = 0, limit: int | None = None) -> Iterator[tuple[int, dict[str, Any]]]:
        """The JST's entries in order of their numbers, from `after` + 1, read in pages (a query, never a scan)."""
        query = AuditChainTable.query(chain_pk(terc), AuditChainTable.sk.between(entry_sk(after + 1), "E#~"),
                                      consistent_read=True, limit=limit, page_size=min(limit or PAGE, PAGE))
        for item in query:
            position = item.sk.removeprefix("E#")
            if position.isdigit():
                yield int(position), _entry(item)


def _item(entry: dict[str, Any]) -> AuditChainTable:
    fields = {k: v for k, v in entry.items() if k != "details"}
    return AuditChainTable(pk=chain_pk(entry["terc"]), sk=entry_sk(entry["seq"]),
                           details=canonical(entry["details"]).decode("utf-8"), **fields)


def _entry(item: AuditChainTable) -> dict[str, Any]:
    """An entry as stored, as the chain's logic reads it (a field someone broke is kept as it is: its hash fails)."""
    try:
        details: Any = json.loads(item.details) if item.details is not None else None
    except ValueError:
        details = item.details
    seq = item.seq
    return {"terc": item.terc, "seq": int(seq) if isinstance(seq, float) and seq.is_integer() else seq,
            "prev_hash": item.prev_hash, "at": item.at, "action": item.action, "actor": item.actor,
            "actor_name": item.actor_name, "case_id": item.case_id, "case_sign": item.case_sign, "details": details,
            "correlation_id": item.correlation_id, "hash": item.hash}


def _head_of(reason: CancellationReason | None) -> Head | None:
    """The head as the failed condition found it (ALL_OLD), if the answer carried it."""
    old = (reason.raw_item or {}) if reason is not None else {}
    if "seq" in old and "N" in old["seq"] and "hash" in old and "S" in old["hash"]:
        return Head(int(old["seq"]["N"]), old["hash"]["S"])
    return None

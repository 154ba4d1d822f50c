"""The registers' entries in DynamoDB: one item per entry, one per change of it, the JST's audit entry beside
them in one transaction; the public search as queries (the register's partition, or its status index), never a
scan, paged by the last entry shown."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from pynamodb.connection import Connection

from chalicelib.core.settings import get_settings
from chalicelib.db.transact import Write
from chalicelib.modules import audit
from chalicelib.modules.registers import expiry, public
from chalicelib.modules.registers.logic import Page, Stored
from chalicelib.modules.registers.resources import RegisterTable as T

MAX_READS = 5  # queries one page may take when `q=` filters most entries out
MAX_HISTORY = 500


def register_pk(terc: str, register: str) -> str:
    return f"T#{terc}#R#{register}"


def status_key(terc: str, register: str, status: str) -> str:
    return f"{register_pk(terc, register)}#S#{status}"


def _item(entry: dict[str, Any], search: str) -> T:
    terc, register, status = entry["terc"], entry["register"], entry["status"]
    return T(pk=register_pk(terc, register), sk=f"E#{entry['entry_id']}", status=status,
             status_key=status_key(terc, register, status), version=entry["version"], search=search,
             ends=expiry.last_day_key(entry),
             record=json.dumps(entry, ensure_ascii=False))


def _history_item(entry: dict[str, Any], change: dict[str, Any]) -> T:
    pk = f"{register_pk(entry['terc'], entry['register'])}#E#{entry['entry_id']}"
    return T(pk=pk, sk=f"H#{entry['version']:06d}", record=json.dumps(change, ensure_ascii=False))


class DynamoRegisters:
    def __init__(self) -> None:
        self.connection = Connection(region=get_settings().region)

    def get(self, terc: str, register: str, entry_id: str) -> Stored | None:
        try:
            item = T.get(register_pk(terc, register), f"E#{entry_id}", consistent_read=True)
        except T.DoesNotExist:
            return None
        return Stored(json.loads(item.record or "{}"), int(item.version or 0))

    def save(self, entry: dict[str, Any], *, read_version: int | None, search: str, change: dict[str, Any],
             changes: Sequence[audit.Change]) -> bool:
        """The entry (new, or on condition that it is still at `read_version`), its history item and the audit
        entries, together; False when someone changed it meanwhile (or the id is taken): nothing written."""
        condition = T.sk.does_not_exist() if read_version is None else T.version == read_version
        writes = [Write("entry", _item(entry, search), kind="put", condition=condition),
                  Write("history", _history_item(entry, change), kind="put", condition=T.sk.does_not_exist())]
        return audit.write_together(self.connection, entry["terc"], writes, changes, own=("entry", "history"))

    def ended(self, terc: str, register: str, before: date) -> list[str]:
        """The ids of the register's active permits whose last day is before `before`: one Query of the sparse
        `by-last-day` index, its sort key bounded (nothing read of the permits still valid)."""
        query = T.by_last_day.query(status_key(terc, register, public.ACTIVE), T.ends < expiry.ended_before(before))
        return [str(item.sk).removeprefix("E#") for item in query]

    def history(self, terc: str, register: str, entry_id: str) -> list[dict[str, Any]]:
        pk = f"{register_pk(terc, register)}#E#{entry_id}"
        return [json.loads(i.record or "{}") for i in T.query(pk, consistent_read=True, limit=MAX_HISTORY)]

    def page(self, terc: str, register: str, *, status: str | None, q: str | None, after: str | None,
             size: int) -> Page:
        """Up to `size` entries, newest first, after the entry id `after`; `next` is the last one shown when
        more may follow. `q=` is a filter on the query (DynamoDB reads the entries it skips)."""
        found: list[dict[str, Any]] = []
        start = None if after is None else self._start(terc, register, status, after)
        more = True
        for _ in range(MAX_READS):
            query = self._query(terc, register, status, q, start=start, limit=size - len(found))
            for item in query:
                found.append(json.loads(item.record or "{}"))
                if len(found) == size:
                    break
            start = query.last_evaluated_key
            more = start is not None
            if len(found) == size or not more:
                break
        if len(found) == size:
            return Page(found, found[-1]["entry_id"])
        # the reads ran out before the page filled: go on after the last entry read, shown or not
        return Page(found, str(start["sk"]["S"]).removeprefix("E#") if more and start else None)

    def _start(self, terc: str, register: str, status: str | None, after: str) -> dict[str, Any]:
        key: dict[str, Any] = {"pk": {"S": register_pk(terc, register)}, "sk": {"S": f"E#{after}"}}
        if status is not None:
            key["status_key"] = {"S": status_key(terc, register, status)}
        return key

    def _query(self, terc: str, register: str, status: str | None, q: str | None, *, start: Any, limit: int) -> Any:
        condition = T.search.contains(q) if q else None
        # a filtered query reads more than it returns: read a few pages' worth each time
        read = limit if condition is None else max(limit * 4, 50)
        if status is None:
            return T.query(register_pk(terc, register), T.sk.startswith("E#"), filter_condition=condition,
                           scan_index_forward=False, last_evaluated_key=start, limit=read, page_size=read)
        return T.by_status.query(status_key(terc, register, status), filter_condition=condition,
                                 scan_index_forward=False, last_evaluated_key=start, limit=read, page_size=read)

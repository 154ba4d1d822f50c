"""The departments' inboxes and case-sign counters in DynamoDB.

Registering is one transaction of three writes: advance the counter from the value just read (conditional),
put the case, and mark the submission registered (conditional on it not being registered yet; the write is the
submissions module's, given by its published `mark_registered`). A concurrent
registration in the same department makes the counter condition fail and this one retries with the new value;
a repeated delivery of the same submission makes the submission condition fail and nothing is written.

Every write of a case carries its entries in the JST's audit trail in the same transaction (`audit.append`: the
chain's head advanced on condition, the entries put): a case never changes unrecorded, and an entry never
records a change that was not written. Another entry taking the chain's next number first is retried like the
counter.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import Any, TypeVar

from pynamodb.connection import Connection
from pynamodb.exceptions import CancellationReason, UpdateError

from chalicelib.core.clock import get_clock
from chalicelib.core.settings import get_settings
from chalicelib.db import transact
from chalicelib.db.transact import Write
from chalicelib.events.topics import ForwardedCase
from chalicelib.modules import audit, submissions
from chalicelib.modules.cases import fee, trail
from chalicelib.modules.cases.keys import (
    case_sk,
    clerk_key,
    counter_sk,
    decode_due_token,
    decode_token,
    due_key,
    encode_token,
    forward_marker,
    inbox_pk,
    payment_marker,
    state_key,
)
from chalicelib.modules.cases.kpa_clock import waiting_for_fee
from chalicelib.modules.cases.lifecycle import new_life
from chalicelib.modules.cases.logic import format_sign
from chalicelib.modules.cases.models import Case, Filing, Plan, StoredCase
from chalicelib.modules.cases.resources import CaseTable
from chalicelib.modules.cases.retention_store import archive_actions
from chalicelib.modules.cases.supplements import AlreadyRegistered

MAX_ATTEMPTS = 100
ONCE = "once"  # the label of the write that guards a registration against being done twice
T = TypeVar("T")


class CounterContention(Exception):
    """Too many concurrent registrations in one department; the message is retried later."""


class DynamoCases:
    def __init__(self) -> None:
        self._connection = Connection(region=get_settings().region)
        # The last number this container saw per counter: the next registration tries it without reading the
        # counter first. A wrong guess costs nothing in correctness (the counter's condition fails, and the
        # failed transaction returns the counter as it stands), only the request it would have saved.
        self._seen: dict[tuple[str, str, str, int], int] = {}

    def last_number(self, terc: str, department: str, jrwa: str, year: int) -> int:
        try:
            item = CaseTable.get(inbox_pk(terc, department), counter_sk(jrwa, year), consistent_read=True)
        except CaseTable.DoesNotExist:
            return 0
        return int(item.last or 0)

    def register(self, plan: Plan, filing: Filing, *, at: datetime, notify: bool) -> Case | None:
        """Register `filing`; None if it already was (by an earlier delivery of the same message)."""

        def writes(number: int, sign: str) -> tuple[Case, list[Write]]:
            case = Case.of(filing, plan, sign=sign, number=number, at=at)
            sk, record = case_sk(at, case.case_id), case.record()
            item = CaseTable(pk=inbox_pk(plan.terc, plan.department), sk=sk, case_id=case.case_id,
                             case_sign=case.sign, owner=filing.owner, email=filing.facts.email or None,
                             state_key=state_key(plan.terc, plan.department, record["status"]),
                             due_on=due_key(record, sk), record=json.dumps(record, ensure_ascii=False))
            marked = submissions.mark_registered(filing.owner, filing.submission_id, case_sign=case.sign,
                                                 department=plan.department, due_date=plan.due_date, at=at,
                                                 notify=notify)
            more = [Write(ONCE, marked.item, actions=marked.actions, condition=marked.condition)]
            request = fee.request_of(record, email=filing.facts.email or None)
            if request is not None:  # awaiting its fee: the clock stopped, the payment order asked for (outbox)
                item.life = json.dumps(waiting_for_fee(plan.started_on), ensure_ascii=False)
                more.append(Write("payment", payment_marker(request), kind="put"))
            return case, [Write("case", item, kind="put", condition=CaseTable.sk.does_not_exist()), *more]

        return self.register_numbered(plan, writes)

    def register_numbered(self, plan: Plan, writes: Callable[[int, str], tuple[T, list[Write]]], *,
                          actor: audit.Actor = audit.SYSTEM) -> T | None:
        """Write a case under the department's next number: `writes(number, sign)` gives the case and its writes,
        committed in one transaction with the counter's advance and a `case.registered` audit entry by `actor` for
        each case put among them. None if the write labelled `ONCE` (the guard that this case is registered once:
        the submission's mark, ...) finds it registered before.
        """
        pk = inbox_pk(plan.terc, plan.department)
        key = (plan.terc, plan.department, plan.jrwa, plan.year)
        for attempt in range(MAX_ATTEMPTS):
            last = self._seen.get(key)
            if last is None:
                last = self.last_number(*key)
            number = last + 1
            result, more = writes(number, format_sign(plan.department, plan.jrwa, number, plan.year))
            counter = Write("counter", CaseTable(pk=pk, sk=counter_sk(plan.jrwa, plan.year)),
                            actions=[CaseTable.last.set(number)], return_old=True,
                            condition=(CaseTable.last == last) if last else CaseTable.last.does_not_exist())
            entries = audit.append(plan.terc, [trail.registered(record, actor=actor, at=get_clock().now())
                                               for record in _cases_put(more)])
            try:
                transact.write(self._connection, [counter, *more, *entries.writes])
            except transact.Cancelled as exc:
                if exc.failed(ONCE):
                    return None
                if entries.lost(exc) or exc.failed("counter") or exc.conflict:
                    # Someone took this number first: go on from the counter the failure returned (or read it
                    # again), after a little jitter.
                    self._seen.pop(key, None)
                    current = _counter_of(exc.reasons.get("counter")) if exc.failed("counter") else None
                    if current is not None:
                        self._seen[key] = current
                    transact.backoff(attempt)
                    continue
                raise
            self._seen[key] = number
            entries.committed()
            return result
        raise CounterContention(f"{pk}: no free number after {MAX_ATTEMPTS} attempts")

    def inbox(self, terc: str, department: str, *, limit: int, after: str | None, state: str | None = None,
              assignee: str | None = None, by_due: bool = False,
              due_before: date | None = None) -> tuple[list[dict[str, Any]], str | None]:
        """One page of the department's cases (in one state, or one clerk's), newest first, and the next token;
        or (`by_due`) its open cases earliest due first, only those due before `due_before` if given.

        Each filter is a query on its own index, never a filtered scan; the clerk's index spans the JST, so it
        is narrowed to the department by its partition's key prefix (a clerk works in one department).
        """
        pk = inbox_pk(terc, department)
        if by_due:
            return self._by_due(pk, limit=limit, after=after, before=due_before)
        start: dict[str, Any] | None = {"pk": {"S": pk}, "sk": {"S": decode_token(after)}} if after else None
        if state is not None or assignee is not None:
            return self._filtered(terc, department, limit=limit, start=start, state=state, assignee=assignee)
        query = CaseTable.query(pk, CaseTable.sk.startswith("C#"),
                                scan_index_forward=False, limit=limit, last_evaluated_key=start, page_size=limit)
        items = [json.loads(item.record) for item in query if item.record]
        last = query.last_evaluated_key
        return items, encode_token(last["sk"]["S"]) if last else None

    def _filtered(self, terc: str, department: str, *, limit: int, start: dict[str, Any] | None, state: str | None,
                  assignee: str | None) -> tuple[list[dict[str, Any]], str | None]:
        if state is not None:
            index: Any = CaseTable.by_state
            name, key = "state_key", state_key(terc, department, state)
        else:
            index, name, key = CaseTable.by_clerk, "clerk_key", clerk_key(terc, assignee or "")
        if start is not None:
            start[name] = {"S": key}
        query = index.query(key, CaseTable.sk.startswith("C#"), scan_index_forward=False, limit=limit,
                            last_evaluated_key=start, page_size=limit)
        pk = inbox_pk(terc, department)
        items = [json.loads(item.record) for item in query if item.record and item.pk == pk]
        last = query.last_evaluated_key
        return items, encode_token(last["sk"]["S"]) if last else None

    def _by_due(self, pk: str, *, limit: int, after: str | None,
                before: date | None) -> tuple[list[dict[str, Any]], str | None]:
        start = None
        if after:
            due_on = decode_due_token(after)
            start = {"pk": {"S": pk}, "sk": {"S": due_on.split("#", 1)[1]}, "due_on": {"S": due_on}}
        condition = CaseTable.due_on < before.isoformat() if before else None
        query = CaseTable.by_due.query(pk, condition, limit=limit, last_evaluated_key=start, page_size=limit)
        items = [json.loads(item.record) for item in query if item.record]
        last = query.last_evaluated_key
        return items, encode_token(last["due_on"]["S"]) if last else None

    def past_due(self, terc: str, department: str, *, before: date) -> Iterator[dict[str, Any]]:
        """The department's open cases due before `before` (every page), from the due-date index."""
        query = CaseTable.by_due.query(inbox_pk(terc, department), CaseTable.due_on < before.isoformat(),
                                       page_size=500)
        return (json.loads(item.record) for item in query if item.record)

    def find(self, terc: str | None, case_id: str) -> StoredCase | None:
        """The case with this id (in this JST, if named), read consistently; None if there is none."""
        hits = list(CaseTable.by_case.query(case_id, limit=1))
        if not hits or (terc is not None and not hits[0].pk.startswith(f"T#{terc}#D#")):
            return None
        try:
            item = CaseTable.get(hits[0].pk, hits[0].sk, consistent_read=True)
        except CaseTable.DoesNotExist:
            return None
        return stored_case(item)

    def save(self, stored: StoredCase, record: dict[str, Any], life: dict[str, Any], *,
             notify_at: datetime | None = None, outgoing: ForwardedCase | None = None) -> int | None:
        """Write the changed case if it is still at the version read (with the outbox marker if the party is to be
        told; with the marker of the `outgoing` event), with its audit entries, in one transaction; its new version,
        or None if someone was first."""
        case = Write("case", CaseTable(pk=stored.pk, sk=stored.sk), actions=_changed(stored, record, life, notify_at),
                     condition=_at_version(stored))
        outbox = [Write("outbox", forward_marker(outgoing), kind="put")] if outgoing is not None else []
        try:
            self._write_change(stored, record, life, [case, *outbox])
        except transact.Cancelled as exc:
            if exc.failed("case"):
                return None
            raise
        return stored.version + 1

    def _write_change(self, stored: StoredCase, record: dict[str, Any], life: dict[str, Any],
                      writes: list[Write]) -> None:
        """Commit a change of the case (`writes`, its update among them) with the change's audit entries, tried
        again while another writer holds the JST's chain; any other cancellation propagates."""
        changes = trail.changed(stored.life, record, life, version=stored.version + 1, at=get_clock().now())
        for attempt in range(MAX_ATTEMPTS):
            entries = audit.append(record["terc"], changes)
            try:
                transact.write(self._connection, [*writes, *entries.writes])
            except transact.Cancelled as exc:
                if not exc.failed("case") and entries.lost(exc):
                    transact.backoff(attempt)
                    continue
                raise
            entries.committed()
            return
        raise audit.Unavailable("Dziennik zdarzeń jednostki jest chwilowo przeciążony; zmiany sprawy nie zapisano. "
                                "Spróbuj ponownie.")

    def attach(self, stored: StoredCase, record: dict[str, Any], life: dict[str, Any], *, filing: Filing,
               at: datetime, notify_at: datetime | None) -> int | None:
        """A supplementary submission attached: the case at the version read, and the submission marked registered
        under the case's sign, in one transaction. None if the case changed since it was read; `AlreadyRegistered`
        if the submission was registered before (then nothing is written)."""
        due = record.get("due_date")
        marked = submissions.mark_registered(filing.owner, filing.submission_id, case_sign=record["case_sign"],
                                             department=record["department"],
                                             due_date=date.fromisoformat(due) if due else None, at=at, notify=False)
        try:
            self._write_change(stored, record, life, [
                Write("case", CaseTable(pk=stored.pk, sk=stored.sk), actions=_changed(stored, record, life, notify_at),
                      condition=_at_version(stored)),
                Write(ONCE, marked.item, actions=marked.actions, condition=marked.condition)])
        except transact.Cancelled as exc:
            if exc.failed(ONCE):
                raise AlreadyRegistered(filing.submission_id) from None
            if exc.failed("case") or exc.conflict:
                return None
            raise
        return stored.version + 1

    def of_owner(self, owner: str, *, limit: int) -> list[dict[str, Any]]:
        """The resident's latest cases (registration records with their current state), newest first."""
        query = CaseTable.by_owner.query(owner, CaseTable.sk.startswith("C#"), scan_index_forward=False,
                                         limit=limit, page_size=limit)
        return [json.loads(item.record) for item in query if item.record]

    def mark_notified(self, stored: StoredCase, upto: int) -> None:
        """The party was told of the first `upto` history entries: clear the marker unless the case changed since
        (then the later change's notice keeps it)."""
        item = CaseTable(pk=stored.pk, sk=stored.sk)
        told = CaseTable.notified.set(upto)
        try:
            item.update(actions=[told, CaseTable.outbox.remove(), CaseTable.outbox_at.remove()],
                        condition=(CaseTable.version == stored.version) if stored.version
                        else CaseTable.version.does_not_exist())
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
        else:
            return
        try:  # never count fewer than a concurrent delivery already did
            item.update(actions=[told], condition=(CaseTable.notified < upto) | CaseTable.notified.does_not_exist())
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise

    def notices_due(self, now: datetime, *, limit: int = 100) -> list[StoredCase]:
        """Cases whose party is owed a notice since before `now`, read consistently."""
        keys = list(CaseTable.by_outbox.query("1", CaseTable.outbox_at <= now, limit=limit))
        found = []
        for key in keys:
            try:
                found.append(stored_case(CaseTable.get(key.pk, key.sk, consistent_read=True)))
            except CaseTable.DoesNotExist:
                continue
        return found

    def postpone(self, stored: StoredCase, until: datetime) -> None:
        try:
            CaseTable(pk=stored.pk, sk=stored.sk).update(actions=[CaseTable.outbox_at.set(until)],
                                                        condition=CaseTable.outbox.exists())
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise


def _changed(stored: StoredCase, record: dict[str, Any], life: dict[str, Any],
             notify_at: datetime | None) -> list[Any]:
    """The update of a changed case: record, life, next version, outbox marker, and its keys on the indexes."""
    actions = [CaseTable.record.set(json.dumps(record, ensure_ascii=False)),
               CaseTable.life.set(json.dumps(life, ensure_ascii=False)), CaseTable.version.set(stored.version + 1),
               CaseTable.state_key.set(state_key(record["terc"], record["department"], record["status"]))]
    if notify_at:
        actions += [CaseTable.outbox.set("1"), CaseTable.outbox_at.set(notify_at)]
    if record.get("assignee"):
        actions.append(CaseTable.clerk_key.set(clerk_key(record["terc"], record["assignee"])))
    due = due_key(record, stored.sk)  # the due-date index holds open cases only
    actions.append(CaseTable.due_on.set(due) if due else CaseTable.due_on.remove())
    actions += archive_actions(record, stored.sk)  # the archive index: closed cases not disposed of
    return actions


def _at_version(stored: StoredCase) -> Any:
    version = CaseTable.version
    return CaseTable.sk.exists() & ((version == stored.version) if stored.version else version.does_not_exist())


def _cases_put(writes: list[Write]) -> list[dict[str, Any]]:
    """The records of the cases a registration puts (each gets its audit entry)."""
    return [json.loads(w.item.record) for w in writes
            if w.kind == "put" and isinstance(w.item, CaseTable) and w.item.case_id and w.item.record]


def stored_case(item: CaseTable) -> StoredCase:
    return StoredCase(pk=item.pk, sk=item.sk, record=json.loads(item.record or "{}"),
                      life=json.loads(item.life) if item.life else new_life(), version=int(item.version or 0),
                      email=item.email, notified=int(item.notified or 0))


def _counter_of(reason: CancellationReason | None) -> int | None:
    """The counter's value as the failed condition found it (ALL_OLD), if the answer carried it."""
    last = (reason.raw_item or {}).get("last") if reason is not None else None
    return int(last["N"]) if last and "N" in last else None

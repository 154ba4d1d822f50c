"""Forwarded cases in DynamoDB: the senders' outbox of `ForwardedCase` events, and the receiver's registration.

The sender's forwarding writes its marker item (`keys.forward_marker`, keyed by the source case) in the
transaction that closes its case; the sweeper sends again what is still marked (`events.sweep` over `due`). The
receiver registers the case under its next number (`DynamoCases.register_numbered`) in one transaction with the
marker's update that takes it off the outbox and records the new sign: the write labelled `ONCE`, whose condition
(no sign yet) makes a redelivered event register nothing.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib.db.transact import Write
from chalicelib.events import Due
from chalicelib.events.topics import ForwardedCase
from chalicelib.modules.cases.keys import FORWARDS, case_sk, due_key, inbox_pk, state_key
from chalicelib.modules.cases.models import Plan, StoredCase
from chalicelib.modules.cases.repository import ONCE, DynamoCases
from chalicelib.modules.cases.resources import CaseTable

Built = tuple[dict[str, Any], dict[str, Any]]


class DynamoForwards:
    def __init__(self, cases: DynamoCases) -> None:
        self.cases = cases

    # --- the senders' outbox ----------------------------------------------------------------------------------

    def due(self, now: datetime, *, limit: int = 500) -> list[Due[ForwardedCase]]:
        keys = list(CaseTable.by_outbox.query(FORWARDS, CaseTable.outbox_at <= now, limit=limit))
        found = []
        for key in keys:
            try:
                item = CaseTable.get(key.pk, key.sk, consistent_read=True)
            except CaseTable.DoesNotExist:
                continue
            if item.outbox and item.record:
                found.append(Due(ForwardedCase.model_validate_json(item.record), int(item.sends or 0)))
        return found

    def postpone(self, event: ForwardedCase, *, until: datetime, sends: int) -> None:
        try:
            CaseTable(pk=f"F#{event.source_case_id}", sk=FORWARDS).update(
                actions=[CaseTable.outbox_at.set(until), CaseTable.sends.set(sends)],
                condition=CaseTable.outbox.exists())
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise

    # --- the receiver ---------------------------------------------------------------------------------------

    def registered_sign(self, source_case_id: str) -> str | None:
        """The receiver's sign if it registered the forwarded case already."""
        try:
            item = CaseTable.get(f"F#{source_case_id}", FORWARDS, consistent_read=True)
        except CaseTable.DoesNotExist:
            return None
        return item.case_sign

    def register(self, plan: Plan, message: ForwardedCase, build: Any, *, at: datetime) -> StoredCase | None:
        """Register the forwarded case under the receiver's next number (`build(number, sign)` gives its record and
        life), with its party's notice marked; None if it was registered before."""

        def writes(number: int, sign: str) -> tuple[StoredCase, list[Write]]:
            record, life = build(number, sign)
            sk = case_sk(at, message.case_id)
            item = CaseTable(pk=inbox_pk(plan.terc, plan.department), sk=sk,
                             case_id=message.case_id, case_sign=sign, owner=message.owner,
                             email=message.email or None,
                             state_key=state_key(plan.terc, plan.department, record["status"]),
                             due_on=due_key(record, sk),
                             record=json.dumps(record, ensure_ascii=False), life=json.dumps(life, ensure_ascii=False))
            if message.email:  # the party's notice of the registration, sent by the worker or else the sweeper
                item.outbox, item.outbox_at = "1", at
            marker = CaseTable(pk=f"F#{message.source_case_id}", sk=FORWARDS)
            once = Write(ONCE, marker, actions=[CaseTable.case_sign.set(sign), CaseTable.outbox.remove(),
                                                CaseTable.outbox_at.remove()],
                         condition=CaseTable.sk.exists() & CaseTable.case_sign.does_not_exist())
            stored = StoredCase(pk=item.pk, sk=item.sk, record=record, life=life, version=0, email=item.email)
            return stored, [Write("case", item, kind="put", condition=CaseTable.sk.does_not_exist()), once]

        return self.cases.register_numbered(plan, writes)

    def mark_notified(self, stored: StoredCase, upto: int) -> None:
        self.cases.mark_notified(stored, upto)

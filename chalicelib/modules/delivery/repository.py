"""The deliveries' records in DynamoDB: one item per letter's delivery under its case, written on condition of
the version read; the open ones indexed by when to look again, the failed ones by JST, each by the box's id."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pynamodb.exceptions import PutError

from chalicelib.modules.delivery.records import Stored, iso
from chalicelib.modules.delivery.resources import DeliveryTable

OPEN = "O"
MAX_PER_CASE = 200


def case_pk(terc: str, case_id: str) -> str:
    return f"T#{terc}#C#{case_id}"


def _key_of(item: DeliveryTable) -> tuple[str, str, str]:
    _, terc, _, case_id = item.pk.split("#", 3)
    return terc, case_id, item.sk[2:]


class DynamoDeliveries:
    def get(self, terc: str, case_id: str, delivery_id: str) -> Stored | None:
        try:
            item = DeliveryTable.get(case_pk(terc, case_id), f"D#{delivery_id}", consistent_read=True)
        except DeliveryTable.DoesNotExist:
            return None
        return Stored(json.loads(item.record or "{}"), int(item.version or 0))

    def save(self, stored: Stored) -> bool:
        record = stored.record
        item = DeliveryTable(
            pk=case_pk(record["terc"], record["case_id"]), sk=f"D#{record['delivery_id']}",
            record=json.dumps(record, ensure_ascii=False), version=stored.version + 1,
            open_shard=OPEN if record.get("check_at") else None, check_at=record.get("check_at"),
            box_message_id=record.get("box_message_id"),
            failed_terc=record["terc"] if record["status"] in ("nieudana", "niedoreczona") else None)
        condition = (DeliveryTable.sk.does_not_exist() if stored.version == 0
                     else DeliveryTable.version == stored.version)
        try:
            item.save(condition=condition)
        except PutError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        stored.version += 1
        return True

    def of_case(self, terc: str, case_id: str) -> list[dict[str, Any]]:
        items = DeliveryTable.query(case_pk(terc, case_id), DeliveryTable.sk.startswith("D#"), consistent_read=True,
                                    limit=MAX_PER_CASE)
        return sorted((json.loads(i.record or "{}") for i in items), key=lambda r: str(r.get("created_at")))

    def due(self, now: datetime, limit: int) -> list[tuple[str, str, str]]:
        hits = DeliveryTable.open.query(OPEN, DeliveryTable.check_at <= (iso(now) or ""), limit=limit)
        return [_key_of(hit) for hit in hits]

    def by_message(self, box_message_id: str) -> tuple[str, str, str] | None:
        hits = list(DeliveryTable.by_message.query(box_message_id, limit=1))
        return _key_of(hits[0]) if hits else None

    def failed(self, terc: str) -> list[dict[str, Any]]:
        found = []
        for hit in DeliveryTable.failed.query(terc, limit=MAX_PER_CASE):
            stored = self.get(*_key_of(hit))
            if stored is not None:
                found.append(stored.record)
        return found

    def subscription(self, address: str) -> dict[str, Any] | None:
        try:
            item = DeliveryTable.get(f"SUB#{address}", "SUB", consistent_read=True)
        except DeliveryTable.DoesNotExist:
            return None
        return {"token": item.token, "subscription_id": item.subscription_id, "url": item.record}

    def claim_subscription(self, address: str, token: str, url: str) -> bool:
        """The ADE's callback token, stored before the box is asked; False when another request stored one first."""
        try:
            DeliveryTable(pk=f"SUB#{address}", sk="SUB", token=token, record=url).save(
                condition=DeliveryTable.pk.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def put_subscription(self, address: str, token: str, subscription_id: str, url: str) -> None:
        DeliveryTable(pk=f"SUB#{address}", sk="SUB", token=token, subscription_id=subscription_id,
                      record=url).save()

"""The letters' records in DynamoDB (one item per letter, under its case)."""

from __future__ import annotations

import json
from typing import Any

from pynamodb.exceptions import PutError

from chalicelib.modules.letters.resources import LetterTable

MAX_LETTERS = 500  # a case's letters listed at most (a case issues a handful)


def case_pk(terc: str, case_id: str) -> str:
    return f"T#{terc}#C#{case_id}"


class DynamoLetters:
    def find(self, terc: str, case_id: str, letter_id: str) -> dict[str, Any] | None:
        try:
            item = LetterTable.get(case_pk(terc, case_id), f"L#{letter_id}", consistent_read=True)
        except LetterTable.DoesNotExist:
            return None
        found: dict[str, Any] = json.loads(item.record or "{}")
        return found

    def put(self, terc: str, case_id: str, letter: dict[str, Any]) -> bool:
        item = LetterTable(pk=case_pk(terc, case_id), sk=f"L#{letter['letter_id']}", issued_at=letter["issued_at"],
                           record=json.dumps(letter, ensure_ascii=False))
        try:
            item.save(condition=LetterTable.sk.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def of_case(self, terc: str, case_id: str) -> list[dict[str, Any]]:
        items = LetterTable.query(case_pk(terc, case_id), consistent_read=True, limit=MAX_LETTERS)
        letters = [json.loads(item.record or "{}") for item in items]
        return sorted(letters, key=lambda letter: str(letter.get("issued_at")))

"""The public deadline calculator through the API: the due date with the articles applied; bad input is 422
naming each field."""

from __future__ import annotations

import json
from typing import Any


def test_the_public_api_answers_with_the_articles(api: Any) -> None:
    answer = api.http.get("/v1/deadlines?kind=1m&from=2026-01-31&paused=0")
    assert answer.status_code == 200
    assert answer.json_body["due_date"] == "2026-03-02"  # 02-28 is Saturday, then Sunday (art. 57 § 4)
    assert answer.json_body["articles"][-1]["article"] == "art. 57 § 4 KPA"


def test_the_public_api_refuses_bad_input_with_field_paths(api: Any) -> None:
    answer = api.http.get("/v1/deadlines?kind=1y&from=31.01.2026&paused=x")
    assert answer.status_code == 422
    assert {d["field"] for d in json.loads(answer.body)["error"]["details"]} == {"kind", "from", "paused"}
    assert api.http.get("/v1/deadlines").status_code == 422

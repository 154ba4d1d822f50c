"""The AWS requests a test's code sends, counted where botocore sends each HTTP request (once per attempt), so
every client counts, also those made before the test and PynamoDB's own."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import botocore.endpoint
import pytest


def count_requests(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every AWS request sent from here on as `service:Operation`, and each Query and Scan also as
    `Query:<table>` / `Scan:<table>`."""
    seen: Counter[str] = Counter()
    send = botocore.endpoint.Endpoint._do_get_response

    def counting(self: Any, request: Any, operation_model: Any, context: Any) -> Any:
        seen[f"{operation_model.service_model.service_name}:{operation_model.name}"] += 1
        if operation_model.name in ("Query", "Scan"):
            seen[f"{operation_model.name}:{json.loads(request.body or b'{}').get('TableName')}"] += 1
        return send(self, request, operation_model, context)

    monkeypatch.setattr(botocore.endpoint.Endpoint, "_do_get_response", counting)
    return seen

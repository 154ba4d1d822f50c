"""Reading the e-mail the local AWS 'sent', for assertions in tests.

ministack lists it at /_ministack/ses/messages, LocalStack at /_aws/ses; a real account has no outbox to
read, so tests that need it cannot run there.
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from typing import Any


def _get(path: str) -> Any:
    url = os.environ["AWS_ENDPOINT_URL"].rstrip("/") + path
    with urllib.request.urlopen(url, timeout=5) as resp:
        return json.loads(resp.read())


def sent_emails() -> list[dict[str, Any]]:
    """Sent messages as {MessageId, To, Subject, BodyText}."""
    try:
        data = _get("/_ministack/ses/messages")
        return [m for msgs in data.get("messages", {}).values() for m in msgs]
    except urllib.error.HTTPError:
        data = _get("/_aws/ses")
    return [
        {"MessageId": m.get("Id"), "To": m.get("Destination", {}).get("ToAddresses", []),
         "Subject": m.get("Subject"), "BodyText": (m.get("Body") or {}).get("text_part", "")}
        for m in data.get("messages", [])
    ]


def emails_about(event_id: str) -> list[dict[str, Any]]:
    return [m for m in sent_emails() if event_id in (m.get("BodyText") or "")]

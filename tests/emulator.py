"""Reading what the emulator itself recorded (e-mail it 'sent'), for assertions in tests."""

from __future__ import annotations

import json
import os
import urllib.request
from typing import Any


def sent_emails() -> list[dict[str, Any]]:
    url = os.environ["AWS_ENDPOINT_URL"].rstrip("/") + "/_ministack/ses/messages"
    with urllib.request.urlopen(url, timeout=5) as resp:
        data = json.loads(resp.read())
    return [m for msgs in data.get("messages", {}).values() for m in msgs]


def emails_about(event_id: str) -> list[dict[str, Any]]:
    return [m for m in sent_emails() if event_id in (m.get("BodyText") or "")]

"""Where the operator CLI goes when nobody said: the platform `make run` started on this machine.

`make run` writes `.local/endpoints.json`; with it, `upp check` and the other commands work in a second shell
without exporting anything. Nothing happens when AWS_ENDPOINT_URL or EURZAD_RESOURCE_PREFIX is set (another
target was chosen), or when there is no local platform.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

ENDPOINTS = Path(__file__).resolve().parent.parent / ".local" / "endpoints.json"
# The emulator takes any credentials; the region is the one the local platform is deployed in.
LOCAL_DEFAULTS = {"AWS_DEFAULT_REGION": "eu-central-1", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}


def use_local_platform(endpoints: Path = ENDPOINTS) -> str | None:
    """Point this process at the local platform if it is the only one in sight; its emulator URL, or None."""
    if os.environ.get("AWS_ENDPOINT_URL") or os.environ.get("EURZAD_RESOURCE_PREFIX"):
        return None
    try:
        found = json.loads(endpoints.read_text(encoding="utf-8"))
        aws, stack = str(found["aws"]), str(found["stack"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    os.environ["AWS_ENDPOINT_URL"] = aws
    os.environ["EURZAD_RESOURCE_PREFIX"] = stack.removesuffix("-app")
    for name, value in LOCAL_DEFAULTS.items():
        os.environ.setdefault(name, value)
    return aws

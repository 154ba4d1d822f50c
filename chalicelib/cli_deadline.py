"""`deadline`: the KPA due date from its kind, start and uncounted days, printed as an ISO date."""

from __future__ import annotations

import sys
from typing import Any


def deadline(kind: str, started: str, paused: str | None) -> int:
    from chalicelib.core.errors import ApiError
    from chalicelib.modules.cases import calculator

    try:
        answer = calculator.calculate(*calculator.parse(kind, started, paused))
    except ApiError as exc:
        for detail in exc.details:
            print(f"błąd: --{detail['field']}: {detail['message']}", file=sys.stderr)
        return 2
    print(answer["due_date"])
    return 0


def add_commands(sub: Any) -> None:
    command = sub.add_parser("deadline", help="the KPA due date (ISO) of a 7-day, 1- or 2-month term")
    command.add_argument("--kind", required=True, help="7d, 1m or 2m")
    command.add_argument("--from", dest="started", required=True, help="the start, YYYY-MM-DD")
    command.add_argument("--paused", help="days that do not count (art. 35 § 5 KPA)")
    command.set_defaults(run=lambda a: deadline(a.kind, a.started, a.paused))

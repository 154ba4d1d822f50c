"""`dlq show` and `dlq redrive`: the dead-letter queues, looked at and emptied back into their queues."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def _unknown_queue(key: str) -> int:
    from chalicelib import dead_letters

    print(f"błąd: nieznana kolejka „{key}”; znane kolejki: {', '.join(dead_letters.queue_keys())}", file=sys.stderr)
    return 2


def dlq_show(key: str | None, limit: int) -> int:
    """Without a queue, the DLQ depth of every queue; with one, up to `limit` of its dead letters, left in place."""
    from chalicelib import dead_letters

    if key is None:
        for queue in dead_letters.queue_keys():
            print(f"{queue}: w kolejce błędów: {dead_letters.depth(queue)}")
        return 0
    try:
        letters = dead_letters.peek(key, limit)
    except dead_letters.UnknownQueue:
        return _unknown_queue(key)
    if not letters:
        print(f"{key}: kolejka błędów jest pusta")
        return 0
    for letter in letters:
        sent = letter.sent_at.strftime("%Y-%m-%d %H:%M:%S") if letter.sent_at else "?"
        print(f"{letter.message_id} · wysłano {sent} · odebrań: {letter.receive_count} · {letter.summary}")
    print(f"{key}: pokazano {len(letters)}; wiadomości pozostają w kolejce błędów")
    return 0


def dlq_redrive(key: str, limit: int | None) -> int:
    """Move dead letters of queue `key` back to it; each is deleted from the DLQ only after it was sent."""
    from chalicelib import dead_letters

    try:
        moved = dead_letters.redrive(key, limit)
    except dead_letters.UnknownQueue:
        return _unknown_queue(key)
    print(f"{key}: przeniesiono z kolejki błędów z powrotem do kolejki: {moved}")
    return 0


def _positive(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise argparse.ArgumentTypeError("liczba musi być dodatnia")
    return value


def add_commands(sub: Any) -> None:
    dlq = sub.add_parser("dlq").add_subparsers(dest="action", required=True)
    show = dlq.add_parser("show", help="messages in each dead-letter queue, or a look at one queue's (left in place)")
    show.add_argument("queue", nargs="?")
    show.add_argument("--limit", type=_positive, default=10)
    show.set_defaults(run=lambda a: dlq_show(a.queue, a.limit))
    redrive = dlq.add_parser("redrive", help="move dead letters back to their queue")
    redrive.add_argument("queue")
    redrive.add_argument("--limit", type=_positive, help="at most N (default: as many as the DLQ holds now)")
    redrive.set_defaults(run=lambda a: dlq_redrive(a.queue, a.limit))

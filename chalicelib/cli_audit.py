"""`audit verify --tenant TERC`: a JST's audit chain read in order and checked; the first thing wrong, named."""

from __future__ import annotations

import sys
from typing import Any

SHOWN = 20  # problems printed after the first (a removed entry also breaks the link of the next, ...)


def verify(terc: str) -> int:
    """0 and OK with the number of entries if the chain is whole; 1 and what is wrong where, first problem first."""
    from pynamodb.exceptions import PynamoDBException

    from chalicelib.modules.audit import logic
    from chalicelib.modules.audit.wiring import chain

    store = chain()
    try:
        head = store.stored_head(terc)
        count, problems = logic.verify(terc, store.entries(terc), head)
        if problems and problems[-1].kind == "head" and store.stored_head(terc) != head:
            # entries were appended while it was read: check the chain again as it stands now
            head = store.stored_head(terc)
            count, problems = logic.verify(terc, store.entries(terc), head)
    except PynamoDBException as exc:
        print(f"błąd: nie można odczytać dziennika zdarzeń: {exc}", file=sys.stderr)
        return 2
    if not problems:
        last = f"; ostatni skrót {head.hash}" if head else ""
        print(f"{terc}: OK, łańcuch dziennika zdarzeń nienaruszony, wpisów: {count}{last}")
        return 0
    first = problems[0]
    print(f"{terc}: NARUSZONY łańcuch dziennika zdarzeń: {first.message}", file=sys.stderr)
    for problem in problems[1:SHOWN + 1]:
        print(f"  także: {problem.message}", file=sys.stderr)
    if len(problems) > SHOWN + 1:
        print(f"  … i {len(problems) - SHOWN - 1} innych", file=sys.stderr)
    print(f"{terc}: sprawdzono wpisów: {count}; problemów: {len(problems)}", file=sys.stderr)
    return 1


def add_commands(sub: Any) -> None:
    group = sub.add_parser("audit").add_subparsers(dest="action", required=True)
    check = group.add_parser("verify", help="check a JST's audit chain: changed, removed or reordered entries")
    check.add_argument("--tenant", required=True, help="the JST's TERC code")
    check.set_defaults(run=lambda a: verify(a.tenant))

"""The nightly permit expiry killed between two permits, in the emulator: the permits it turned "wygasłe" stay so
with their one history item and audit entry, and the next run turns the rest, writing nothing twice (each permit
is one transaction on condition of the version read, and a turned one is out of the index the run reads)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from chalicelib.core.clock import FixedClock
from chalicelib.modules.registers import expiry
from tests.integration.test_register_expiry import clock, made, run_expiry
from tests.integration.test_registers import ALCOHOL, DG, A, audit_actions, call, permit, token

__all__ = ["clock"]  # the fixture: 20 November 2026
pytestmark = pytest.mark.usefixtures("platform", "demo_pki")


def killed_at_the_third_of(mine: list[str], expire: Callable[..., bool]) -> Callable[..., bool]:
    """`logic.expire`, in a run whose Lambda dies as it comes to the third of `mine` (two of them turned)."""
    seen: list[str] = []

    def dying(ports: Any, terc: str, register: str, entry_id: str, *, at: Any) -> bool:
        if entry_id in mine:
            seen.append(entry_id)
            if len(seen) == 3:
                raise SystemExit("Task timed out after 30.00 seconds")
        return expire(ports, terc, register, entry_id, at=at)

    return dying


def state(api: Any, entry_id: str) -> tuple[str, list[tuple[int, str, str]], list[str]]:
    shown = call(api, "GET", f"/v1/tenants/{A}/registers/{ALCOHOL}/{entry_id}/history", headers=DG).json_body
    return (shown["entry"]["status"], [(h["version"], h["action"], h["by"]) for h in shown["history"]],
            audit_actions(A, entry_id))


def test_an_expiry_killed_half_way_is_finished_by_the_next_run_with_nothing_twice(
        api: Any, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given three permits that ended on 28, 29 and 30 November
    mark = token()
    mine = [made(api, ALCOHOL, permit(f"{mark}/{day}", valid_from="2026-01-01", valid_to=f"2026-11-{day}"), DG)
            for day in (28, 29, 30)]
    clock.advance(days=10, hours=14, minutes=30)  # 00:30 on 1 December in Warsaw
    # When the night's run is killed after turning two of them
    with monkeypatch.context() as patched:
        patched.setattr(expiry.logic, "expire", killed_at_the_third_of(mine, expiry.logic.expire))
        with pytest.raises(SystemExit):
            run_expiry(api)
    turned = ("wygasle", [(1, "created", "clerk-dg"), (2, "expired", "system")],
              ["register.created", "register.expired"])
    untouched = ("aktywne", [(1, "created", "clerk-dg")], ["register.created"])
    assert [state(api, e) for e in mine] == [turned, turned, untouched]
    # When the next run comes, and another
    run_expiry(api)
    run_expiry(api)
    # Then all three are "wygasłe", each with one history item and one audit entry of it
    assert [state(api, e) for e in mine] == [turned] * 3

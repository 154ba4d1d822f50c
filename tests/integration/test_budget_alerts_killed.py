"""The budgets' hourly run killed between two steps, in the emulator: after it claimed the alerts and took the
first one's mail (its lease), before SES took the mail. A run within the lease mails the other alerts and leaves
that one; a run after the lease mails it; no alert is mailed twice.

Not promised: a run killed after SES took the mail and before marking it mailed is mailed again after the lease
(at least once, never lost; `alerts.py` says so)."""

from __future__ import annotations

import uuid
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest

from chalicelib.core.clock import FixedClock
from chalicelib.modules.costs import budget_alerts
from tests.integration.test_budgets import YEAR, B, clock, finance, mails_to, put_budget, run_schedule, used

__all__ = ["clock"]  # the fixture: the clock in a year no other file meters, with a rate from its January
JUNE = f"{YEAR}-06"  # a month of that year no other test meters


class Killed:
    """The Lambda dies (timeout) as it hands the mail to SES."""

    def send(self, mail: Any) -> str:
        raise SystemExit("Task timed out after 30.00 seconds")


def alerted(address: str) -> Counter[str]:
    """The mails sent, by the alert they tell of (its threshold and kind, in words)."""
    return Counter(m["BodyText"].splitlines()[2] for m in mails_to(address))


def test_a_run_killed_before_sending_mails_the_alert_once_after_the_lease(
        api: Any, clock: FixedClock, monkeypatch: pytest.MonkeyPatch) -> None:
    from chalicelib.modules.costs.budget_wiring import budgets_store

    address = f"finanse-{uuid.uuid4().hex[:8]}@lesznowola.demo.eurzad.pl"
    clock.advance(days=92)  # 10 June, 10 of 30 days elapsed
    for day in range(1, 11):
        used(f"{JUNE}-{day:02d}", 60_000, terc=B)
    cost = api.http.get(f"/v1/finance/budgets/{B}?month={JUNE}", headers=finance(B))
    assert cost.status_code == 200, cost.body
    budget = int(cost.json_body["actual"] / Decimal("0.85"))  # 85 % used, the forecast past 100 %
    assert put_budget(api, {"amount": budget, "email": address}, finance(B), terc=B).status_code == 200

    # Given the hourly run killed as it handed the first alert's mail to SES
    with monkeypatch.context() as patched:
        patched.setattr(budget_alerts, "mailer", Killed)
        with pytest.raises(SystemExit):
            run_schedule()
    claimed = budgets_store().alerts(B, JUNE)
    assert len(claimed) == 3 and not mails_to(address)

    # When the next run comes within the lease: the other alerts are mailed, the leased one waits
    clock.advance(minutes=5)
    run_schedule()
    assert len(mails_to(address)) == 2
    # When runs come after the lease: it is mailed, once
    clock.advance(minutes=6)
    run_schedule()
    clock.advance(hours=1)
    run_schedule()
    assert list(alerted(address).values()) == [1, 1, 1]
    assert all(a.mailed_at for a in budgets_store().alerts(B, JUNE))


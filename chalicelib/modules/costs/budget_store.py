"""The budgets' store in DynamoDB: a budget is put on condition of the version it was read at, together with its
audit entry (one transaction); an alert is claimed by a put on condition that its key is free."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import PutError, UpdateError

from chalicelib.core.settings import get_settings
from chalicelib.db.transact import Write
from chalicelib.modules import audit
from chalicelib.modules.costs.budget_models import Alert, Budget
from chalicelib.modules.costs.budget_tables import BudgetTable as T

BUDGET = "B"


def alert_key(alert: Alert) -> tuple[str, str]:
    return f"A#{alert.terc}#{alert.month}", f"{alert.scope}#{alert.threshold}#{alert.kind}"


class DynamoBudgets:
    def __init__(self) -> None:
        self.connection = Connection(region=get_settings().region)

    def budget(self, terc: str) -> Budget | None:
        try:
            return Budget.model_validate_json(T.get(f"B#{terc}", BUDGET, consistent_read=True).record)
        except T.DoesNotExist:
            return None

    def save(self, budget: Budget, read_version: int, change: Any) -> bool:
        """The budget and its audit entry together; False when another change came first (nothing written)."""
        condition = (T.version == read_version) if read_version else T.pk.does_not_exist()
        item = T(pk=f"B#{budget.terc}", sk=BUDGET, version=budget.version, record=budget.model_dump_json())
        writes = [Write("budget", item, kind="put", condition=condition)]
        return audit.write_together(self.connection, budget.terc, writes, [change], own=("budget",))

    def claim(self, alert: Alert) -> bool:
        pk, sk = alert_key(alert)
        try:
            T(pk=pk, sk=sk, record=alert.model_dump_json()).save(condition=T.pk.does_not_exist())
        except PutError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def take_mail(self, alert: Alert, now: datetime, lease: timedelta) -> bool:
        """Take the alert's mail to send: not mailed, and nobody took it within the lease."""
        pk, sk = alert_key(alert)
        now = now.astimezone(UTC)  # one offset, so the stored times compare as text
        free = T.sending.does_not_exist() | (T.sending < (now - lease).isoformat())
        try:
            T(pk=pk, sk=sk).update(actions=[T.sending.set(now.isoformat())],
                                   condition=T.pk.exists() & T.mailed.does_not_exist() & free)
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def mailed(self, alert: Alert, at: datetime) -> None:
        pk, sk = alert_key(alert)
        done = alert.model_copy(update={"mailed_at": at})
        T(pk=pk, sk=sk).update(actions=[T.record.set(done.model_dump_json()), T.mailed.set(at.isoformat())])

    def alerts(self, terc: str, month: str) -> list[Alert]:
        return [Alert.model_validate_json(i.record) for i in T.query(f"A#{terc}#{month}", consistent_read=True)]

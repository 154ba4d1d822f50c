"""The month's running cost of one JST, as the budgets read it: the costs' report in PLN, per catalogue service
and per Warsaw day."""

from __future__ import annotations

from chalicelib.modules.costs.budgets import MonthCost


class ReportCosts:
    def month_to_date(self, terc: str, month: str) -> MonthCost:
        return MonthCost()

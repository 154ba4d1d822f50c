"""What the costs module owns in AWS. The metering rows it prices are the platform's (`chalicelib.db.tables`)."""

from __future__ import annotations

from pynamodb.models import Model

from chalicelib.modules.costs.budget_tables import BudgetTable
from chalicelib.resources import QueueSpec

TABLES: tuple[type[Model], ...] = (BudgetTable,)
QUEUES: tuple[QueueSpec, ...] = ()

"""What the costs module owns in AWS: the region's cost settings (one item), the JSTs' budgets and their alerts
(`budget_tables.py`). The metering rows it prices are the platform's own table
(`chalicelib.db.tables.MeteringTable`)."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute, UTCDateTimeAttribute
from pynamodb.models import Model

from chalicelib.db.tables import TableMeta, table_name
from chalicelib.modules.costs.budget_tables import BudgetTable
from chalicelib.resources import QueueSpec


class CostSettingsTable(Model):
    """The region's cost settings (rates, the split rule, the shared fixed items) as validated JSON, one item
    (`id = "region"`), with an optimistic-lock version."""

    class Meta(TableMeta):
        table_name = table_name("cost-settings")

    id = UnicodeAttribute(hash_key=True)
    settings = UnicodeAttribute()
    version = NumberAttribute()
    updated_at = UTCDateTimeAttribute()
    updated_by = UnicodeAttribute()


TABLES: tuple[type[Model], ...] = (CostSettingsTable, BudgetTable)
QUEUES: tuple[QueueSpec, ...] = ()

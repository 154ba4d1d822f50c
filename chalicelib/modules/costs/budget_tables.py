"""The budgets' table: each JST's monthly budget, and the alerts its thresholds raised, one item per budget, month,
threshold and kind (the key that keeps an alert to once). `resources.py` lists it with the module's tables."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.models import Model

from chalicelib.db.tables import TableMeta, table_name


class BudgetTable(Model):
    """A JST's budget under pk = B#<terc>, sk = B; an alert under pk = A#<terc>#<YYYY-MM>,
    sk = <scope>#<threshold>#<kind> (scope: `razem` or a service id), so a JST's month of alerts is one Query."""

    class Meta(TableMeta):
        table_name = table_name("cost-budgets")

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    version = NumberAttribute(null=True)
    record = UnicodeAttribute()  # JSON: the budget or the alert
    mailed = UnicodeAttribute(null=True)  # an alert's mail sent at (ISO 8601), absent while pending
    sending = UnicodeAttribute(null=True)  # an alert's mail taken to send at (ISO 8601, UTC): a lease

"""Public registers a JST keeps on the platform, each turned on in its configuration (`registers`): alcohol sale
permits (with their yearly fee and instalments, and the declaration of last year's sales), road-lane occupation
permits (with the fee by the JST's rates) and the municipal register of monuments (with a photo). Entries are
filled by the register's department, by hand or from a decided case, every change kept in the entry's history
and the JST's audit trail; anyone searches them and reads what the law makes public.

No other module uses it: it has no published interface.
"""

from __future__ import annotations

from chalicelib.modules.registers import wiring as _wiring  # noqa: F401  # its heavy parts load on first use

__all__: list[str] = []

"""The service catalogue (WKUP) module. What other modules may use of it is below; the rest is its own.

- `definitions()`: the published service definitions (cached per container), to read a definition by id/version;
- `entry`, `search`, `tenant_service`, `require`: a service as a JST offers it, with the JST's overrides applied;
- `fee_due`, `quote` (its body `FeeQuoteIn`): the fee a filled form owes in a JST (its rule, else the catalogue's).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.modules.catalogue import wiring as _wiring  # its heavy parts load on first use

if TYPE_CHECKING:
    from chalicelib.modules.catalogue.logic import (
        CatalogueReader,
        entry,
        fee_due,
        quote,
        require,
        search,
        tenant_service,
    )
    from chalicelib.modules.catalogue.models import FeeQuoteIn
    from chalicelib.modules.catalogue.repository import DynamoCatalogue

__all__ = ["CatalogueReader", "FeeQuoteIn", "definitions", "entry", "fee_due", "quote", "require", "search",
           "tenant_service"]
_FROM_LOGIC = frozenset({"CatalogueReader", "entry", "fee_due", "quote", "require", "search", "tenant_service"})


def definitions() -> DynamoCatalogue:
    return _wiring.catalogue()


def __getattr__(name: str) -> Any:
    """The published logic, from the module loaded on first use (not at cold start)."""
    if name in _FROM_LOGIC:
        return getattr(_wiring.logic, name)
    if name == "FeeQuoteIn":
        return _wiring.models.FeeQuoteIn
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

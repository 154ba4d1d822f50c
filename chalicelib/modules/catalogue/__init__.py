"""The service catalogue (WKUP) module. What other modules may use of it is below; the rest is its own.

- `definitions()`: the published service definitions (cached per container), to read a definition by id/version;
- `entry`, `search`, `tenant_service`, `require`: a service as a JST offers it, with the JST's overrides applied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.modules.catalogue import wiring as _wiring  # its heavy parts load on first use

if TYPE_CHECKING:
    from chalicelib.modules.catalogue.logic import CatalogueReader, entry, require, search, tenant_service
    from chalicelib.modules.catalogue.repository import DynamoCatalogue

__all__ = ["CatalogueReader", "definitions", "entry", "require", "search", "tenant_service"]
_FROM_LOGIC = frozenset({"CatalogueReader", "entry", "require", "search", "tenant_service"})


def definitions() -> DynamoCatalogue:
    return _wiring.catalogue()


def __getattr__(name: str) -> Any:
    """The published logic, from the module loaded on first use (not at cold start)."""
    if name in _FROM_LOGIC:
        return getattr(_wiring.logic, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""The service catalogue (WKUP) module. What other modules may use of it is below; the rest is its own.

- `definitions()`: the published service definitions (cached per container), to read a definition by id/version;
- `entry`, `search`, `tenant_service`, `require`: a service as a JST offers it, with the JST's overrides applied.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.modules.catalogue.logic import CatalogueReader, entry, require, search, tenant_service

if TYPE_CHECKING:
    from chalicelib.modules.catalogue.repository import DynamoCatalogue

__all__ = ["CatalogueReader", "definitions", "entry", "require", "search", "tenant_service"]


def definitions() -> DynamoCatalogue:
    from chalicelib.modules.catalogue.wiring import catalogue

    return catalogue()

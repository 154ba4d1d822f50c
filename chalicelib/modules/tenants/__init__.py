"""The tenants (JST) module. What other modules may use of it is below; the rest is its own.

- `config(terc)`: a JST's current configuration (strongly consistent read), or 404 `tenant_not_found`.
- `configs()`: every JST of the region, by TERC (for region-wide daily jobs).
- `edelivery_addresses()`: the JSTs' own e-delivery addresses (public bodies), cached per container for
  `catalogue_cache_seconds`: a JST added within that time is not yet among them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.modules.tenants import wiring as _wiring  # its heavy parts load on first use

if TYPE_CHECKING:
    from chalicelib.model.tenant import TenantConfig

__all__ = ["config", "configs", "edelivery_addresses"]


def config(terc: str) -> TenantConfig:
    return _wiring.logic.require_tenant(_wiring.tenant_store(), terc).config


def configs() -> list[TenantConfig]:
    return _wiring.tenant_store().all()


def edelivery_addresses() -> frozenset[str]:
    return _wiring.tenant_store().edelivery_addresses()

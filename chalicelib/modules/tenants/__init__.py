"""The tenants (JST) module. What other modules may use of it is below; the rest is its own.

- `config(terc)`: a JST's current configuration (strongly consistent read), or 404 `tenant_not_found`.
- `configs()`: every JST of the region, by TERC (for region-wide daily jobs).
- `change_appointments(terc, setting, actor=, expected_version=)`: the JST's e-wizyta setting replaced by its
  administrator (audited, the contact told; 422 per field, 409 `version_mismatch`) -> (new version, audit event id).
- `edelivery_addresses()`: the JSTs' own e-delivery addresses (public bodies), cached per container for
  `catalogue_cache_seconds`: a JST added within that time is not yet among them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.modules.tenants import wiring as _wiring  # its heavy parts load on first use

if TYPE_CHECKING:
    from chalicelib.core.auth import Principal
    from chalicelib.model.appointments import AppointmentsSetting
    from chalicelib.model.tenant import TenantConfig

__all__ = ["change_appointments", "config", "configs", "edelivery_addresses"]


def config(terc: str) -> TenantConfig:
    return _wiring.logic.require_tenant(_wiring.tenant_store(), terc).config


def configs() -> list[TenantConfig]:
    return _wiring.tenant_store().all()


def edelivery_addresses() -> frozenset[str]:
    return _wiring.tenant_store().edelivery_addresses()


def change_appointments(terc: str, setting: AppointmentsSetting | None, *, actor: Principal,
                        expected_version: int | None) -> tuple[int, str]:
    from chalicelib.core.clock import get_clock
    from chalicelib.modules import catalogue

    stored, audit = _wiring.logic.change_appointments(
        _wiring.tenant_store(), terc=terc, setting=setting, catalogue_ids=catalogue.definitions().ids(), actor=actor,
        now=get_clock().now(), expected_version=expected_version)
    return stored.version, audit.event_id

"""The tenants (JST) module. What other modules may use of it is below; the rest is its own.

- `config(terc)`: a JST's current configuration (strongly consistent read), or 404 `tenant_not_found`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chalicelib.model.tenant import TenantConfig

__all__ = ["config"]


def config(terc: str) -> TenantConfig:
    from chalicelib.modules.tenants.logic import require_tenant
    from chalicelib.modules.tenants.wiring import tenant_store

    return require_tenant(tenant_store(), terc).config

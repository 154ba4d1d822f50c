"""The tenants module's API shapes: a JST as the public sees it, an administrator's change, a stored configuration."""

from __future__ import annotations

from pydantic import BaseModel

from chalicelib.model.fees import FeeRule
from chalicelib.model.service import DeadlineKind, DeptSymbol, Money
from chalicelib.model.tenant import Address, Contact, Strict, TenantConfig, TenantKind


class TenantSummary(BaseModel):
    terc: str
    name: str
    kind: TenantKind
    office_name: str


class TenantProfile(TenantSummary):
    """What anyone may see of a JST: how to reach it and where to pay."""

    address: Address
    contact: Contact
    bank_account: str
    edelivery_address: str


class ServiceSettingChange(Strict):
    """A tenant administrator's change to one service. Omitted fields keep their value; null clears
    an override back to the catalogue's value."""

    enabled: bool | None = None
    fee: Money | None = None
    fee_rule: FeeRule | None = None  # the JST's own rule; must fit the service's form (422 on `fee_rule.…`)
    deadline_kind: DeadlineKind | None = None
    department: DeptSymbol | None = None


class StaleVersion(Exception):
    """The configuration changed since it was read: the store did not write."""


class StoredTenant(BaseModel):
    config: TenantConfig
    version: int

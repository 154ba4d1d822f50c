"""The registers' rules: an entry of a register the JST keeps, created by its department's clerk (by hand or from
a decided case of the register's service), changed, revoked, each change kept in the entry's history and the
JST's audit trail; what of it the public sees; its fee.

No Chalice, no boto3: the store, the cases (through the cases module's interface) and the JST come in as ports.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from pydantic import BaseModel, ValidationError

from chalicelib.core.errors import Conflict, Forbidden, NotFound, Unprocessable, from_validation_error
from chalicelib.model.registers import RegisterKind, RegisterSetting, RoadElement
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules import audit
from chalicelib.modules.registers import fees, public
from chalicelib.modules.registers.models import AlcoholPermit, Monument, RoadLanePermit

MODELS: dict[RegisterKind, type[BaseModel]] = {
    RegisterKind.ALKOHOL: AlcoholPermit, RegisterKind.PAS_DROGOWY: RoadLanePermit, RegisterKind.ZABYTKI: Monument}
DECIDED = ("zalatwiona", "zakonczona")


@dataclass(frozen=True)
class Stored:
    entry: dict[str, Any]
    version: int


@dataclass(frozen=True)
class Page:
    entries: list[dict[str, Any]]
    next: str | None


class Store(Protocol):
    def get(self, terc: str, register: str, entry_id: str) -> Stored | None: ...

    def save(self, entry: dict[str, Any], *, read_version: int | None, search: str, change: dict[str, Any],
             changes: list[audit.Change]) -> bool: ...

    def history(self, terc: str, register: str, entry_id: str) -> list[dict[str, Any]]: ...


class Cases(Protocol):
    def decided(self, terc: str, case_id: str) -> tuple[dict[str, Any], dict[str, Any]]: ...  # record, form values


@dataclass(frozen=True)
class Clerk:
    subject: str
    name: str | None
    department: str | None

    @property
    def actor(self) -> audit.Actor:
        return audit.Actor(self.subject, self.name)


@dataclass(frozen=True)
class Ports:
    store: Store
    cases: Cases
    tenant: Callable[[str], TenantConfig]
    new_id: Callable[[datetime], str]
    today: Callable[[], date] = field(default=date.today)


def register_of(tenant: TenantConfig, register: str) -> tuple[RegisterKind, RegisterSetting]:
    """The register `register` as the JST keeps it; 404 `register_not_kept` otherwise."""
    kind = next((k for k in RegisterKind if k.value == register), None)
    setting = tenant.registers.register(kind) if kind is not None and tenant.registers else None
    if kind is None or setting is None:
        raise NotFound("Jednostka nie prowadzi takiego rejestru na platformie.", code="register_not_kept")
    return kind, setting


def _may_keep(setting: RegisterSetting, clerk: Clerk) -> None:
    if clerk.department != setting.department:
        raise Forbidden(f"Rejestr prowadzi komórka {setting.department}.", code="department_forbidden")


def validated(kind: RegisterKind, data: Mapping[str, Any]) -> dict[str, Any]:
    """The entry's data as the register keeps them; 422 on `data.<path>` with Polish messages."""
    try:
        return MODELS[kind].model_validate(data).model_dump(mode="json")
    except ValidationError as exc:
        raise from_validation_error(exc, prefix=("data",)) from exc


def fee_of(kind: RegisterKind, data: Mapping[str, Any], tenant: TenantConfig, today: date) -> dict[str, Any] | None:
    """The entry's fee: a permit's for this year (or its first), the lane's for its whole occupation."""
    try:
        if kind is RegisterKind.ALKOHOL:
            return _alcohol_fee(data, today)
        if kind is RegisterKind.PAS_DROGOWY:
            return _lane_fee(data, tenant)
    except fees.FeeError as exc:
        raise Unprocessable(details=[{"field": f"data.{exc.field}", "code": exc.code, "message": str(exc)}]) from exc
    return None


def _alcohol_fee(data: Mapping[str, Any], today: date) -> dict[str, Any] | None:
    valid_from, valid_to = date.fromisoformat(data["valid_from"]), date.fromisoformat(data["valid_to"])
    year = max(today.year, valid_from.year)
    if year > valid_to.year:
        return None  # expired: nothing more is owed
    # last year's declared sales count for this year's fee only
    sales = data.get("last_year_sales") if data.get("sales_year") == year - 1 else None
    fee = fees.alcohol_fee(data["category"], year, valid_from=valid_from, valid_to=valid_to, last_year_sales=sales)
    return {"year": fee.year, "annual": fee.annual, "amount": fee.amount, "days": fee.days, "basis": fee.basis,
            "instalments": [{"due": i.due.isoformat(), "amount": i.amount} for i in fee.instalments]}


def _lane_fee(data: Mapping[str, Any], tenant: TenantConfig) -> dict[str, Any]:
    rates = tenant.registers.road_lane_rates if tenant.registers else None
    assert rates is not None  # the setting requires them with this register
    days = (date.fromisoformat(data["occupied_to"]) - date.fromisoformat(data["occupied_from"])).days + 1
    areas = [fees.LaneArea(RoadElement(a["element"]), Decimal(str(a["area_m2"]))) for a in data["areas"]]
    fee = fees.road_lane_fee(rates, data["purpose"], areas, days)
    return {"amount": fee.amount, "days": days, "basis": fee.basis,
            "lines": [{"element": line.element.value, "area_m2": str(line.area_m2), "rate": str(line.rate),
                       "amount": line.amount} for line in fee.lines]}


def diff(before: Mapping[str, Any], after: Mapping[str, Any], prefix: str = "") -> list[dict[str, Any]]:
    """What changed, field by field (nested fields by their path)."""
    out: list[dict[str, Any]] = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if isinstance(old, dict) and isinstance(new, dict):
            out += diff(old, new, f"{prefix}{key}.")
        elif old != new:
            out.append({"field": f"{prefix}{key}", "before": old, "after": new})
    return out


def _tracked(entry: Mapping[str, Any]) -> dict[str, Any]:
    """What the history compares: the state, the photo and the data."""
    return {"status": entry["status"], "photo": (entry.get("photo") or {}).get("key"), **entry["data"]}


def _commit(ports: Ports, entry: dict[str, Any], *, read: int | None, action: str, clerk: Clerk, at: datetime,
            before: Mapping[str, Any], reason: str | None) -> dict[str, Any]:
    changes = diff(before, _tracked(entry))
    change = {"version": entry["version"], "action": action, "at": at.isoformat(), "by": clerk.subject,
              "by_name": clerk.name, "changes": changes, "reason": reason}
    trail = audit.Change(action=f"register.{action}", actor=clerk.actor, at=audit.stamp(at),
                         case_id=entry.get("case_id"), case_sign=entry.get("case_sign"),
                         details={"register": entry["register"], "entry_id": entry["entry_id"],
                                  "version": entry["version"], "fields": [c["field"] for c in changes]})
    if not ports.store.save(entry, read_version=read, search=public.search_text(entry), change=change,
                            changes=[trail]):
        raise Conflict("Wpis zmienił się w międzyczasie; wczytaj go ponownie.", code="version_conflict")
    return entry


def create(ports: Ports, terc: str, register: str, data: Mapping[str, Any], *, clerk: Clerk, at: datetime,
           case: Mapping[str, Any] | None = None) -> dict[str, Any]:
    tenant = ports.tenant(terc)
    kind, setting = register_of(tenant, register)
    _may_keep(setting, clerk)
    kept = validated(kind, data)
    entry = {"entry_id": ports.new_id(at), "terc": terc, "register": kind.value, "status": public.FIRST[kind],
             "version": 1, "created_at": at.isoformat(), "updated_at": at.isoformat(),
             "case_id": case.get("case_id") if case else None, "case_sign": case.get("case_sign") if case else None,
             "data": kept, "fee": fee_of(kind, kept, tenant, ports.today())}
    return _commit(ports, entry, read=None, action="created", clerk=clerk, at=at, before={}, reason=None)


def _stored(ports: Ports, terc: str, kind: RegisterKind, entry_id: str) -> Stored:
    found = ports.store.get(terc, kind.value, entry_id)
    if found is None:
        raise NotFound("Nie ma takiego wpisu w rejestrze.", code="entry_not_found")
    return found


def change(ports: Ports, terc: str, register: str, entry_id: str, data: Mapping[str, Any], *, reason: str | None,
           clerk: Clerk, at: datetime, expected_version: int | None = None) -> dict[str, Any]:
    tenant = ports.tenant(terc)
    kind, setting = register_of(tenant, register)
    _may_keep(setting, clerk)
    if reason is None:
        raise Unprocessable(details=[{"field": "reason", "code": "missing", "message": "Podaj powód zmiany wpisu."}])
    found = _stored(ports, terc, kind, entry_id)
    if expected_version is not None and expected_version != found.version:
        raise Conflict("Wpis zmienił się w międzyczasie; wczytaj go ponownie.", code="version_conflict")
    kept = validated(kind, data)
    old = found.entry
    entry = {**old, "data": kept, "version": found.version + 1, "updated_at": at.isoformat(),
             "fee": fee_of(kind, kept, tenant, ports.today())}
    return _commit(ports, entry, read=found.version, action="changed", clerk=clerk, at=at,
                   before=_tracked(old), reason=reason)


def revoke(ports: Ports, terc: str, register: str, entry_id: str, *, reason: str, case_sign: str | None,
           clerk: Clerk, at: datetime) -> dict[str, Any]:
    kind, setting = register_of(ports.tenant(terc), register)
    _may_keep(setting, clerk)
    found = _stored(ports, terc, kind, entry_id)
    old = found.entry
    if old["status"] == public.REVOKED[kind]:
        raise Conflict("Wpis jest już cofnięty (wykreślony).", code="entry_revoked")
    entry = {**old, "status": public.REVOKED[kind], "version": found.version + 1, "updated_at": at.isoformat(),
             "revocation": {"reason": reason, "case_sign": case_sign, "at": at.isoformat()}}
    return _commit(ports, entry, read=found.version, action="revoked", clerk=clerk, at=at,
                   before=_tracked(old), reason=reason)


SYSTEM = Clerk(audit.SYSTEM.subject, audit.SYSTEM.name, None)  # who the nightly expiry names


def expire(ports: Ports, terc: str, register: str, entry_id: str, *, at: datetime) -> bool:
    """The active permit, read again, turned "wygasle" if its last day is before today (Warsaw): False when there
    is nothing to do (gone, not active, its validity extended) or a clerk changed it meanwhile (their change wins;
    the next run looks again)."""
    found = ports.store.get(terc, register, entry_id)
    end = public.last_day(found.entry) if found else None
    if found is None or end is None or end >= ports.today():
        return False
    old = found.entry
    entry = {**old, "status": public.EXPIRED, "version": found.version + 1, "updated_at": at.isoformat()}
    try:
        _commit(ports, entry, read=found.version, action="expired", clerk=SYSTEM, at=at, before=_tracked(old),
                reason=f"Upłynął termin ważności ({end:%d.%m.%Y}).")
    except Conflict:
        return False
    return True


def for_clerk(ports: Ports, terc: str, register: str, entry_id: str, *, clerk: Clerk) -> dict[str, Any]:
    kind, setting = register_of(ports.tenant(terc), register)
    found = _stored(ports, terc, kind, entry_id)
    _may_keep(setting, clerk)
    return {"entry": found.entry, "history": ports.store.history(terc, kind.value, entry_id)}


def decided_case(ports: Ports, terc: str, case_id: str, setting: RegisterSetting,
                 service: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The case and its form's values, if it is of the expected service (and decided, unless `service` is
    given: a declaration is read once registered); 409 otherwise, on `case_id`."""
    record, values = ports.cases.decided(terc, case_id)
    expected = service or setting.service
    if record.get("service") != expected:
        raise Conflict(f"Sprawa nie dotyczy usługi „{expected}”.", code="case_wrong_service",
                       details=[{"field": "case_id", "code": "case_wrong_service",
                                 "message": f"Wybierz sprawę usługi „{expected}”."}])
    if service is None and record.get("status") not in DECIDED:
        raise Conflict("Sprawa nie jest jeszcze załatwiona.", code="case_not_decided",
                       details=[{"field": "case_id", "code": "case_not_decided",
                                 "message": "Wpis zakłada się ze sprawy załatwionej."}])
    return record, values


def set_photo(ports: Ports, terc: str, register: str, entry_id: str, *, key: str, content_type: str, clerk: Clerk,
              at: datetime) -> dict[str, Any]:
    """A monument's photo recorded on its entry (the upload goes straight to S3, under the JST's prefix)."""
    kind, setting = register_of(ports.tenant(terc), register)
    if kind is not RegisterKind.ZABYTKI:
        raise NotFound("Zdjęcia dołącza się do kart zabytków.", code="photo_not_kept")
    found = _stored(ports, terc, kind, entry_id)
    _may_keep(setting, clerk)
    old = found.entry
    entry = {**old, "photo": {"key": key, "content_type": content_type, "at": at.isoformat()},
             "version": found.version + 1, "updated_at": at.isoformat()}
    return _commit(ports, entry, read=found.version, action="photo", clerk=clerk, at=at, before=_tracked(old),
                   reason=None)

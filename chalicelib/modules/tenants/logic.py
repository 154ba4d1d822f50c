"""Rules for a JST's configuration: changes by its administrator, checks against the catalogue, audit."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Protocol

from chalicelib import events
from chalicelib.core.auth import Principal
from chalicelib.core.clock import WARSAW
from chalicelib.core.errors import Conflict, NotFound, Unprocessable
from chalicelib.core.observability import correlation_id
from chalicelib.events.publishing import Publisher
from chalicelib.events.topics import TenantEvent
from chalicelib.integrations.mail import Mail
from chalicelib.model.appointments import AppointmentsSetting
from chalicelib.model.fees import FeeRule
from chalicelib.model.service import ServiceDefinition, fee_rule_problems
from chalicelib.model.tenant import ServiceSetting, TenantConfig, UnknownDepartment
from chalicelib.modules.tenants.models import ServiceSettingChange, StaleVersion, StoredTenant


@dataclass(frozen=True)
class AuditEntry:
    terc: str
    event_id: str
    at: datetime
    actor: str
    action: str
    summary: str
    correlation_id: str | None = None  # the request that made the change
    notify: bool = False  # the JST's contact is to be told: stored marked, until the notice has gone out

    @classmethod
    def new(cls, *, terc: str, at: datetime, actor: str, action: str, summary: str,
            notify: bool = False) -> AuditEntry:
        return cls(terc=terc, event_id=str(uuid.uuid4()), at=at, actor=actor, action=action, summary=summary,
                   correlation_id=correlation_id(), notify=notify)


class TenantStore(Protocol):
    def get(self, terc: str) -> StoredTenant | None: ...

    def save(self, config: TenantConfig, *, expected_version: int | None, audit: AuditEntry) -> int: ...

    def audit(self, terc: str, *, limit: int = ...) -> list[dict[str, str | None]]: ...


def check_against_catalogue(config: TenantConfig, catalogue_ids: Collection[str],
                            definitions: Mapping[str, ServiceDefinition] | None = None) -> None:
    """Every service the JST configures is in the catalogue; a fee rule of its own fits the service's form
    (`definitions`: the latest version of each, when known)."""
    details = [
        {"field": f"services[{i}].id", "code": "unknown_service",
         "message": f"Usługa „{s.id}” nie istnieje w katalogu regionu."}
        for i, s in enumerate(config.services)
        if s.id not in catalogue_ids
    ]
    for i, s in enumerate(config.services):
        defn = (definitions or {}).get(s.id)
        if defn is not None and s.fee_rule is not None:
            details += fee_rule_details(s.fee_rule, defn, prefix=f"services[{i}].fee_rule")
    if details:
        raise Unprocessable("Konfiguracja odwołuje się do usług spoza katalogu.", details=details)


def fee_rule_details(rule: FeeRule, defn: ServiceDefinition, *, prefix: str = "fee_rule") -> list[dict[str, str]]:
    """What in a JST's fee rule does not fit the service's form, per field of the rule."""
    return [{"field": f"{prefix}.{path}", "code": code, "message": message}
            for path, code, message in fee_rule_problems(rule, defn.form)]


def require_tenant(store: TenantStore, terc: str) -> StoredTenant:
    stored = store.get(terc)
    if stored is None:
        raise NotFound(f"Jednostka samorządu o kodzie TERC {terc} nie jest obsługiwana.", code="tenant_not_found")
    return stored


def apply_change(config: TenantConfig, service_id: str, change: ServiceSettingChange,
                 definition: ServiceDefinition | None = None) -> tuple[TenantConfig, str]:
    """The configuration after `change`, and a Polish one-line summary of what changed."""
    given = change.model_fields_set
    if not given:
        raise Unprocessable("Zmiana nie zawiera żadnego pola.", code="empty_change")
    if change.fee_rule is not None and definition is not None:
        problems = fee_rule_details(change.fee_rule, definition)
        if problems:
            raise Unprocessable("Reguła opłaty nie pasuje do formularza usługi.", details=problems)
    if change.department is not None:
        try:
            config.department(change.department)
        except UnknownDepartment as exc:
            raise Unprocessable(details=[{"field": "department", "code": "unknown_department",
                                          "message": str(exc)}]) from None
    current = config.setting(service_id) or ServiceSetting(id=service_id, enabled=False)
    update = {k: getattr(change, k) for k in given}
    if update.get("enabled", False) is None:  # enabled cannot be "cleared"; null leaves it as it is
        del update["enabled"]
    updated = current.model_copy(update=update)
    services = [s for s in config.services if s.id != service_id] + [updated]
    services.sort(key=lambda s: s.id)
    new_config = TenantConfig.model_validate({**config.model_dump(), "services": [s.model_dump() for s in services]})
    parts = []
    if current.enabled != updated.enabled:
        parts.append("włączono usługę" if updated.enabled else "wyłączono usługę")
    if current.fee_rule != updated.fee_rule:
        parts.append("reguła opłaty: " + ("własna jednostki" if updated.fee_rule else "z katalogu"))
    for name, label in (("fee", "opłata"), ("deadline_kind", "termin"), ("department", "komórka")):
        before, after = getattr(current, name), getattr(updated, name)
        if before != after:
            parts.append(f"{label}: {_shown(before)} → {_shown(after)}")
    summary = f"{service_id}: " + ("; ".join(parts) if parts else "bez zmian")
    return new_config, summary


def _shown(value: object) -> str:
    if value is None:
        return "z katalogu"
    return str(value.value) if isinstance(value, Enum) else str(value)


def change_service(
    store: TenantStore,
    *,
    terc: str,
    service_id: str,
    change: ServiceSettingChange,
    catalogue_ids: Collection[str],
    actor: Principal,
    now: datetime,
    publisher: Publisher | None = None,  # None: the platform's queue client
    expected_version: int | None = None,
    definition: ServiceDefinition | None = None,  # the service's latest version: a fee rule must fit its form
) -> tuple[StoredTenant, AuditEntry]:
    """Change one service's settings: saved with its audit entry (marked until the contact is told), then the
    notice queued, best effort: if the queue fails now, the tenants' sweeper sends it later."""
    if service_id not in catalogue_ids:
        raise NotFound(f"Usługa „{service_id}” nie istnieje w katalogu regionu.", code="service_not_found")
    stored = require_tenant(store, terc)
    if expected_version is not None and expected_version != stored.version:
        raise changed_meanwhile()
    new_config, summary = apply_change(stored.config, service_id, change, definition)
    audit = AuditEntry.new(terc=terc, at=now, actor=actor.subject, action="service.changed", summary=summary,
                           notify=True)
    try:
        version = store.save(new_config, expected_version=stored.version, audit=audit)
    except StaleVersion:  # another change landed between the read and the write
        raise changed_meanwhile() from None
    events.publish(event_of(audit), publisher=publisher)
    return StoredTenant(config=new_config, version=version), audit


def change_appointments(store: TenantStore, *, terc: str, setting: AppointmentsSetting | None,
                        catalogue_ids: Collection[str], actor: Principal, now: datetime,
                        expected_version: int | None = None,
                        publisher: Publisher | None = None) -> tuple[StoredTenant, AuditEntry]:
    """The JST's e-wizyta setting replaced (None: no booking any more), saved with its audit entry like a service's
    change; takes effect on the next request. A counter's department and a topic's service must exist (422)."""
    stored = require_tenant(store, terc)
    if expected_version is not None and expected_version != stored.version:
        raise changed_meanwhile()
    details = []
    for i, c in enumerate(setting.counters if setting else []):
        try:
            stored.config.department(c.department)
        except UnknownDepartment as exc:
            details.append({"field": f"appointments.counters[{i}].department", "code": "unknown_department",
                            "message": str(exc)})
        details += [{"field": f"appointments.counters[{i}].topics[{j}].service", "code": "unknown_service",
                     "message": f"Usługa „{t.service}” nie istnieje w katalogu regionu."}
                    for j, t in enumerate(c.topics) if t.service is not None and t.service not in catalogue_ids]
    if details:
        raise Unprocessable("Ustawienia e-wizyty odwołują się do nieznanych komórek lub usług.", details=details)
    new_config = stored.config.model_copy(update={"appointments": setting})
    was = stored.config.appointments is not None
    summary = "e-wizyta: " + ("wyłączono rezerwację" if setting is None else
                              "zmieniono ustawienia" if was else "włączono rezerwację")
    audit = AuditEntry.new(terc=terc, at=now, actor=actor.subject, action="appointments.changed", summary=summary,
                           notify=True)
    try:
        version = store.save(new_config, expected_version=stored.version, audit=audit)
    except StaleVersion:
        raise changed_meanwhile() from None
    events.publish(event_of(audit), publisher=publisher)
    return StoredTenant(config=new_config, version=version), audit


def audit_of(store: TenantStore, terc: str) -> list[dict[str, str | None]]:
    """A JST's configuration changes, newest first; 404 for a JST the platform does not serve."""
    items = store.audit(terc)
    if not items:  # every JST has at least the entry of its first configuration; none means no such JST
        require_tenant(store, terc)
    return items


def changed_meanwhile() -> Conflict:
    return Conflict("Konfiguracja została w międzyczasie zmieniona; odśwież ją i spróbuj ponownie.",
                    code="version_mismatch")


def event_of(audit: AuditEntry) -> TenantEvent:
    return TenantEvent(event_id=audit.event_id, terc=audit.terc, at=audit.at, actor=audit.actor,
                       action=audit.action, summary=audit.summary,
                       **({"correlation_id": audit.correlation_id} if audit.correlation_id else {}))


def change_notice(config: TenantConfig, event: TenantEvent) -> Mail:
    """The e-mail that tells a JST's contact address that its configuration changed."""
    when = event.at.astimezone(WARSAW).strftime("%d.%m.%Y %H:%M")
    text = (
        f"Szanowni Państwo,\n\n"
        f"w dniu {when} zmieniono konfigurację e-usług jednostki {config.name} (TERC {config.terc}) "
        f"na regionalnej platformie e-Urząd.\n\n"
        f"Zmiana: {event.summary}\n"
        f"Wprowadził(a): {event.actor}\n"
        f"Identyfikator zdarzenia: {event.event_id}\n\n"
        f"Jeżeli ta zmiana nie była zamierzona, prosimy o niezwłoczny kontakt z administratorem regionu.\n\n"
        f"Wiadomość wygenerowana automatycznie — prosimy na nią nie odpowiadać."
    )
    return Mail(to=config.contact.email, subject=f"[e-Urząd] Zmiana konfiguracji usług — {config.name}", text=text)

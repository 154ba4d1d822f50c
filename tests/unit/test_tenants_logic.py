"""An administrator's change to one service: what it does to the configuration, and its audit line."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from chalicelib.core.auth import Principal, Role
from chalicelib.core.errors import Conflict, NotFound, Unprocessable
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules.tenants import logic
from chalicelib.modules.tenants.models import ServiceSettingChange, StaleVersion, StoredTenant
from tests.samples import tenant
from tests.unit.fakes import FakePublisher

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
ADMIN = Principal("admin-piaseczno", Role.TENANT_ADMIN, terc="1418043")
CATALOGUE = {"zaswiadczenie-o-niezaleganiu", "zezwolenie-na-usuniecie-drzew", "pismo-ogolne", "deklaracja-odpady"}


class FakeStore:
    def __init__(self, config: TenantConfig) -> None:
        self.stored = StoredTenant(config=config, version=3)
        self.audits: list[logic.AuditEntry] = []
        self.publisher = FakePublisher()

    def get(self, terc: str) -> StoredTenant | None:
        return self.stored if terc == self.stored.config.terc else None

    def save(self, config: TenantConfig, *, expected_version: int | None, audit: logic.AuditEntry) -> int:
        if expected_version != self.stored.version:
            raise StaleVersion(config.terc)
        self.stored = StoredTenant(config=config, version=self.stored.version + 1)
        self.audits.append(audit)
        return self.stored.version

    def audit(self, terc: str, *, limit: int = 50) -> list[dict[str, str | None]]:
        return [{"event_id": a.event_id} for a in self.audits if a.terc == terc]


def change(store: FakeStore, service: str, expected_version: int | None = None, **fields: object):  # type: ignore[no-untyped-def]
    return logic.change_service(store, terc="1418043", service_id=service,
                                change=ServiceSettingChange.model_validate(fields), catalogue_ids=CATALOGUE,
                                actor=ADMIN, now=NOW, expected_version=expected_version, publisher=store.publisher)


def test_disabling_a_service_saves_a_new_version_and_audits_it() -> None:
    store = FakeStore(tenant())
    stored, audit = change(store, "zaswiadczenie-o-niezaleganiu", enabled=False)
    assert stored.version == 4
    assert stored.config.setting("zaswiadczenie-o-niezaleganiu").enabled is False  # type: ignore[union-attr]
    assert audit.summary == "zaswiadczenie-o-niezaleganiu: wyłączono usługę"
    assert (audit.actor, audit.action, audit.at) == ("admin-piaseczno", "service.changed", NOW)
    # and the contact's notice is queued once the change is saved, under the audit entry's event id
    assert [(queue, m.event_id) for queue, m in store.publisher.messages] == [("tenant-events", audit.event_id)]


def test_enabling_a_service_not_yet_configured_adds_it() -> None:
    store = FakeStore(tenant())
    stored, audit = change(store, "deklaracja-odpady", enabled=True, fee="0.00")
    setting = stored.config.setting("deklaracja-odpady")
    assert setting is not None and setting.enabled and setting.fee == Decimal("0.00")
    assert "włączono usługę" in audit.summary and "opłata: z katalogu → 0.00" in audit.summary


def test_null_clears_an_override_and_omitted_fields_stay() -> None:
    store = FakeStore(tenant())
    stored, audit = change(store, "zezwolenie-na-usuniecie-drzew", deadline_kind=None)
    setting = stored.config.setting("zezwolenie-na-usuniecie-drzew")
    assert setting is not None and setting.deadline_kind is None and setting.enabled is True
    assert audit.summary == "zezwolenie-na-usuniecie-drzew: termin: 2-miesiace → z katalogu"


def test_unknown_department_is_a_field_error() -> None:
    with pytest.raises(Unprocessable) as err:
        change(FakeStore(tenant()), "pismo-ogolne", department="ZZ")
    assert err.value.details[0]["field"] == "department"


def test_empty_change_is_refused() -> None:
    with pytest.raises(Unprocessable):
        change(FakeStore(tenant()), "pismo-ogolne")


def test_unknown_service_and_tenant() -> None:
    with pytest.raises(NotFound):
        change(FakeStore(tenant()), "nie-istnieje", enabled=True)
    store = FakeStore(tenant())
    with pytest.raises(NotFound):
        logic.change_service(store, terc="1418032", service_id="pismo-ogolne",
                             change=ServiceSettingChange(enabled=True), catalogue_ids=CATALOGUE, actor=ADMIN, now=NOW)


def test_stale_version_is_a_conflict_and_nothing_changes() -> None:
    store = FakeStore(tenant())
    with pytest.raises(Conflict):
        change(store, "pismo-ogolne", expected_version=2, enabled=True)
    assert store.stored.version == 3 and store.audits == [] and store.publisher.messages == []


def test_a_change_that_lands_between_read_and_write_is_a_conflict() -> None:
    # Given another administrator's change saved after this one read version 3
    store = FakeStore(tenant())
    real_get = store.get
    store.get = lambda terc: (found := real_get(terc)) and found.model_copy(update={"version": 2})  # type: ignore[method-assign]

    # When this one is saved, Then it is refused as 409 version_mismatch, and nothing is written
    with pytest.raises(Conflict) as caught:
        change(store, "pismo-ogolne", enabled=False)
    assert caught.value.code == "version_mismatch" and store.audits == []


def test_the_audit_of_a_jst_the_platform_does_not_serve_is_404() -> None:
    store = FakeStore(tenant())
    change(store, "pismo-ogolne", enabled=False)
    assert len(logic.audit_of(store, "1418043")) == 1
    with pytest.raises(NotFound):
        logic.audit_of(store, "1418032")


def test_configuration_must_only_name_catalogue_services() -> None:
    config = tenant(services=[{"id": "uslugi-brak"}])
    with pytest.raises(Unprocessable) as err:
        logic.check_against_catalogue(config, CATALOGUE)
    assert err.value.details == [{"field": "services[0].id", "code": "unknown_service",
                                  "message": "Usługa „uslugi-brak” nie istnieje w katalogu regionu."}]


def test_change_notice_is_polish_and_addressed_to_the_contact() -> None:
    audit = logic.AuditEntry.new(terc="1418043", at=NOW, actor="admin", action="service.changed",
                                 summary="pismo-ogolne: włączono usługę")
    mail = logic.change_notice(tenant(), logic.event_of(audit))
    assert mail.to == "urzad@piaseczno.demo.eurzad.pl"
    assert "Gmina Piaseczno" in mail.subject
    assert "23.11.2026 13:00" in mail.text  # Warsaw time
    assert "pismo-ogolne: włączono usługę" in mail.text

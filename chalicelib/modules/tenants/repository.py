"""Tenant configurations and their audit trail in DynamoDB (PynamoDB models <-> pydantic)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from chalicelib.core.cache import Expiring
from chalicelib.core.metering import day_of
from chalicelib.core.settings import get_settings
from chalicelib.events.outbox import Due
from chalicelib.events.topics import TenantEvent
from chalicelib.model.tenant import TenantConfig
from chalicelib.modules.tenants.logic import AuditEntry, event_of
from chalicelib.modules.tenants.models import StaleVersion, StoredTenant, TenantSummary
from chalicelib.modules.tenants.resources import AuditTable, TenantTable


def audit_sort_key(at: datetime, event_id: str) -> str:
    """Audit entries sort by time (UTC, fixed width) and stay unique by event id."""
    return f"{at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}#{event_id}"


OUTBOX = "1"
OUTBOX_AFTER = timedelta(minutes=3)  # the sweeper sends what the worker has not notified by then


def _audit_item(entry: AuditEntry) -> AuditTable:
    return AuditTable(
        pk=f"T#{entry.terc}",
        sk=audit_sort_key(entry.at, entry.event_id),
        day=day_of(entry.at),
        event_id=entry.event_id,
        actor=entry.actor,
        action=entry.action,
        summary=entry.summary,
        correlation_id=entry.correlation_id,
        outbox=OUTBOX if entry.notify else None,
        outbox_at=entry.at + OUTBOX_AFTER if entry.notify else None,
        outbox_sends=0 if entry.notify else None,
    )


class DynamoTenantStore:
    def __init__(self, directory_cache_seconds: float | None = None) -> None:
        ttl = get_settings().catalogue_cache_seconds if directory_cache_seconds is None else directory_cache_seconds
        # The public list of JSTs is read by anyone and changes rarely: a full Scan per anonymous
        # request would let anyone run up the bill.
        self._directory = Expiring(lambda: [TenantSummary(**c.model_dump()) for c in self.all()], ttl)
        # The region's own e-delivery addresses (public bodies): read on every letter sent, so cached like the list.
        self._addresses = Expiring(lambda: frozenset(c.edelivery_address for c in self.all()), ttl)

    def get(self, terc: str) -> StoredTenant | None:
        try:
            # Strongly consistent: an administrator's change takes effect on the very next request.
            item = TenantTable.get(terc, consistent_read=True)
        except TenantTable.DoesNotExist:
            return None
        return StoredTenant(config=TenantConfig.model_validate_json(item.config), version=int(item.version))

    def all(self) -> list[TenantConfig]:
        return sorted(
            (TenantConfig.model_validate_json(item.config) for item in TenantTable.scan()),
            key=lambda c: c.terc,
        )

    def directory(self) -> list[TenantSummary]:
        """The public list of JSTs, cached per container."""
        return self._directory.get()

    def edelivery_addresses(self) -> frozenset[str]:
        """Every JST's e-delivery address, cached per container."""
        return self._addresses.get()

    def save(self, config: TenantConfig, *, expected_version: int | None, audit: AuditEntry) -> int:
        """Write the configuration and its audit entry atomically; refuse if someone saved in between."""
        version = (expected_version or 0) + 1
        item = TenantTable(
            terc=config.terc,
            config=config.model_dump_json(),
            version=version,
            updated_at=audit.at,
            updated_by=audit.actor,
        )
        condition: Condition
        if expected_version is None:
            condition = TenantTable.terc.does_not_exist()
        else:
            condition = TenantTable.version == expected_version
        audit_item = _audit_item(audit)
        try:
            with TransactWrite(connection=Connection(region=get_settings().region)) as tx:
                tx.save(item, condition=condition)
                tx.save(audit_item, condition=AuditTable.sk.does_not_exist())
        except TransactWriteError as exc:
            raise StaleVersion(config.terc) from exc
        return version

    def audit(self, terc: str, *, limit: int = 50) -> list[dict[str, str | None]]:
        entries = []
        for item in AuditTable.query(f"T#{terc}", scan_index_forward=False, limit=limit):
            entries.append({
                "event_id": item.event_id,
                "at": item.sk.split("#", 1)[0],
                "actor": item.actor,
                "action": item.action,
                "summary": item.summary,
                "notified_at": item.notified_at.isoformat() if item.notified_at else None,
                "correlation_id": item.correlation_id,
            })
        return entries

    def mark_notified(
        self, terc: str, *, changed_at: datetime, event_id: str, notified_at: datetime, notification_id: str
    ) -> bool:
        """Record that the change notification went out; False if it already had been (duplicate delivery)."""
        item = AuditTable(pk=f"T#{terc}", sk=audit_sort_key(changed_at, event_id))
        try:
            item.update(
                actions=[AuditTable.notified_at.set(notified_at), AuditTable.notification_id.set(notification_id),
                         AuditTable.outbox.remove(), AuditTable.outbox_at.remove()],
                condition=AuditTable.sk.exists() & AuditTable.notified_at.does_not_exist(),
            )
        except UpdateError:
            return False
        return True


class AuditOutbox:
    """Configuration changes whose notice has not gone out, as the events' outbox (see events.outbox)."""

    def due(self, now: datetime, *, limit: int = 500) -> list[Due[TenantEvent]]:
        return [Due(event_of(_audit_entry(item)), sends=int(item.outbox_sends or 0))
                for item in AuditTable.by_outbox.query(OUTBOX, AuditTable.outbox_at <= now, limit=limit)]

    def postpone(self, event: TenantEvent, *, until: datetime, sends: int) -> None:
        with contextlib.suppress(UpdateError):  # notified in the meantime
            AuditTable(pk=f"T#{event.terc}", sk=audit_sort_key(event.at, event.event_id)).update(
                actions=[AuditTable.outbox_at.set(until), AuditTable.outbox_sends.set(sends)],
                condition=AuditTable.outbox.exists())


def _audit_entry(item: AuditTable) -> AuditEntry:
    at = datetime.strptime(item.sk.split("#", 1)[0], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return AuditEntry(terc=item.pk.removeprefix("T#"), event_id=item.event_id, at=at, actor=item.actor,
                      action=item.action, summary=item.summary, correlation_id=item.correlation_id, notify=True)

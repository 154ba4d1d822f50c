"""Event handlers of the tenants module: tell a JST's contact that its configuration changed, and resend
every change whose notice has not gone out (the outbox over audit entries not yet notified)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Rate

from chalicelib import events
from chalicelib.core.clock import get_clock
from chalicelib.core.observability import logger
from chalicelib.integrations.clients import mailer
from chalicelib.modules.tenants import logic, repository
from chalicelib.modules.tenants.wiring import tenant_store

if TYPE_CHECKING:
    from chalicelib.events.topics import TenantEvent

bp = Blueprint(__name__)


# One e-mail per configuration change, however often the message is delivered.
@events.worker(bp, "TenantEvent", module="tenants", once=True)
def tenant_events(change: TenantEvent) -> None:
    stored = logic.require_tenant(tenant_store(), change.terc)
    message_id = mailer().send(logic.change_notice(stored.config, change))
    tenant_store().mark_notified(
        change.terc, changed_at=change.at, event_id=change.event_id,
        notified_at=get_clock().now(), notification_id=message_id,
    )
    logger.info("configuration change notified", extra={"message_id": message_id})


@bp.schedule(Rate(5, unit=Rate.MINUTES))
def tenant_events_sweeper(event: Any) -> None:
    """Send again every configuration change whose notice is due and has not gone out."""
    sent = events.sweep(repository.AuditOutbox(), get_clock().now())
    if sent:
        logger.warning("sweeper: configuration change notices sent again", extra={"sent": sent})

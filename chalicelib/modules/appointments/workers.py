"""e-wizyta's workers: the notices' consumer (the e-mail with the calendar file, once per notice), the reminder
the day before (every 15 minutes; taken by a lease, marked once SES took it) and the sweeper of notices not yet on
their queue."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice.app import Blueprint, Rate

from chalicelib import events
from chalicelib.core.clock import get_clock
from chalicelib.core.observability import bind, logger
from chalicelib.modules import tenants
from chalicelib.modules.appointments.wiring import booking, bookings

if TYPE_CHECKING:
    from chalicelib.events.topics import AppointmentNotice

bp = Blueprint(__name__)


@events.worker(bp, "AppointmentNotice", module="appointments", once=True)
def appointment_notices(message: AppointmentNotice) -> None:
    bind(tenant=message.terc, service=None, booking_id=message.booking_id)
    from chalicelib.integrations.clients import mailer

    organizer = tenants.config(message.terc).contact.email
    sent = booking.notify(bookings(), mailer(), message, now=get_clock().now(), organizer=organizer)
    logger.info("appointment notice", extra={"kind": message.kind, "sent": sent})


@bp.schedule(Rate(15, unit=Rate.MINUTES))
def appointment_reminders(event: Any) -> None:
    from chalicelib.integrations.clients import mailer

    sent = booking.remind(bookings(), mailer(), tenants.config, now=get_clock().now())
    if sent:
        logger.info("appointment reminders sent", extra={"sent": sent})


@bp.schedule(Rate(5, unit=Rate.MINUTES))
def appointment_notices_sweeper(event: Any) -> None:
    sent = events.sweep(bookings(), get_clock().now())
    if sent:
        logger.warning("sweeper: appointment notices sent late", extra={"sent": sent})

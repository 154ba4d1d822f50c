"""e-wizyta: residents book a visit at a JST's office counter (stanowisko) for a catalogue service or a free topic;
the clerk sees the counter's day and marks who came. A JST turns it on by its configuration
(`TenantConfig.appointments`; None: it offers no booking, and its routes answer 404 `appointments_not_offered`).

Booking, cancelling and moving are each one DynamoDB transaction (the slot's places, the booking, the guard of
one booking per person, topic and day). The resident is e-mailed with an iCalendar file (REQUEST, CANCEL) and
reminded the day before, once. No other module uses it.
"""

from __future__ import annotations

from chalicelib.modules.appointments import wiring as _wiring  # noqa: F401  (its heavy parts load on first use)

__all__: list[str] = []

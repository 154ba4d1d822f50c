"""e-wizyta's API: what a JST offers and its free slots (public), the resident's bookings, the clerk's day and
attendance, the administrator's setting."""

from __future__ import annotations

from typing import Any

from chalice.app import Blueprint

from chalicelib.core import inputs
from chalicelib.core.auth import Access, Role
from chalicelib.core.clock import get_clock
from chalicelib.core.http import endpoint, if_match_version, json_response, parse_body, require_principal
from chalicelib.modules import tenants
from chalicelib.modules.appointments import booking, models, notices
from chalicelib.modules.appointments.wiring import bookings, is_holiday

bp = Blueprint(__name__)
RESIDENT = Access.of(Role.RESIDENT)
CLERK = Access.of(Role.CLERK, tenant_param="terc")
ADMINS = Access.of(Role.TENANT_ADMIN, Role.REGION_ADMIN, tenant_param="terc")
BOOKING = "modules.appointments.models:BookingView"


def _query() -> dict[str, str]:
    return dict(bp.current_request.query_params or {})


@endpoint(bp, "/v1/tenants/{terc}/appointments", access=Access.anyone(), summary="e-wizyta: co i gdzie można "
          "zarezerwować w urzędzie", response="modules.appointments.models:Offer")
def offer(terc: str) -> Any:
    return booking.offer(tenants.config(terc))


@endpoint(bp, "/v1/tenants/{terc}/appointments", access=ADMINS, methods=("PUT",),
          summary="e-wizyta: ustawienia rezerwacji JST (null wyłącza)", request="modules.appointments.models:SettingIn",
          params="openapi.shapes:IfMatchHeaders", response="modules.appointments.models:SettingChanged")
def change_setting(terc: str) -> Any:
    body = parse_body(bp.current_request.raw_body, models.SettingIn)
    version, event = tenants.change_appointments(
        terc, body.appointments, actor=require_principal(),
        expected_version=if_match_version(bp.current_request.headers, "konfiguracji"))
    view = body.appointments.model_dump(mode="json") if body.appointments else None
    return json_response({"version": version, "appointments": view, "audit_event": event},
                         headers={"ETag": f'"{version}"'})


@endpoint(bp, "/v1/tenants/{terc}/appointments/{topic}/slots", access=Access.anyone(),
          summary="e-wizyta: wolne terminy sprawy", params="modules.appointments.models:SlotsQuery",
          response="modules.appointments.models:FreeSlots")
def slots(terc: str, topic: str) -> Any:
    query = models.SlotsQuery.model_validate(_query())
    return booking.free_slots(bookings(), tenants.config(terc), topic, query, now=get_clock().now(),
                              is_holiday=is_holiday)


@endpoint(bp, "/v1/me/appointments", access=RESIDENT, methods=("POST",), status=201,
          summary="e-wizyta: zarezerwuj termin", request="modules.appointments.models:BookIn",
          params="openapi.shapes:IdempotencyHeaders", response=BOOKING)
def book() -> Any:
    key = inputs.idempotency_key(bp.current_request.headers.get("idempotency-key"))
    body = parse_body(bp.current_request.raw_body, models.BookIn)
    principal = require_principal()
    made, replayed = booking.book(bookings(), tenants.config(body.terc), body, owner=principal.subject,
                                  name=principal.name, key=key, now=get_clock().now(), is_holiday=is_holiday)
    headers = {"Idempotent-Replayed": "true"} if replayed else None
    return json_response(models.view_of(made).model_dump(mode="json"), status=201, headers=headers)


@endpoint(bp, "/v1/me/appointments", access=RESIDENT, summary="e-wizyta: moje rezerwacje",
          response="modules.appointments.models:BookingList")
def mine() -> Any:
    found = sorted(bookings().of_owner(require_principal().subject), key=lambda b: b.start)
    items = [models.view_of(b) for b in found]
    return models.BookingList(items=items, count=len(items))


@endpoint(bp, "/v1/me/appointments/{booking_id}", access=RESIDENT, methods=("DELETE",),
          summary="e-wizyta: odwołaj wizytę (termin wraca do puli)", response=BOOKING)
def cancel(booking_id: str) -> Any:
    done = booking.cancel(bookings(), tenants.config, owner=require_principal().subject, booking_id=booking_id,
                          now=get_clock().now())
    return models.view_of(done)


@endpoint(bp, "/v1/me/appointments/{booking_id}/move", access=RESIDENT, methods=("POST",),
          summary="e-wizyta: przełóż wizytę na inny termin", request="modules.appointments.models:MoveIn",
          response=BOOKING)
def move(booking_id: str) -> Any:
    body = parse_body(bp.current_request.raw_body, models.MoveIn)
    done = booking.move(bookings(), tenants.config, owner=require_principal().subject, booking_id=booking_id,
                        body=body, now=get_clock().now(), is_holiday=is_holiday)
    return models.view_of(done)


@endpoint(bp, "/v1/me/appointments/{booking_id}/calendar", access=RESIDENT,
          summary="e-wizyta: plik kalendarza (.ics) mojej wizyty", response="modules.appointments.models:CalendarFile")
def calendar(booking_id: str) -> Any:
    found = booking.own(bookings(), require_principal().subject, booking_id)
    organizer = tenants.config(found.terc).contact.email
    method = "CANCEL" if found.status == "odwolana" else "REQUEST"
    ics = notices.calendar_file(found, now=get_clock().now(), organizer=organizer)
    return models.CalendarFile(filename=notices.filename(found), content_type=f"text/calendar; method={method}",
                               ics=ics.decode("utf-8"))


@endpoint(bp, "/v1/tenants/{terc}/appointments/day", access=CLERK, summary="e-wizyta: wizyty dnia na stanowiskach",
          params="modules.appointments.models:DayQuery", response="modules.appointments.models:DayList")
def day(terc: str) -> Any:
    query = models.DayQuery.model_validate(_query())
    return booking.day_list(bookings(), tenants.config(terc), query, department=require_principal().department)


@endpoint(bp, "/v1/tenants/{terc}/appointments/bookings/{booking_id}/attendance", access=CLERK, methods=("POST",),
          summary="e-wizyta: odnotuj, czy mieszkaniec przyszedł", request="modules.appointments.models:AttendanceIn",
          response="modules.appointments.models:DayEntry")
def attendance(terc: str, booking_id: str) -> Any:
    body = parse_body(bp.current_request.raw_body, models.AttendanceIn)
    done = booking.attend(bookings(), tenants.config(terc), booking_id, body.came,
                          department=require_principal().department, now=get_clock().now())
    return models.DayEntry(**done.model_dump(include=set(models.DayEntry.model_fields)))

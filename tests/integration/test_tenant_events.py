"""The configuration-change worker: one e-mail per change however often it is delivered, partial failures."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from chalicelib.modules.tenants.logic import AuditEntry, event_of
from chalicelib.modules.tenants.resources import AuditTable
from chalicelib.modules.tenants.wiring import tenant_store
from tests.emulator import emails_about

A = "1418043"


def audited_change() -> AuditEntry:
    """A change saved the way the API saves it (configuration + audit entry), ready to be notified."""
    stored = tenant_store().get(A)
    assert stored is not None
    audit = AuditEntry.new(terc=A, at=datetime.now(UTC), actor="test-admin", action="service.changed",
                           summary=f"pismo-ogolne: test {uuid.uuid4().hex[:6]}")
    tenant_store().save(stored.config, expected_version=stored.version, audit=audit)
    return audit


def sqs_event(api: Any, *bodies: str) -> tuple[dict[str, Any], list[str]]:
    event = api.events.generate_sqs_event(message_bodies=list(bodies), queue_name="eurzad-test-tenant-events")
    ids = [r["messageId"] for r in event["Records"]]
    return event, ids


def entry_of(audit: AuditEntry) -> AuditTable:
    return next(e for e in AuditTable.query(f"T#{audit.terc}") if e.event_id == audit.event_id)


@pytest.mark.usefixtures("restore_region")
def test_change_is_mailed_once_even_when_delivered_twice(api: Any) -> None:
    audit = audited_change()
    body = event_of(audit).model_dump_json()
    event, _ = sqs_event(api, body)
    first = api.lambda_.invoke("tenant_events", event)
    second = api.lambda_.invoke("tenant_events", sqs_event(api, body)[0])
    assert first.payload == {"batchItemFailures": []} and second.payload == {"batchItemFailures": []}
    mails = emails_about(audit.event_id)
    assert len(mails) == 1
    contact = tenant_store().get(A).config.contact.email  # type: ignore[union-attr]
    assert mails[0]["To"] == [contact]
    assert mails[0]["Subject"].startswith("[e-Urząd] Zmiana konfiguracji usług")
    assert audit.summary in mails[0]["BodyText"]
    entry = entry_of(audit)
    assert entry.notified_at is not None and entry.notification_id == mails[0]["MessageId"]


@pytest.mark.usefixtures("restore_region")
def test_a_bad_record_fails_alone(api: Any) -> None:
    audit = audited_change()
    event, ids = sqs_event(api, "{not json", event_of(audit).model_dump_json())
    result = api.lambda_.invoke("tenant_events", event)
    assert result.payload == {"batchItemFailures": [{"itemIdentifier": ids[0]}]}
    assert len(emails_about(audit.event_id)) == 1


def test_metering_records_the_invocation_with_its_aws_requests(api: Any) -> None:
    from chalicelib.core.clock import get_clock
    from chalicelib.core.metering import day_of
    from chalicelib.integrations.aws import client

    def rows() -> dict[str, dict[str, Any]]:
        resp = client("dynamodb").query(
            TableName="eurzad-test-metering", KeyConditionExpression="pk = :pk AND begins_with(sk, :d)",
            ExpressionAttributeValues={":pk": {"S": f"T#{A}"}, ":d": {"S": f"D#{day_of(get_clock().now())}#M#tenants"}},
        )
        return {i["sk"]["S"]: i for i in resp["Items"]}

    before = rows()
    resp = api.http.get(f"/v1/tenants/{A}/services")
    assert resp.status_code == 200
    after = rows()
    # Chalice's test client names the HTTP function api_handler; deployed, it is the stack's function name.
    key = f"D#{day_of(get_clock().now())}#M#tenants#S#-#F#api_handler"
    row = after[key]
    old = before.get(key, {})

    def delta(attr: str) -> float:
        return float(row.get(attr, {}).get("N", 0)) - float(old.get(attr, {}).get("N", 0))

    assert delta("invocations") == 1
    assert delta("aws:dynamodb:GetItem") == 1  # the tenant's configuration, strongly consistent
    assert delta("read_units") >= 1
    assert row["tenant"]["S"] == A and row["module"]["S"] == "tenants"
    assert float(row["gb_seconds"]["N"]) > 0 and row["function"]["S"] == "api_handler"


def test_the_worker_is_metered_for_the_tenant_it_worked_for(api: Any) -> None:
    from chalicelib.core.clock import get_clock
    from chalicelib.core.metering import day_of
    from chalicelib.integrations.aws import client

    audit = audited_change()
    api.lambda_.invoke("tenant_events", sqs_event(api, event_of(audit).model_dump_json())[0])
    item = client("dynamodb").get_item(
        TableName="eurzad-test-metering",
        Key={"pk": {"S": f"T#{A}"}, "sk": {"S": f"D#{day_of(get_clock().now())}#M#tenants#S#-#F#tenant_events"}},
    )["Item"]
    assert int(item["aws:ses:SendEmail"]["N"]) >= 1
    assert int(item["aws:dynamodb:PutItem"]["N"]) >= 1  # the idempotency record
    assert json.loads(json.dumps(item))["tenant"]["S"] == A


class QueueDown:
    def publish(self, key: str, message: Any) -> str:
        raise ConnectionError(f"SQS unreachable ({key})")


def run_tenants_sweeper(api: Any, *, later: timedelta) -> None:
    """The tenants' scheduled sweeper, as if it ran `later` from now."""
    from chalicelib.core.clock import FixedClock, SystemClock, set_clock

    set_clock(FixedClock(datetime.now(UTC) + later))
    try:
        api.lambda_.invoke("tenant_events_sweeper", api.events.generate_cw_event(
            source="aws.events", detail_type="Scheduled Event", detail={}, resources=[]))
    finally:
        set_clock(SystemClock())


@pytest.mark.usefixtures("restore_region")
def test_a_change_made_while_the_queue_is_down_is_mailed_by_the_sweeper(
    api: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from chalicelib.events import publishing
    from tests.conftest import auth
    from tests.queues import deliver, purge

    purge("tenant-events")
    reference = f"admin-{uuid.uuid4().hex[:10]}"
    # Given SQS refusing every message while the administrator changes a service
    monkeypatch.setattr(publishing, "_shared", QueueDown)
    resp = api.http.put(f"/v1/tenants/{A}/services/pismo-ogolne/settings", body=json.dumps({"fee": "12.00"}),
                        headers={"Content-Type": "application/json", "X-Correlation-Id": reference,
                                 **auth("tenant-admin", A)})
    monkeypatch.undo()
    # Then the change is saved all the same, and the answer names the request
    assert resp.status_code == 200, resp.body
    assert resp.headers["X-Correlation-Id"] == reference
    event_id = json.loads(resp.body)["audit_event"]
    assert deliver(api, "tenant-events", "tenant_events")["delivered"] == 0  # nothing was queued
    assert emails_about(event_id) == []

    # When the tenants' sweeper runs (every 5 minutes) a few minutes later, and the worker takes what it sent
    run_tenants_sweeper(api, later=timedelta(minutes=4))
    deliver(api, "tenant-events", "tenant_events")  # (with any other change earlier tests left unnotified)

    # Then the JST's contact gets the notice once, naming the administrator's request
    mails = emails_about(event_id)
    assert len(mails) == 1 and f"Numer referencyjny: {reference}" in mails[0]["BodyText"]
    # And the audit entry shows it notified, with the request it came from; the sweeper has nothing more to send
    audit = json.loads(api.http.get(f"/v1/tenants/{A}/audit", headers=auth("tenant-admin", A)).body)["items"]
    entry = next(e for e in audit if e["event_id"] == event_id)
    assert entry["notified_at"] and entry["correlation_id"] == reference
    assert next(e for e in AuditTable.query(f"T#{A}") if e.event_id == event_id).outbox is None
    run_tenants_sweeper(api, later=timedelta(hours=1))
    deliver(api, "tenant-events", "tenant_events")
    assert len(emails_about(event_id)) == 1

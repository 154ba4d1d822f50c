"""The events module without AWS: the worker decorator (typed events, partial failures, logging context,
correlation id, metering), the publish path's failure policy and the outbox sweep's growing delay."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

import pytest
from chalice import Blueprint, Chalice
from chalice.test import Client

from chalicelib import events
from chalicelib.core import metering
from chalicelib.core.http import install
from chalicelib.core.observability import logger, set_correlation_id
from chalicelib.events.outbox import Due, backoff
from chalicelib.events.topics import Event, UploadNotice
from tests.unit.fakes import FakePublisher
from tests.unit.test_http_edge import Sink

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Parcel(Event):
    QUEUE: ClassVar[str] = "parcels"

    terc: str
    service: str
    n: int


def worker_app() -> tuple[Chalice, Sink, list[dict[str, Any]]]:
    app = Chalice(app_name="events-test")
    sink = Sink()
    install(app, lambda: sink)
    bp = Blueprint("chalicelib.modules.demo.workers")
    seen: list[dict[str, Any]] = []

    @events.worker(bp, Parcel, module="demo")
    def parcels(parcel: Parcel) -> None:
        seen.append({"parcel": parcel, "logged": dict(logger.get_current_keys())})
        if parcel.n == 2:
            raise RuntimeError("this one fails")

    @events.worker(bp, UploadNotice, module="demo")
    def uploads(notice: UploadNotice) -> None:
        seen.append({"notice": notice, "logged": dict(logger.get_current_keys())})

    app.register_blueprint(bp)
    return app, sink, seen


def sqs_event(client: Client, queue: str, *bodies: str) -> tuple[dict[str, Any], list[str]]:
    event = client.events.generate_sqs_event(message_bodies=list(bodies), queue_name=queue)
    return event, [r["messageId"] for r in event["Records"]]


def test_a_worker_gets_typed_events_and_a_bad_or_failing_record_fails_alone() -> None:
    app, sink, seen = worker_app()
    good = Parcel(terc="1418043", service="pismo-ogolne", n=1, correlation_id="req-anna-1")
    failing = Parcel(terc="1418043", service="pismo-ogolne", n=2)
    with Client(app) as client:
        event, ids = sqs_event(client, "eurzad-test-parcels", good.model_dump_json(), "{not json",
                               failing.model_dump_json())
        result = client.lambda_.invoke("parcels", event)

    # Only the unreadable and the failing record go back to the queue
    assert result.payload == {"batchItemFailures": [{"itemIdentifier": ids[1]}, {"itemIdentifier": ids[2]}]}
    # The handler got the typed event, with its log lines naming the JST, service, event and correlation id
    first = seen[0]
    assert first["parcel"] == good
    assert {k: first["logged"].get(k) for k in ("tenant", "service", "event_id", "correlation_id")} == {
        "tenant": "1418043", "service": "pismo-ogolne", "event_id": good.event_id, "correlation_id": "req-anna-1"}
    assert seen[1]["logged"]["correlation_id"] == failing.correlation_id
    # And the invocation is metered for that JST, module and service
    usage = sink.usages[-1]
    assert (usage.tenant, usage.module, usage.service) == ("1418043", "demo", "pismo-ogolne")


def test_the_worker_is_registered_on_the_topics_queue_in_batches_of_ten() -> None:
    app, _, _ = worker_app()
    sources = {s.name: s for s in app.event_sources}
    assert sources["parcels"].queue == "eurzad-test-parcels" and sources["parcels"].batch_size == 10
    assert sources["uploads"].queue == "eurzad-test-attachment-uploads"


def test_s3s_upload_notice_goes_through_the_same_decorator() -> None:
    app, sink, seen = worker_app()
    body = json.dumps({"Records": [
        {"eventName": "ObjectCreated:Post", "s3": {"object": {"key": "quarantine/1418043/att%2B1", "eTag": "e1"}}},
        {"eventName": "ObjectRemoved:Delete", "s3": {"object": {"key": "quarantine/1418043/att2"}}},
    ]})
    with Client(app) as client:
        result = client.lambda_.invoke("uploads", sqs_event(client, "eurzad-test-attachment-uploads", body,
                                                             json.dumps({"Event": "s3:TestEvent"}))[0])
    assert result.payload == {"batchItemFailures": []}
    notice = seen[0]["notice"]
    assert [(o.key, o.etag) for o in notice.objects] == [("quarantine/1418043/att+1", "e1")]
    assert seen[1]["notice"].objects == []  # S3's test event: nothing to do
    # Two notices, two different correlation ids: the second does not inherit the first's
    assert seen[0]["logged"]["correlation_id"] != seen[1]["logged"]["correlation_id"]
    assert sink.usages[-1].tenant in ("1418043", metering.REGION)


def test_an_event_carries_the_current_correlation_id_and_a_new_event_id() -> None:
    set_correlation_id("req-42")
    one, two = (Parcel(terc="1418043", service="x", n=i) for i in range(2))
    assert one.correlation_id == two.correlation_id == "req-42"
    assert one.event_id != two.event_id


def test_publish_is_best_effort_and_never_raises() -> None:
    parcel = Parcel(terc="1418043", service="x", n=1)
    assert events.publish(parcel, publisher=FakePublisher(fail=True)) is None
    working = FakePublisher()
    assert events.publish(parcel, publisher=working) == "message-1"
    assert working.messages == [("parcels", parcel)]


class FakeOutbox:
    """Marked events with when each is due and how often it was sent, as a producer stores them."""

    def __init__(self, *marked: Parcel) -> None:
        self.marked = {p.event_id: (p, NOW, 0) for p in marked}

    def due(self, now: datetime, *, limit: int = 500) -> list[Due[Parcel]]:
        return [Due(p, sends) for p, at, sends in self.marked.values() if at <= now][:limit]

    def postpone(self, event: Parcel, *, until: datetime, sends: int) -> None:
        self.marked[event.event_id] = (event, until, sends)


def test_sweep_sends_what_is_due_again_less_and_less_often_and_loses_nothing_when_the_queue_is_down() -> None:
    parcels = [Parcel(terc="1418043", service="x", n=i) for i in range(3)]
    outbox = FakeOutbox(*parcels)

    # While the queue is down nothing is sent, and everything stays due
    assert events.sweep(outbox, NOW, publisher=FakePublisher(fail=True)) == 0
    assert [d.event for d in outbox.due(NOW)] == parcels

    # When it is back, everything due is sent and put back 5, then 10, 20 ... minutes later, at most 6 hours
    publisher = FakePublisher()
    sent_at = []
    at = NOW
    while at < NOW + timedelta(hours=2):
        if events.sweep(outbox, at, publisher=publisher):
            sent_at.append(int((at - NOW) / timedelta(minutes=1)))
        at += timedelta(minutes=5)
    assert sent_at == [0, 5, 15, 35, 75]
    assert [m for _, m in publisher.messages[:3]] == parcels
    assert backoff(50) == timedelta(hours=6)


@pytest.fixture(autouse=True)
def _fresh_log_context() -> Any:
    yield
    logger.remove_keys(["correlation_id", "tenant", "service", "event_id"])


def test_every_deployed_worker_entry_point_is_the_wrapped_lambda_function() -> None:
    """Deployed, Lambda calls `<module>.<name>` with (event, context): that attribute must be Chalice's wrapper."""
    import importlib

    from chalice.app import EventSourceHandler

    from app import app

    workers = [s for s in app.event_sources if s.name in ("registrations", "tenant_events", "attachment_uploads")]
    assert len(workers) == 3
    for source in workers:
        module, attribute = source.handler_string.rsplit(".", 1)
        assert isinstance(getattr(importlib.import_module(module), attribute), EventSourceHandler), source.name

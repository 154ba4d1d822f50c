"""Metering arithmetic: requests and capacity per invocation, and the single write that records them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.core import metering
from chalicelib.core.clock import FixedClock, SystemClock, set_clock
from chalicelib.db.metering import metering_key, usage_update


class Sink:
    def __init__(self) -> None:
        self.calls: list[tuple[metering.Usage, float, str]] = []

    def add(self, usage: metering.Usage, *, duration_ms: float, day: str) -> None:
        self.calls.append((usage, duration_ms, day))


def test_invocation_counts_operations_and_capacity_by_kind() -> None:
    usage = metering.begin(function="api", memory_mb=512)
    usage.record_call("dynamodb", "GetItem", {"ConsumedCapacity": {"TableName": "t", "CapacityUnits": 0.5}})
    usage.record_call("dynamodb", "TransactWriteItems",
                      {"ConsumedCapacity": [{"CapacityUnits": 2.0}, {"CapacityUnits": 2.0}]})
    usage.record_call("sqs", "SendMessage", {"MessageId": "m"})
    usage.record_call("dynamodb", "Query", {})
    usage.attribute(tenant="1418043", module="tenants", service="pismo-ogolne")
    sink = Sink()
    metering.finish(sink)
    assert metering.current() is None
    (done, duration, day), = sink.calls
    assert done.requests == {"dynamodb:GetItem": 1, "dynamodb:TransactWriteItems": 1, "sqs:SendMessage": 1,
                             "dynamodb:Query": 1}
    assert (done.read_units, done.write_units) == (0.5, 4.0)
    assert duration >= 0 and len(day) == 10


def test_a_case_route_names_its_jst_and_service_after_loading_the_case() -> None:
    metering.attribute(tenant="1418043", service="pismo-ogolne")  # outside an invocation: nothing to name
    usage = metering.begin(function="api", memory_mb=512)
    usage.attribute(module="payments")  # the resident's path names no JST: the invocation is the region's so far
    assert (usage.tenant, usage.service) == (metering.REGION, "-")
    metering.attribute(tenant="1418043", service="zaswiadczenie-o-niezaleganiu")
    metering.attribute(service=None)  # a later unnamed call keeps what was named
    sink = Sink()
    metering.finish(sink)
    (done, _, _), = sink.calls
    assert (done.tenant, done.module, done.service) == ("1418043", "payments", "zaswiadczenie-o-niezaleganiu")


def test_a_failing_sink_never_breaks_the_invocation() -> None:
    class Broken:
        def add(self, usage: metering.Usage, *, duration_ms: float, day: str) -> None:
            raise RuntimeError("table gone")

    metering.begin(function="api", memory_mb=128)
    assert metering.finish(Broken()) is not None


def test_update_adds_everything_in_one_request() -> None:
    usage = metering.Usage(function="eurzad-APIHandler", memory_mb=1024, tenant="1418032", module="catalogue",
                           service="-")
    usage.requests.update({"dynamodb:GetItem": 2, "sqs:SendMessage": 1})
    usage.read_units = 1.0
    req = usage_update(usage, duration_ms=250.0, day="2026-11-23")
    assert req["Key"] == {"pk": {"S": "T#1418032"},
                          "sk": {"S": "D#2026-11-23#M#catalogue#S#-#F#eurzad-APIHandler"}}
    names = req["ExpressionAttributeNames"]
    values = req["ExpressionAttributeValues"]
    added = {names[n]: values[v]["N"] for n, v in
             (part.split() for part in req["UpdateExpression"].split(" ADD ")[1].split(", "))}
    assert added["invocations"] == "1"
    assert added["api_requests"] == "0"  # an event's invocation: no API Gateway request behind it
    assert added["aws:dynamodb:GetItem"] == "2" and added["aws:sqs:SendMessage"] == "1"
    assert added["aws_requests"] == "3"
    assert float(added["gb_seconds"]) == pytest.approx(0.25)  # 1 GB x 0.25 s
    assert metering_key(usage, "2026-11-23")["pk"] == "T#1418032"


def test_an_http_invocation_adds_one_api_request() -> None:
    usage = metering.Usage(function="eurzad-prod", memory_mb=512, http=True)
    req = usage_update(usage, duration_ms=10.0, day="2026-11-23")
    names, values = req["ExpressionAttributeNames"], req["ExpressionAttributeValues"]
    added = {names[n]: values[v]["N"] for n, v in
             (part.split() for part in req["UpdateExpression"].split(" ADD ")[1].split(", "))}
    assert added["api_requests"] == "1"


def test_hook_is_installed_in_botocore() -> None:
    import botocore.handlers

    events = [entry[0] for entry in botocore.handlers.BUILTIN_HANDLERS]
    assert "after-call" in events and "before-parameter-build.dynamodb" in events


def test_the_day_is_the_warsaw_day_of_the_injected_clock() -> None:
    clock = FixedClock(datetime(2026, 12, 31, 23, 30, tzinfo=UTC))  # already 1 January in Warsaw
    set_clock(clock)
    try:
        sink = Sink()
        metering.begin(function="api", memory_mb=128)
        metering.finish(sink)
        clock.advance(days=1)
        metering.begin(function="api", memory_mb=128)
        metering.finish(sink)
    finally:
        set_clock(SystemClock())
    assert [day for _, _, day in sink.calls] == ["2027-01-01", "2027-01-02"]

"""Each invocation's metering as a CloudWatch embedded metric format line (production only), checked against
the EMF specification: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from chalicelib.core import emf, metering
from chalicelib.core.settings import get_settings
from chalicelib.db import metering as db_metering

# The spec's MetricDefinition units.
UNITS = {"Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes", "Terabytes",
         "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count", "Bytes/Second",
         "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second", "Bits/Second",
         "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second", "Count/Second", "None"}


def assert_emf(line: str) -> dict[str, Any]:
    """The line is one EMF document: the spec's MUSTs on the root, `_aws`, each MetricDirective and its targets."""
    assert line.endswith("\n") and line.count("\n") == 1
    doc = json.loads(line)  # a JSON object and nothing before or after it
    assert isinstance(doc, dict)
    meta = doc["_aws"]
    assert set(meta) == {"Timestamp", "CloudWatchMetrics"}
    assert isinstance(meta["Timestamp"], int) and meta["Timestamp"] > 0  # milliseconds since the epoch
    assert isinstance(meta["CloudWatchMetrics"], list) and meta["CloudWatchMetrics"]
    for directive in meta["CloudWatchMetrics"]:
        assert set(directive) == {"Namespace", "Dimensions", "Metrics"}
        namespace = directive["Namespace"]
        assert isinstance(namespace, str) and 0 < len(namespace) <= 1024 and not namespace.startswith("AWS/")
        for dimension_set in directive["Dimensions"]:
            assert isinstance(dimension_set, list) and 1 <= len(dimension_set) <= 30
            for name in dimension_set:  # each a target member of the root holding a string
                assert isinstance(doc[name], str) and doc[name]
        assert 1 <= len(directive["Metrics"]) <= 100
        for metric in directive["Metrics"]:
            assert set(metric) <= {"Name", "Unit", "StorageResolution"}
            assert metric["Unit"] in UNITS
            value = doc[metric["Name"]]  # a target member holding a number (or an array of numbers)
            assert isinstance(value, int | float) and not isinstance(value, bool)
    return doc


def the_emf_line(out: str) -> str:
    """The one EMF line among the function's output (the logger writes its own lines there too)."""
    found = [line + "\n" for line in out.splitlines() if line.startswith('{"_aws"')]
    assert len(found) == 1
    return found[0]


def usage() -> metering.Usage:
    done = metering.Usage(function="eurzad-dev-APIHandler", memory_mb=512, tenant="1418032", module="payments",
                          service="pismo-ogolne")
    done.requests.update({"dynamodb:GetItem": 2, "sqs:SendMessage": 1})
    done.read_units, done.write_units = 1.5, 2.0
    return done


def test_one_invocation_is_one_emf_line_per_the_specification() -> None:
    lines: list[str] = []
    sink = emf.EmfUsageSink("eurzad/metering", write=lines.append, now_ms=lambda: 1_764_590_400_000)
    sink.add(usage(), duration_ms=250.0, day="2026-12-01")
    doc = assert_emf(lines[0])
    directive = doc["_aws"]["CloudWatchMetrics"][0]
    assert doc["_aws"]["Timestamp"] == 1_764_590_400_000
    assert directive["Namespace"] == "eurzad/metering"
    assert directive["Dimensions"] == [["JST"], ["service"]]
    assert {m["Name"]: m["Unit"] for m in directive["Metrics"]} == {
        "Invocations": "Count", "Errors": "Count", "Duration": "Milliseconds", "GBSeconds": "None",
        "AwsRequests": "Count", "ReadUnits": "Count", "WriteUnits": "Count"}
    assert (doc["JST"], doc["service"], doc["module"], doc["function"]) == (
        "1418032", "pismo-ogolne", "payments", "eurzad-dev-APIHandler")
    assert (doc["Invocations"], doc["Errors"], doc["Duration"], doc["AwsRequests"]) == (1, 0, 250.0, 3)
    assert doc["GBSeconds"] == pytest.approx(0.125)  # 0.5 GB x 0.25 s
    assert (doc["ReadUnits"], doc["WriteUnits"]) == (1.5, 2.0)


class Recorder:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []

    def update_item(self, **request: Any) -> None:
        self.requests.append(request)


@pytest.fixture
def sinks(monkeypatch: pytest.MonkeyPatch) -> Iterator[Recorder]:
    table = Recorder()
    monkeypatch.setattr(db_metering, "client", lambda service: table)
    get_settings.cache_clear()
    db_metering.usage_sink.cache_clear()
    yield table
    get_settings.cache_clear()
    db_metering.usage_sink.cache_clear()


def test_with_the_namespace_set_an_invocation_makes_one_table_write_and_one_emf_line(
        sinks: Recorder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("EURZAD_METRICS_NAMESPACE", "eurzad/metering")
    metering.begin(function="eurzad-dev-APIHandler", memory_mb=512).attribute(tenant="1465011", service="-")
    metering.finish(db_metering.usage_sink())
    assert len(sinks.requests) == 1
    doc = assert_emf(the_emf_line(capsys.readouterr().out))
    assert (doc["JST"], doc["service"], doc["Invocations"]) == ("1465011", "-", 1)


def test_without_the_namespace_there_is_no_emf_line(sinks: Recorder, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("EURZAD_METRICS_NAMESPACE", raising=False)
    metering.begin(function="eurzad-dev-APIHandler", memory_mb=512)
    metering.finish(db_metering.usage_sink())
    assert len(sinks.requests) == 1
    assert "_aws" not in capsys.readouterr().out


def test_a_failed_table_write_still_leaves_the_emf_line(sinks: Recorder, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    class Down:
        def update_item(self, **_: Any) -> None:
            raise RuntimeError("table gone")

    monkeypatch.setattr(db_metering, "client", lambda service: Down())
    monkeypatch.setenv("EURZAD_METRICS_NAMESPACE", "eurzad/metering")
    metering.begin(function="eurzad-dev-APIHandler", memory_mb=512)
    assert metering.finish(db_metering.usage_sink()) is not None  # the invocation is not failed by it
    assert_emf(the_emf_line(capsys.readouterr().out))


def test_the_prod_stage_switches_it_on_and_the_others_do_not() -> None:
    from tests.conftest import ROOT

    stages = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))["stages"]
    assert stages["prod"]["environment_variables"]["EURZAD_METRICS_NAMESPACE"] == "eurzad/metering"
    assert all("EURZAD_METRICS_NAMESPACE" not in s["environment_variables"]
               for name, s in stages.items() if name != "prod")

"""The packaged functions' concurrency in AWS (infrastructure.template.function_settings, applied by deploy)."""

from __future__ import annotations

from typing import Any

from infrastructure.template import function_settings


def sam_function(*events: str) -> dict[str, Any]:
    return {"Handler": "app.handler",
            "Events": {f"E{i}": {"Type": kind, "Properties": {}} for i, kind in enumerate(events)}}


def test_the_api_is_reserved_a_bounded_share_and_each_sweeper_runs_alone() -> None:
    api, sweeper, tenants_sweeper = sam_function(), sam_function("Schedule"), sam_function("Schedule")
    function_settings("APIHandler", api)
    function_settings("RegistrationSweeper", sweeper)
    function_settings("TenantEventsSweeper", tenants_sweeper)
    assert api["ReservedConcurrentExecutions"] == 100
    assert sweeper["ReservedConcurrentExecutions"] == 1 and tenants_sweeper["ReservedConcurrentExecutions"] == 1


def test_sqs_workers_are_paced_by_their_event_source_not_throttled() -> None:
    worker = sam_function("SQS")
    function_settings("Registrations", worker)
    assert "ReservedConcurrentExecutions" not in worker  # a throttled batch would count towards the DLQ
    assert worker["Events"]["E0"]["Properties"]["ScalingConfig"] == {"MaximumConcurrency": 5}

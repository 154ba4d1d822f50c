"""The operator CLI finds the platform `make run` started, without the reader exporting anything."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from chalicelib.local_platform import use_local_platform

NAMES = ("AWS_ENDPOINT_URL", "EURZAD_RESOURCE_PREFIX", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID",
         "AWS_SECRET_ACCESS_KEY")


@pytest.fixture
def bare(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    endpoints = tmp_path / "endpoints.json"
    endpoints.write_text(json.dumps({"api": "http://127.0.0.1:8080", "aws": "http://127.0.0.1:4599",
                                     "stack": "eurzad-local-app"}))
    return endpoints


def test_a_shell_with_nothing_set_uses_the_local_platform(bare: Path) -> None:
    assert use_local_platform(bare) == "http://127.0.0.1:4599"
    assert {n: os.environ[n] for n in NAMES} == {
        "AWS_ENDPOINT_URL": "http://127.0.0.1:4599", "EURZAD_RESOURCE_PREFIX": "eurzad-local",
        "AWS_DEFAULT_REGION": "eu-central-1", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}


def test_a_chosen_target_or_no_local_platform_changes_nothing(bare: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EURZAD_RESOURCE_PREFIX", "eurzad-prod")
    assert use_local_platform(bare) is None
    assert "AWS_ENDPOINT_URL" not in os.environ
    monkeypatch.delenv("EURZAD_RESOURCE_PREFIX")
    assert use_local_platform(bare.parent / "missing.json") is None
    assert "AWS_ENDPOINT_URL" not in os.environ

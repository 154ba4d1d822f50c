"""The real packaging (`infrastructure.deploy.package`, what every deployment uploads) fits the layer budget.

Runs `chalice package` (about 30 s when its layer cache is cold, a few seconds after); calls no AWS.
"""

from __future__ import annotations

import importlib.metadata
import re
import zipfile
from pathlib import Path

from infrastructure.deploy import package
from infrastructure.layer import RUNTIME_SDK, build_sdk_layer
from tests.conftest import ROOT

MIB = 2**20
LAYER_BUDGET = 30 * MIB


def _tops(path: Path) -> set[str]:
    with zipfile.ZipFile(path) as zf:
        return {name.split("/")[4] for name in zf.namelist() if name.count("/") >= 5}


def test_the_dependency_layer_leaves_the_runtime_sdk_out_and_fits_30_mib(tmp_path: Path) -> None:
    out = tmp_path / "out"
    template = package("e2e", out)
    layer = out / "layer-deployment.zip"
    assert template["Resources"]["ManagedLayer"]["Properties"]["ContentUri"] == "./layer-deployment.zip"
    assert layer.stat().st_size <= LAYER_BUDGET
    tops = _tops(layer)
    assert not {t for t in tops if t.split("-")[0] in RUNTIME_SDK}
    assert {"pynamodb", "pydantic_core", "cryptography", "lxml", "aws_lambda_powertools", "jwt"} <= tops


def test_the_sdk_pins_are_the_installed_ones_and_the_stand_in_layer_carries_them(tmp_path: Path) -> None:
    pins = dict(re.findall(r"^(boto3|botocore|s3transfer)==(\S+)", (ROOT / "requirements.txt").read_text(), re.M))
    assert set(pins) == set(RUNTIME_SDK)
    assert {dist: importlib.metadata.version(dist) for dist in RUNTIME_SDK} == pins
    tops = _tops(build_sdk_layer(tmp_path))
    assert tops == set(RUNTIME_SDK) | {f"{dist}-{version}.dist-info" for dist, version in pins.items()}

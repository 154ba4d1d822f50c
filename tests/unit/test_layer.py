"""The dependency layer leaves out the AWS SDK the Lambda runtime ships; the emulator gets it as a layer of its own."""

from __future__ import annotations

import zipfile
from pathlib import Path

from infrastructure.layer import SITE_PACKAGES, attach_sdk_layer, strip_runtime_sdk

KEPT = ["pynamodb/models.py", "pynamodb/connection/_botocore_private.py", "aws_xray_sdk/ext/botocore/patch.py",
        "jmespath/__init__.py", "python_dateutil-2.9.0.post0.dist-info/METADATA"]
SDK = ["botocore/data/s3/2006-03-01/service-2.json.gz", "botocore/__init__.py", "boto3/session.py",
       "boto3-1.44.5.dist-info/METADATA", "botocore-1.44.5.dist-info/RECORD", "s3transfer/manager.py"]


def test_the_layer_keeps_every_dependency_but_the_runtime_sdk(tmp_path: Path) -> None:
    layer = tmp_path / "layer-deployment.zip"
    with zipfile.ZipFile(layer, "w") as zf:
        for name in KEPT + SDK:
            zf.writestr(SITE_PACKAGES + name, b"x" * 100)
    strip_runtime_sdk(layer, cache=tmp_path / "cache")
    with zipfile.ZipFile(layer) as zf:
        assert sorted(zf.namelist()) == sorted(SITE_PACKAGES + name for name in KEPT)
        assert zf.read(SITE_PACKAGES + "pynamodb/models.py") == b"x" * 100
    # The second packaging of the same layer reuses the cached result.
    assert len(list((tmp_path / "cache").iterdir())) == 1


def test_every_function_on_the_emulator_gets_the_sdk_layer(tmp_path: Path) -> None:
    template = {"Resources": {
        "ManagedLayer": {"Type": "AWS::Serverless::LayerVersion", "Properties": {}},
        "APIHandler": {"Type": "AWS::Serverless::Function", "Properties": {"Layers": [{"Ref": "ManagedLayer"}]}},
        "Sweeper": {"Type": "AWS::Serverless::Function", "Properties": {"Layers": [{"Ref": "ManagedLayer"}]}},
    }}
    attach_sdk_layer(template, tmp_path / "runtime-sdk.zip", "eurzad-e2e")
    resources = template["Resources"]
    assert resources["RuntimeSdkLayer"]["Properties"]["ContentUri"] == "./runtime-sdk.zip"
    assert resources["RuntimeSdkLayer"]["Properties"]["LayerName"] == "eurzad-e2e-runtime-sdk"
    for name in ("APIHandler", "Sweeper"):
        assert resources[name]["Properties"]["Layers"] == [{"Ref": "ManagedLayer"}, {"Ref": "RuntimeSdkLayer"}]

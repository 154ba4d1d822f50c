"""The dependency layer without the AWS SDK the Lambda runtime already ships, and the SDK's stand-in locally.

`chalice package` (automatic_layer) puts every requirement into `layer-deployment.zip`, boto3 and botocore
included, since other requirements (PynamoDB, the X-Ray SDK) depend on them. The python3.11 runtime has
its own boto3/botocore/s3transfer (pinned in requirements.txt to the runtime's version), so the layer leaves
them out: botocore alone is about 15 MiB of the zip. The local emulator runs functions on its own interpreter,
which has a botocore of the emulator's version and no boto3, so a deployment to the emulator attaches one
more layer with the pinned SDK, the part of the runtime the emulator lacks. Standard library only.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import shutil
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".chalice" / "deployments"
PYTHON = "python3.11"
SITE_PACKAGES = f"python/lib/{PYTHON}/site-packages/"
# The SDK the Lambda python runtime provides (the distributions, as pip names them).
RUNTIME_SDK = ("boto3", "botocore", "s3transfer")
SDK_LAYER = "RuntimeSdkLayer"


def _sdk_folders() -> set[str]:
    """Top-level names under site-packages that belong to the runtime's SDK, dist-info folders included."""
    names: set[str] = set()
    for dist in RUNTIME_SDK:
        names.add(dist)
        names.add(f"{dist}-{importlib.metadata.version(dist)}.dist-info")
    return names


def is_runtime_sdk(entry: str) -> bool:
    """Whether a layer zip entry (python/lib/python3.X/site-packages/<top>/...) is part of the runtime's SDK."""
    parts = entry.split("/")
    if len(parts) < 5 or parts[:2] != ["python", "lib"] or parts[3] != "site-packages":
        return False
    top = parts[4]
    return top in RUNTIME_SDK or any(top.startswith(f"{dist}-") and top.endswith(".dist-info") for dist in RUNTIME_SDK)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def strip_runtime_sdk(layer_zip: Path, cache: Path = CACHE) -> None:
    """Rewrite `layer_zip` in place without the runtime's SDK (the result is cached by the input's content)."""
    cached = cache / f"layer-without-sdk-{_digest(layer_zip)}.zip"
    if not cached.exists():
        cache.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial")
        with zipfile.ZipFile(layer_zip) as src, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                if not is_runtime_sdk(info.filename):
                    dst.writestr(info, src.read(info), compress_type=zipfile.ZIP_DEFLATED)
        partial.replace(cached)
    shutil.copyfile(cached, layer_zip)


def build_sdk_layer(out: Path, cache: Path = CACHE) -> Path:
    """A layer zip with the pinned SDK from this interpreter's installation (pure Python), cached by version."""
    versions = "-".join(f"{dist}{importlib.metadata.version(dist)}" for dist in RUNTIME_SDK)
    cached = cache / f"runtime-sdk-{versions}.zip"
    if not cached.exists():
        cache.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".partial")
        folders = _sdk_folders()  # once: each call reads three distributions' metadata (13 s over 2,260 files)
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as dst:
            for dist_name in RUNTIME_SDK:
                dist = importlib.metadata.distribution(dist_name)
                for file in dist.files or []:
                    if file.parts[0] not in folders or "__pycache__" in file.parts:
                        continue
                    dst.write(Path(str(dist.locate_file(file))), SITE_PACKAGES + file.as_posix())
        partial.replace(cached)
    target = out / "runtime-sdk.zip"
    shutil.copyfile(cached, target)
    return target


def attach_sdk_layer(template: dict[str, Any], path: Path, prefix: str) -> None:
    """Give every function of the packaged SAM template the SDK layer at `path` (for the emulator only)."""
    resources = template["Resources"]
    resources[SDK_LAYER] = {
        "Type": "AWS::Serverless::LayerVersion",
        "Properties": {
            "CompatibleRuntimes": [PYTHON],
            "ContentUri": f"./{path.name}",
            "LayerName": f"{prefix}-runtime-sdk",
        },
    }
    for res in resources.values():
        if res["Type"] == "AWS::Serverless::Function":
            res["Properties"].setdefault("Layers", []).append({"Ref": SDK_LAYER})

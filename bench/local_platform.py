"""What the emulator benchmarks share: the environment the app reads at import, and the platform loaded into
the emulator the way an operator loads it (resources stack, catalogue, demo region, demo PKI)."""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "region" / "demo"
PKI = ROOT / ".local" / "bench-pki"
PREFIX = "eurzad-bench"


def set_environment() -> None:
    """What the app reads once, set before anything imports chalicelib (as tests/conftest.py does)."""
    os.environ.update({
        "EURZAD_RESOURCE_PREFIX": PREFIX,
        "EURZAD_STAGE": "bench",
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "eu-central-1",
        "EURZAD_DEV_ISSUER_DIR": str(ROOT / ".local" / "bench-issuer"),
        "POWERTOOLS_LOG_LEVEL": "WARNING",
        "POWERTOOLS_TRACE_DISABLED": "true",
    })
    os.environ.pop("AWS_PROFILE", None)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from chalicelib.core import dev_issuer

    os.environ["EURZAD_AUTH_JWKS"] = dev_issuer.jwks()


def set_up_platform() -> None:
    """Resources stack, catalogue, demo region and demo PKI (progress to stderr)."""
    from chalicelib import cli
    from infrastructure import stack, template

    with contextlib.redirect_stdout(sys.stderr):
        stack.deploy(f"{PREFIX}-resources", template.render())
        if cli.catalogue_publish(cli.FORMS) != 0:
            raise SystemExit("catalogue publish failed")
        if cli.tenants_apply(sorted(DEMO.glob("[0-9]*.yaml"))) != 0:
            raise SystemExit("demo region apply failed")
        if cli.signatures_install_demo(PKI) != 0:
            raise SystemExit("demo PKI install failed")


@dataclass
class SinkRecorder:
    """Counts the metering sink's own write (its requests and capacity) while `in_sink` is set; hooked on
    botocore's `after-call` by each benchmark's recorder."""

    in_sink: bool = False
    sink_requests: int = 0
    sink_units: float = 0.0

    def on_sink_call(self, parsed: Any = None, **_: Any) -> None:
        if not self.in_sink:
            return
        from chalicelib.core.metering import capacity_units

        self.sink_requests += 1
        self.sink_units += capacity_units(parsed)

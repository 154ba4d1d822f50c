"""The app's packaging started at the beginning of a session that will deploy or package, beside the unit tests.

`chalice package` on a cold cache (a fresh clone) spends about two minutes building the dependency layer, then
the SDK layer is zipped; both are cached under .chalice/deployments by content, so every later packaging of the
run takes about a second. Started early, in a process of its own, that work overlaps the unit and integration
tests on the second core instead of holding up the first test that deploys. That test waits for it first, so no
two packagings ever write the cache at once. It calls no AWS (packaging never does).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Files whose tests package the app themselves or deploy it (e2e, browser: the session's stack).
PACKAGING = ("e2e", "browser", "test_local_run.py", "test_packaging.py")
_SCRIPT = """
import tempfile
from pathlib import Path
from infrastructure import deploy, layer
with tempfile.TemporaryDirectory(prefix="eurzad-early-package-") as tmp:
    out = Path(tmp) / "out"
    deploy.package("e2e", out)
    layer.build_sdk_layer(out)
"""

_process: subprocess.Popen[bytes] | None = None
_started = 0.0
summary = ""  # for the end of the run: how long it took and how long the first packaging test waited for it


def packages(path: Path) -> bool:
    parts = path.relative_to(ROOT / "tests").parts
    return parts[0] in PACKAGING or parts[-1] in PACKAGING


def start() -> None:
    global _process, _started
    if _process is None:
        env = {key: value for key, value in os.environ.items() if key != "AWS_ENDPOINT_URL"}
        _started = time.monotonic()
        _process = subprocess.Popen([sys.executable, "-c", _SCRIPT], cwd=ROOT, env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait() -> None:
    """Until the early packaging is over; if it failed, the test's own packaging says why."""
    global _process, summary
    if _process is not None:
        waited = time.monotonic()
        _process.wait()
        now = time.monotonic()
        summary = (f"early packaging: {now - _started:.0f}s beside the tests, {now - waited:.0f}s waited for, "
                   f"exit {_process.returncode}")
        _process = None


def stop() -> None:
    """At the end of a session that never came to a packaging test (-x): waited for, not killed, since chalice
    writes its cached layer in place and a killed packaging would leave a broken zip for the next run."""
    wait()

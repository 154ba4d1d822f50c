"""Stopping the emulator that this process started (make run on Ctrl-C, `emulator exec` at the end of make test)
returns once it has exited, not after the whole grace period."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from infrastructure import emulator


def test_an_emulator_started_here_is_stopped_as_soon_as_it_exits(tmp_path: Path) -> None:
    # A stand-in that exits on SIGTERM at once, started the way emulator.start starts ministack: this process's
    # child, in a session of its own, its pid in the state folder.
    child = subprocess.Popen(["sleep", "60"], start_new_session=True)
    (tmp_path / "pid").write_text(str(child.pid))

    began = time.monotonic()
    emulator.stop(tmp_path, grace=20.0)

    assert time.monotonic() - began < 5.0  # was the 20 s grace and 5 s more after a SIGKILL
    assert not (tmp_path / "pid").exists()
    assert not emulator._pid_alive(child.pid)

"""Start, stop and wrap the local AWS emulator (ministack) on 127.0.0.1. Standard library only.

    python -m infrastructure.emulator start [--port P] [--state DIR]
    python -m infrastructure.emulator stop  [--state DIR]
    python -m infrastructure.emulator exec  [--port P] [--state DIR] -- COMMAND...   (start, run, stop)

The emulator runs from its own venv (.local/ministack-venv, made by `make`), keeps its state under the
given folder, and is stopped by the PID written there. `start` persists: a clean stop (SIGTERM) writes every
service's state (DynamoDB, SQS, Lambda, API Gateway, CloudFormation, ...) and S3's objects under the folder,
and the next `start` without --fresh reads them back. `exec` runs on throw-away state and skips that.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".local" / "ministack-venv"
DEFAULT_STATE = ROOT / ".local" / "emulator"


def endpoint(port: int) -> str:
    return f"http://127.0.0.1:{port}"


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"{endpoint(port)}/_localstack/health", timeout=1) as r:  # noqa: S310 (http only)
            return r.status == 200 and "dynamodb" in json.loads(r.read()).get("services", {})
    except (OSError, ValueError):
        return False


def port_busy(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def _pid_alive(pid: int) -> bool:
    # Started by this process (make run, exec), the emulator is its child: once exited it is a zombie, which
    # kill(pid, 0) still finds, until it is reaped here (a stop then waited out its whole grace and the SIGKILL's).
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def start(port: int, state: Path, *, fresh: bool = False, persist: bool = False, timeout: float = 60.0) -> int:
    """Start ministack on `port` with its files under `state`; `persist` saves its state there on a clean
    stop and loads what an earlier clean stop saved (without it, everything lives in memory only)."""
    pidfile = state / "pid"
    if pidfile.exists() and _pid_alive(int(pidfile.read_text())) and healthy(port):
        return int(pidfile.read_text())
    if port_busy(port):
        raise SystemExit(f"port {port} is taken by another process; stop it or choose --port")
    if fresh and state.exists():
        shutil.rmtree(state)
    (state / "data").mkdir(parents=True, exist_ok=True)
    (state / "tmp").mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "GATEWAY_PORT": str(port),
        "BIND_HOST": "127.0.0.1",
        "STATE_DIR": str(state / "data"),
        "TMPDIR": str(state / "tmp"),
        "IOT_MTLS_ENABLED": "0",
        # Handlers it runs call back here; it passes this on to them.
        "AWS_ENDPOINT_URL": endpoint(port),
    }
    if persist:
        # ministack writes STATE_DIR/<service>.json on shutdown and reads it on start; S3 keeps object
        # bodies on disk as they are written.
        env.update({"PERSIST_STATE": "1", "S3_PERSIST": "1", "S3_DATA_DIR": str(state / "data" / "s3")})
    with open(state / "ministack.log", "ab") as log:
        proc = subprocess.Popen([str(VENV / "bin" / "ministack")], env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True, cwd=state)
    pidfile.write_text(str(proc.pid))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"emulator exited with {proc.returncode}; see {state / 'ministack.log'}")
        if healthy(port):
            return proc.pid
        time.sleep(0.2)
    stop(state)
    raise SystemExit(f"emulator not healthy on port {port} within {timeout:.0f}s")


# What ministack logs (1.5.33) just after its shutdown has written the state. Its exit can still hang past
# that point, on a thread of a Lambda worker that was busy when it got SIGTERM: then it is killed.
STATE_WRITTEN = b"SFTP: stopped"


def _logged_since(log: Path, offset: int, marker: bytes) -> bool:
    try:
        with open(log, "rb") as f:
            f.seek(offset)
            return marker in f.read()
    except OSError:
        return False


def stop(state: Path, *, grace: float = 60.0) -> None:
    """SIGTERM (a persisting emulator writes its state then, which takes seconds), then SIGKILL once the state
    is written or `grace` seconds have passed."""
    pidfile = state / "pid"
    if not pidfile.exists():
        return
    pid = int(pidfile.read_text())
    log = state / "ministack.log"
    offset = log.stat().st_size if log.exists() else 0
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        pidfile.unlink(missing_ok=True)
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and _pid_alive(pid):
        if _logged_since(log, offset, STATE_WRITTEN):
            deadline = min(deadline, time.monotonic() + 2.0)
        time.sleep(0.1)
    if _pid_alive(pid):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGKILL)
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline and _pid_alive(pid):
            time.sleep(0.1)
    pidfile.unlink(missing_ok=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m infrastructure.emulator")
    parser.add_argument("action", choices=["start", "stop", "exec"])
    parser.add_argument("--port", type=int, default=4566)
    parser.add_argument("--state", type=Path, default=DEFAULT_STATE)
    parser.add_argument("--fresh", action="store_true", help="discard earlier emulator state first")
    own, command = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    args = parser.parse_args(own)
    state = args.state.resolve()
    if args.action == "stop":
        stop(state)
        return 0
    start(args.port, state, fresh=args.fresh or args.action == "exec", persist=args.action == "start")
    print(f"emulator: {endpoint(args.port)} (state {state})", flush=True)
    if args.action == "start":
        return 0
    if not command:
        parser.error("exec needs a command after --")
    try:
        env = {**os.environ, "AWS_ENDPOINT_URL": endpoint(args.port)}
        return subprocess.call(command, env=env)
    finally:
        stop(state, grace=10.0)  # nothing to write: the state is thrown away
        shutil.rmtree(state, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

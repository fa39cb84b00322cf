"""A Kafka broker of a test's own, for tests that stop and restart the broker.

The shared broker (``KAFKA_BOOTSTRAP_SERVERS``) serves every other test, so a test that
takes the broker down must never touch it. ``DedicatedKafka`` drives ``deploy/kafka.sh``
with its own run directory (data, pid file, log) and two free ports; ``stop`` keeps the
data, so ``start`` again is a real restart of the same broker. ``dedicated_kafka()``
stops it whatever happens, and kills the JVM by its pid if the script could not.

    with dedicated_kafka(tmp_path) as kafka:
        ...  # kafka.bootstrap
        kafka.stop()
        kafka.start()
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "deploy" / "kafka.sh"
# Variables of the shared broker that must not reach the dedicated one's script.
_SHARED_VARS = ("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_PORT", "KAFKA_CONTROLLER_PORT", "KAFKA_FRESH")


def free_port() -> int:
    """A port nobody listens on now (the broker binds it a moment later: a tiny race)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class DedicatedKafka:
    """One single-node KRaft broker in ``run_dir``, started and stopped by deploy/kafka.sh."""

    def __init__(self, run_dir: Path, *, heap: str = "-Xms128m -Xmx384m") -> None:
        self.run_dir = run_dir
        self.port = free_port()
        self.controller_port = free_port()
        while self.controller_port == self.port:
            self.controller_port = free_port()
        self.bootstrap = f"127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k not in _SHARED_VARS}
        env.update(
            SHOPSYNC_RUN_DIR=str(run_dir),
            KAFKA_PORT=str(self.port),
            KAFKA_CONTROLLER_PORT=str(self.controller_port),
            KAFKA_BOOTSTRAP_SERVERS=self.bootstrap,
            KAFKA_HEAP_OPTS=heap,
            KAFKA_READY_TIMEOUT="60",
        )
        self._env = env

    @property
    def pidfile(self) -> Path:
        return self.run_dir / "kafka" / "kafka.pid"

    @property
    def log(self) -> Path:
        return self.run_dir / "kafka" / "kafka.log"

    def pid(self) -> int | None:
        try:
            return int(self.pidfile.read_text().strip())
        except (OSError, ValueError):
            return None

    def _script(self, command: str, timeout: float) -> None:
        done = subprocess.run(
            ["bash", str(SCRIPT), command],
            env=self._env,
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            msg = f"deploy/kafka.sh {command} failed ({done.returncode}):\n{done.stderr[-2000:]}"
            raise RuntimeError(msg)

    def start(self) -> float:
        """Start (or restart on the kept data) and wait for a round trip; returns seconds."""
        t0 = time.monotonic()
        self._script("start", timeout=90)
        return time.monotonic() - t0

    def stop(self) -> float:
        """Clean shutdown (SIGTERM), data kept; returns seconds."""
        t0 = time.monotonic()
        self._script("stop", timeout=60)
        return time.monotonic() - t0

    def running(self) -> bool:
        pid = self.pid()
        return pid is not None and _is_kafka(pid)

    def kill(self) -> None:
        """Last resort when the script failed: SIGKILL the JVM of this broker only."""
        pid = self.pid()
        if pid is not None and _is_kafka(pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            for _ in range(40):
                if not _alive(pid):
                    break
                time.sleep(0.25)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _is_kafka(pid: int) -> bool:
    """The pid is a live kafka.Kafka JVM (not a number the kernel has since reused)."""
    if not _alive(pid):
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"kafka.Kafka" in cmdline


@contextlib.contextmanager
def dedicated_kafka(run_dir: Path) -> Iterator[DedicatedKafka]:
    """A started dedicated broker; stopped (and killed if need be) on the way out."""
    kafka = DedicatedKafka(run_dir)
    try:
        kafka.start()
        yield kafka
    finally:
        try:
            kafka.stop()
        except Exception:
            kafka.kill()
        if kafka.running():
            kafka.kill()

"""Running a ``python -m`` entry point as a real process and waiting for its /health."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import time
from pathlib import Path

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def tail(path: Path, chars: int = 3000) -> str:
    return path.read_text()[-chars:]


async def until_up(
    client: httpx.AsyncClient, proc: subprocess.Popen[bytes], log_path: Path, within_s: float = 60
) -> httpx.Response:
    """The first 200 from /health; fails with the log's tail if the process dies first."""
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"exited with {proc.returncode}:\n{tail(log_path)}")
        try:
            response = await client.get("/health")
            if response.status_code == 200:
                return response
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.2)
    pytest.fail(f"no /health within {within_s:.0f} s:\n{tail(log_path)}")


def stop(proc: subprocess.Popen[bytes], timeout: float = 30) -> int:
    """SIGTERM, then the exit status; a process that ignores it is killed and fails."""
    proc.terminate()
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise

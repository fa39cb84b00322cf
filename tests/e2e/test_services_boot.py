"""Each service boots as ``python -m <service>`` on the real servers, answers /health,
/ready and /metrics, and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

SERVICES = ["gateway", "catalog", "inventory", "orders"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _tail(path: Path, chars: int = 3000) -> str:
    return path.read_text()[-chars:]


@pytest.mark.parametrize("service", SERVICES)
async def test_service_boots_serves_health_and_stops(
    service: str, kafka_bootstrap: str, fresh_db: str, tmp_path: Path
) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "DATABASE_URL": fresh_db,
        f"{service.upper()}_HTTP_PORT": str(port),
        f"{service.upper()}_LAG_INTERVAL_S": "0.5",
    }
    if service == "gateway":
        env.pop("DATABASE_URL")
    log_path = tmp_path / f"{service}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(  # noqa: ASYNC220 - a real process, watched below
            [sys.executable, "-m", service], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            health = await _until_up(client, proc, log_path)
            assert health.json()["service"] == service

            ready = await client.get("/ready")
            assert ready.status_code == 200, ready.text
            expected = {"kafka"} if service == "gateway" else {"kafka", "postgres"}
            assert set(ready.json()["checks"]) == expected

            metrics = await client.get("/metrics")
            assert metrics.status_code == 200
            if service != "gateway":
                await asyncio.sleep(1.0)  # one lag refresh
                metrics = await client.get("/metrics")
                assert 'sync_consumer_lag{group="' + service in metrics.text
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    output = _tail(log_path, 100_000)
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status tells why.
    assert code in (0, -signal.SIGTERM), output[-2000:]
    assert "Application shutdown complete." in output
    if service != "gateway":
        assert '"event": "service.started"' in output
        assert "hunter2" not in output


async def _until_up(
    client: httpx.AsyncClient, proc: subprocess.Popen[bytes], log_path: Path
) -> httpx.Response:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"exited with {proc.returncode}:\n{_tail(log_path)}")
        try:
            response = await client.get("/health")
            if response.status_code == 200:
                return response
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.2)
    pytest.fail(f"no /health within 60 s:\n{_tail(log_path)}")

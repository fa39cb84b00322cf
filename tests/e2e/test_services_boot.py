"""Each service boots as ``python -m <service>`` on the real servers, answers /health,
/ready and /metrics, and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.e2e.processes import free_port, stop, tail, until_up

SERVICES = ["gateway", "catalog", "inventory", "orders"]


@pytest.mark.parametrize("service", SERVICES)
async def test_service_boots_serves_health_and_stops(
    service: str, kafka_bootstrap: str, fresh_db: str, tmp_path: Path
) -> None:
    port = free_port()
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
            health = await until_up(client, proc, log_path)
            assert health.json()["service"] == service

            ready = await client.get("/ready")
            assert ready.status_code == 200, ready.text
            expected = {"kafka"} if service == "gateway" else {"kafka", "postgres"}
            assert set(ready.json()["checks"]) == expected

            metrics = await client.get("/metrics")
            assert metrics.status_code == 200
            if service != "gateway":
                lag = 'sync_consumer_lag{group="' + service
                for _ in range(40):  # lag refreshes every 0.5 s once the group has joined
                    metrics = await client.get("/metrics")
                    if lag in metrics.text:
                        break
                    await asyncio.sleep(0.5)
                assert lag in metrics.text
    finally:
        code = stop(proc)
    output = tail(log_path, 100_000)
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status tells why.
    assert code in (0, -signal.SIGTERM), output[-2000:]
    assert "Application shutdown complete." in output
    if service != "gateway":
        assert '"event": "service.started"' in output
        assert "hunter2" not in output

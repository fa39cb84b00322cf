"""``python -m shopify_sim`` as a real process: the platform's client reads the demo
shop through it, a wrong token is refused, configured tokens stay out of its output,
and SIGTERM stops it cleanly."""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from shopify_client import ShopifyAuthError, ShopifyClient, variants_by_sku


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _tail(path: Path, chars: int = 3000) -> str:
    return path.read_text()[-chars:]


async def _until_up(base: str, proc: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 30
    async with httpx.AsyncClient(base_url=base, timeout=2) as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                pytest.fail(f"exited with {proc.returncode}:\n{_tail(log_path)}")
            try:
                if (await http.get("/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    pytest.fail(f"no /health within 30 s:\n{_tail(log_path)}")


async def test_emulator_process_serves_the_client_and_stops(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    shops = [
        {"domain": "demo.myshopify.com", "access_token": "shpat_demo_access_token",
         "app_secret": "demo_app_secret"},
        {"domain": "acme.myshopify.com", "access_token": "shpat_acme_configured",
         "app_secret": "acme_app_secret", "plan": "plus"},
    ]  # fmt: skip
    config = tmp_path / "shops.json"
    config.write_text(json.dumps(shops))
    log_path = tmp_path / "sim.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(  # noqa: ASYNC220 - a real process, watched below
            [sys.executable, "-m", "shopify_sim", "--port", str(port), "--config", str(config),
             "--demo"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        await _until_up(base, proc, log_path)
        async with ShopifyClient(
            "demo.myshopify.com", "shpat_demo_access_token", base_url=base
        ) as client:
            [variant] = await variants_by_sku(client, "TEE-M")
            assert variant["sku"] == "TEE-M"
        async with ShopifyClient(
            "acme.myshopify.com", "shpat_acme_configured", base_url=base
        ) as client:
            assert [v["sku"] for v in await variants_by_sku(client, "TEE-M")] == ["TEE-M"]
        async with ShopifyClient("demo.myshopify.com", "shpat_wrong", base_url=base) as client:
            with pytest.raises(ShopifyAuthError):
                await variants_by_sku(client, "TEE-M")
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    output = _tail(log_path, 100_000)
    assert code in (0, -signal.SIGTERM), output[-2000:]
    assert "Application shutdown complete." in output
    assert "shop demo.myshopify.com plan=standard token=shpat_demo_access_token" in output
    assert "shop acme.myshopify.com plan=plus token=(configured)" in output
    assert "shpat_acme_configured" not in output
    assert "acme_app_secret" not in output

"""``python -m shopify_sim`` as a real process: the platform's client reads the demo
shop through it, a wrong token is refused, configured tokens stay out of its output,
and SIGTERM stops it cleanly."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from shopify_client import ShopifyAuthError, ShopifyClient, variants_by_sku

from tests.e2e.processes import free_port, stop, tail, until_up


async def test_emulator_process_serves_the_client_and_stops(tmp_path: Path) -> None:
    port = free_port()
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
        async with httpx.AsyncClient(base_url=base, timeout=2) as http:
            await until_up(http, proc, log_path, within_s=30)
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
        code = stop(proc)
    output = tail(log_path, 100_000)
    assert code in (0, -signal.SIGTERM), output[-2000:]
    assert "Application shutdown complete." in output
    assert "shop demo.myshopify.com plan=standard token=shpat_demo_access_token" in output
    assert "shop acme.myshopify.com plan=plus token=(configured)" in output
    assert "shpat_acme_configured" not in output
    assert "acme_app_secret" not in output

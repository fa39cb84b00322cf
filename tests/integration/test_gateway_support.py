"""Helpers for the gateway's integration tests (no tests here): the app in-process on
a real port with the real broker, a tenant of the test's own, and reading what landed
on the gateway's topics between two sets of end offsets."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import uvicorn
from aiokafka import AIOKafkaConsumer, TopicPartition
from contracts import TOPICS
from gateway.main import build
from gateway.settings import GatewaySettings
from gateway.tenants import Tenant, Tenants

GATEWAY_TOPICS = [t.name for t in TOPICS]


@dataclass(frozen=True)
class Merchant:
    slug: str
    shop: str
    secret: str
    erp_secret: str

    @classmethod
    def fresh(cls) -> Merchant:
        slug = f"t{uuid.uuid4().hex[:10]}"
        return cls(
            slug, f"{slug}.myshopify.com", f"app-{uuid.uuid4().hex}", f"erp-{uuid.uuid4().hex}"
        )

    def tenants(self) -> Tenants:
        return Tenants([Tenant(self.slug, self.shop, (self.secret,), (self.erp_secret,))])

    def sign(self, body: bytes, secret: str | None = None) -> str:
        key = (secret or self.secret).encode()
        return base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()

    def headers(self, body: bytes, topic: str, **extra: str) -> dict[str, str]:
        headers = {
            "Content-Type": "application/json",
            "X-Shopify-Topic": topic,
            "X-Shopify-Shop-Domain": self.shop,
            "X-Shopify-Hmac-Sha256": self.sign(body),
            "X-Shopify-Webhook-Id": str(uuid.uuid4()),
            "X-Shopify-Triggered-At": "2026-01-15T15:00:00.123456789Z",
            "X-Shopify-API-Version": "2026-10",
            "X-Shopify-Event-Id": str(uuid.uuid4()),
        }
        headers.update(extra)
        return {k: v for k, v in headers.items() if v != ""}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def serving(bootstrap: str, tenants: Tenants, **settings: Any) -> AsyncIterator[str]:
    """``gateway.main.build`` served by uvicorn on a free port; yields its base URL."""
    port = free_port()
    config = GatewaySettings(kafka_bootstrap_servers=bootstrap, http_port=port, **settings)
    app = build(config, tenants)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


Offsets = dict[TopicPartition, int]


async def end_offsets(bootstrap: str, topics: list[str] = GATEWAY_TOPICS) -> Offsets:
    consumer = AIOKafkaConsumer(*topics, bootstrap_servers=bootstrap, group_id=None)
    await consumer.start()  # without a group every partition is assigned at start
    try:
        return dict(await consumer.end_offsets(list(consumer.assignment())))
    finally:
        await consumer.stop()


async def records_between(bootstrap: str, before: Offsets, after: Offsets) -> list[Any]:
    """Every record written to the partitions between the two sets of end offsets."""
    moved = {tp: (before.get(tp, 0), end) for tp, end in after.items() if end > before.get(tp, 0)}
    if not moved:
        return []
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    records: list[Any] = []
    try:
        consumer.assign(list(moved))
        for tp, (start, _) in moved.items():
            consumer.seek(tp, start)
        async with asyncio.timeout(30):
            while [tp for tp, (_, end) in moved.items() if await consumer.position(tp) < end]:
                for tp, batch in (await consumer.getmany(timeout_ms=500)).items():
                    records.extend(r for r in batch if r.offset < moved[tp][1])
    finally:
        await consumer.stop()
    return records


def of_tenant(records: list[Any], slug: str) -> list[Any]:
    return [r for r in records if r.key and r.key.startswith(f"{slug}:".encode())]

"""Small helpers for tests that run real consumers against the real broker."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer
from contracts import Envelope
from faststream.kafka import KafkaBroker
from plumbing.broker import BrokerDeadLetterSink, make_broker
from plumbing.consumer import subscribe
from plumbing.metrics import ConsumerMetrics
from plumbing.pipeline import Handler, MessagePipeline
from plumbing.retry import RetryPolicy
from prometheus_client import CollectorRegistry


def envelope(
    entity: str | int, seq: int = 0, *, tenant: str = "acme", id: str | None = None
) -> Envelope:
    return Envelope.new(
        id=id or uuid.uuid4().hex,
        type="orders/create",
        source="shopify",
        tenant=tenant,
        entity_id=entity,
        payload={"id": str(entity), "seq": seq},
        occurred_at=datetime.now(UTC),
    )


async def publish(broker: KafkaBroker, topic: str, env: Envelope) -> Any:
    return await broker.publish(env.to_bytes(), topic=topic, key=env.key.encode())


def consumer_app(
    bootstrap: str,
    topic: str,
    group_id: str,
    handler: Handler,
    *,
    registry: CollectorRegistry | None = None,
    retry: RetryPolicy | None = None,
) -> tuple[KafkaBroker, Any]:
    """A broker with one plumbing subscriber, as a service would build it."""
    broker = make_broker(bootstrap, client_id=group_id)
    pipeline = MessagePipeline(
        consumer=group_id,
        handler=handler,
        sink=BrokerDeadLetterSink(broker),
        metrics=ConsumerMetrics.create(registry or CollectorRegistry()),
        retry=retry or RetryPolicy(max_attempts=5, base_delay_s=0.05, max_delay_s=0.2),
    )
    subscriber = subscribe(broker, topic=topic, group_id=group_id, pipeline=pipeline)
    return broker, subscriber


async def eventually(
    condition: Callable[[], bool], *, within: float = 30.0, what: str = "condition"
) -> None:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {within}s waiting for {what}")
        await asyncio.sleep(0.05)


async def wait_assigned(subscribers: Sequence[Any], partitions: int, within: float = 30.0) -> None:
    """Until the group has settled: every partition owned, every member owning one."""

    def settled() -> bool:
        owned = [s.consumer.assignment() if s.consumer else set() for s in subscribers]
        return all(owned) and sum(len(o) for o in owned) == partitions

    await eventually(settled, within=within, what="the consumer group to settle")


async def read_all(bootstrap: str, topic: str, expected: int, within: float = 20.0) -> list[Any]:
    """Every record of ``topic`` from the beginning (at least ``expected`` of them)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    records: list[Any] = []
    try:
        deadline = time.monotonic() + within
        while len(records) < expected and time.monotonic() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            for part in batch.values():
                records.extend(part)
    finally:
        await consumer.stop()
    return records

"""The lag gauge follows the group's committed offsets on the real broker."""

from __future__ import annotations

import uuid

from contracts import Envelope
from plumbing.broker import make_broker
from plumbing.lag import LagMonitor
from plumbing.metrics import ConsumerMetrics
from prometheus_client import CollectorRegistry

from tests.conftest import TopicFactory
from tests.integration.kafka_helpers import consumer_app, envelope, eventually, publish

MESSAGES = 30


def _gauge_total(registry: CollectorRegistry, group: str, topic: str) -> float:
    return sum(
        registry.get_sample_value(
            "sync_consumer_lag", {"group": group, "topic": topic, "partition": str(p)}
        )
        or 0.0
        for p in range(3)
    )


async def test_lag_rises_with_unconsumed_messages_and_falls_to_zero(
    kafka_bootstrap: str, new_topic: TopicFactory
) -> None:
    topic = await new_topic(partitions=3)
    group = f"lag-{uuid.uuid4().hex[:8]}"
    registry = CollectorRegistry()
    monitor = LagMonitor(
        bootstrap_servers=kafka_bootstrap,
        group_id=group,
        topics=[topic],
        metrics=ConsumerMetrics.create(registry),
    )
    await monitor.start()
    try:
        await monitor.refresh()
        assert _gauge_total(registry, group, topic) == 0

        producer = make_broker(kafka_bootstrap, client_id=f"{group}-producer")
        await producer.connect()
        for i in range(MESSAGES):
            await publish(producer, topic, envelope(f"order-{i}"))
        await producer.stop()

        lags = await monitor.refresh()
        assert sum(lags.values()) == MESSAGES
        assert _gauge_total(registry, group, topic) == MESSAGES
        assert len(lags) == 3

        handled: list[str] = []

        async def handler(env: Envelope) -> str | None:
            handled.append(env.id)
            return None

        broker, _ = consumer_app(kafka_bootstrap, topic, group, handler)
        await broker.start()
        try:
            await eventually(lambda: len(handled) == MESSAGES, what="all messages consumed")
            for _ in range(100):  # the last commit lands just after the last handler call
                if sum((await monitor.refresh()).values()) == 0:
                    break
        finally:
            await broker.stop()
        assert _gauge_total(registry, group, topic) == 0
    finally:
        await monitor.stop()

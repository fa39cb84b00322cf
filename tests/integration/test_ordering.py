"""Per-key order across partitions and consumer instances, on the real broker."""

from __future__ import annotations

import uuid
from collections import defaultdict

from contracts import Envelope
from plumbing.broker import make_broker

from tests.conftest import TopicFactory
from tests.integration.kafka_helpers import (
    consumer_app,
    envelope,
    eventually,
    publish,
    wait_assigned,
)

KEYS = 24
PER_KEY = 25


async def test_keyed_messages_keep_their_order_per_key(
    kafka_bootstrap: str, new_topic: TopicFactory
) -> None:
    topic = await new_topic(partitions=3)
    group = f"order-{uuid.uuid4().hex[:8]}"
    seen: dict[str, list[int]] = defaultdict(list)

    async def handler(env: Envelope) -> str | None:
        seen[env.key].append(env.payload["seq"])
        return None

    instances = [consumer_app(kafka_bootstrap, topic, group, handler) for _ in range(2)]
    producer = make_broker(kafka_bootstrap, client_id=f"{group}-producer")
    await producer.connect()
    for broker, _ in instances:
        await broker.start()
    try:
        await wait_assigned([sub for _, sub in instances], partitions=3)
        partition_of: dict[str, set[int]] = defaultdict(set)
        for seq in range(PER_KEY):  # interleave keys, so order is a real question
            for k in range(KEYS):
                meta = await publish(producer, topic, envelope(f"order-{k}", seq))
                partition_of[f"acme:order-{k}"].add(meta.partition)

        await eventually(
            lambda: sum(map(len, seen.values())) >= KEYS * PER_KEY,
            what="every message to be consumed",
        )
    finally:
        for broker, _ in instances:
            await broker.stop()
        await producer.stop()

    assert all(len(p) == 1 for p in partition_of.values()), "a key moved partition"
    assert len(set().union(*partition_of.values())) == 3, "keys did not spread over 3"
    for key, seqs in seen.items():
        assert seqs == list(range(PER_KEY)), f"{key} out of order or repeated: {seqs[:10]}"
    assert len(seen) == KEYS

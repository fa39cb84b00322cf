"""Subscribing a pipeline to a topic with an explicit, after-the-fact ack.

AckPolicy.MANUAL, and the offset is committed only after the pipeline settled the
message (its transaction committed, or it is in the DLQ). If the process dies before
the commit, the message comes again and the handler's inbox claim makes the repeat
harmless: at-least-once delivery, exactly-once effect.
"""

from __future__ import annotations

from typing import Any

from faststream.kafka import KafkaBroker, KafkaRouter
from faststream.kafka.annotations import KafkaMessage
from faststream.kafka.subscriber.usecase import LogicSubscriber
from faststream.middlewares import AckPolicy

from plumbing.dlq import Delivery
from plumbing.pipeline import MessagePipeline


def subscribe(
    broker: KafkaBroker | KafkaRouter,
    *,
    topic: str,
    group_id: str,
    pipeline: MessagePipeline,
    max_workers: int = 1,
    max_poll_interval_ms: int = 300_000,
) -> LogicSubscriber[Any]:
    """Consume ``topic`` in ``group_id`` through ``pipeline``, one message at a time per
    partition (``max_workers`` > 1 runs that many consumers in the group)."""

    async def consume(message: KafkaMessage) -> None:
        record = message.raw_message
        assert not isinstance(record, tuple), "batch subscribers are not supported"
        delivery = Delivery(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key,
            value=record.value or b"",
            headers=tuple(record.headers or ()),
        )
        try:
            await pipeline.process(delivery)
        except BaseException:
            # Not handled and not dead-lettered: rewind so it is read again.
            await message.nack()
            raise
        await message.ack()

    consume.__name__ = f"consume_{topic.replace('.', '_')}"
    subscriber = broker.subscriber(
        topic,
        group_id=group_id,
        ack_policy=AckPolicy.MANUAL,
        auto_offset_reset="earliest",
        max_workers=max_workers,
        max_poll_interval_ms=max_poll_interval_ms,
        title=f"{group_id}:{topic}",
    )
    subscriber(consume)
    return subscriber

"""Publishing through the FastStream broker's idempotent producer (acks=all), bounded
by a time budget.

While the broker is down aiokafka's ``send`` waits for metadata and the delivery future
waits up to ``request_timeout_ms`` (10 s here): far beyond Shopify's 5 s. So every publish
runs under ``asyncio.timeout(publish_timeout_s)``; on expiry the caller answers 503. A
record that was already in the producer's buffer may still be written once the broker
is back (aiokafka: cancelling the returned future does not stop the send), which makes
the sender's retry a duplicate with the same envelope id: the consumers' inboxes keep
one. A record is never acknowledged to the sender without Kafka's acknowledgement. The
producer reconnects by itself when the broker returns; no restart is needed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from faststream.kafka import KafkaBroker

from gateway.domain import Record
from gateway.ports import PublishFailed


class KafkaPublisher:
    def __init__(self, broker: KafkaBroker, *, timeout_s: float) -> None:
        self._broker = broker
        self._timeout_s = timeout_s

    async def publish(self, records: Sequence[Record]) -> None:
        try:
            async with asyncio.timeout(self._timeout_s):
                # Enqueue in order (one entity's events keep their order on its
                # partition), then wait for every acknowledgement together.
                pending: list[Any] = []
                for record in records:
                    future = await self._broker.publish(
                        record.value,
                        topic=record.topic,
                        key=record.key,
                        headers={"content-type": "application/json"},
                        no_confirm=True,
                    )
                    pending.append(future)
                await asyncio.gather(*pending)
        except TimeoutError as exc:
            msg = f"Kafka did not acknowledge within {self._timeout_s} s"
            raise PublishFailed(msg) from exc
        except Exception as exc:  # aiokafka's KafkaError and friends, broker not started
            msg = f"Kafka refused the write: {type(exc).__name__}"
            raise PublishFailed(msg) from exc

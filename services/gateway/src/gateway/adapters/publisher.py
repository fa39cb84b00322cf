"""Publishing through the FastStream broker's idempotent producer (acks=all), bounded
by a time budget, with a producer that heals itself.

While the broker is down aiokafka's ``send`` waits for metadata and the delivery future
waits up to ``request_timeout_ms`` (10 s here): far beyond Shopify's 5 s. So every publish
runs under ``asyncio.timeout(publish_timeout_s)``; on expiry the caller answers 503. A
record that was already in the producer's buffer may still be written once the broker
is back (aiokafka: cancelling the returned future does not stop the send), which makes
the sender's retry a duplicate with the same envelope id: the consumers' inboxes keep
one. A record is never acknowledged to the sender without Kafka's acknowledgement.

After a broker restart aiokafka's idempotent producer can lose step with the broker's
sequence numbers and then fails every later write to that partition with
``OutOfOrderSequenceNumber`` until it is restarted (aiokafka does not bump the producer
epoch as the Java client does; aio-libs/aiokafka#1017). So on such a fatal producer
error the publisher restarts the broker's producer once, in the background (a new
producer id, sequences from 0); meanwhile writes get 503 at once, and the gateway
recovers without a process restart.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from aiokafka.errors import (
    InvalidProducerEpoch,
    OutOfOrderSequenceNumber,
    ProducerFenced,
    UnknownProducerId,
)
from faststream.kafka import KafkaBroker
from plumbing.logging import get_logger

from gateway.domain import Record
from gateway.ports import PublishFailed

FATAL = (OutOfOrderSequenceNumber, UnknownProducerId, InvalidProducerEpoch, ProducerFenced)
log = get_logger("gateway.publisher")


class KafkaPublisher:
    def __init__(self, broker: KafkaBroker, *, timeout_s: float) -> None:
        self._broker = broker
        self._timeout_s = timeout_s
        self._restarting: asyncio.Task[None] | None = None
        self.restarts = 0

    async def publish(self, records: Sequence[Record]) -> None:
        if self._restarting is not None and not self._restarting.done():
            msg = "the Kafka producer is restarting"
            raise PublishFailed(msg)
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
        except FATAL as exc:
            self._restart_producer(exc)
            msg = f"Kafka refused the write: {type(exc).__name__}; restarting the producer"
            raise PublishFailed(msg) from exc
        except Exception as exc:  # aiokafka's KafkaError and friends, broker not started
            msg = f"Kafka refused the write: {type(exc).__name__}: {exc}"[:300]
            raise PublishFailed(msg) from exc

    def _restart_producer(self, cause: BaseException) -> None:
        if self._restarting is not None and not self._restarting.done():
            return
        self.restarts += 1
        log.warning("producer.restarting", error=type(cause).__name__, restarts=self.restarts)
        self._restarting = asyncio.create_task(self._restart())

    async def _restart(self) -> None:
        try:
            await self._broker.stop()
        except Exception as exc:  # the old producer's pending batches fail: expected
            log.warning("producer.stop_failed", error=type(exc).__name__)
        while True:
            try:
                await self._broker.start()
            except Exception as exc:
                log.warning("producer.start_failed", error=type(exc).__name__)
                await asyncio.sleep(1.0)
                continue
            log.info("producer.restarted", restarts=self.restarts)
            return

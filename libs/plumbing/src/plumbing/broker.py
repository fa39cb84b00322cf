"""The Kafka broker every service builds in its composition root.

The producer is idempotent with ``acks=all``: a publish returns only once every in-sync
replica has the record, and a producer retry never writes it twice. The broker-wide
ack policy is MANUAL, so a subscriber that forgets to choose one re-reads messages
instead of silently losing them (FastStream's own default acks before handling).
"""

from __future__ import annotations

import logging

from faststream.kafka import KafkaBroker
from faststream.middlewares import AckPolicy

from plumbing.dlq import DeadLetter


def make_broker(bootstrap_servers: str, *, client_id: str) -> KafkaBroker:
    return KafkaBroker(
        bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        request_timeout_ms=10_000,
        graceful_timeout=30.0,
        ack_policy=AckPolicy.MANUAL,
        # FastStream logs every message at INFO; our pipeline writes the line that matters.
        log_level=logging.DEBUG,
    )


class BrokerDeadLetterSink:
    """Publishes dead letters through the service's own idempotent producer."""

    def __init__(self, broker: KafkaBroker) -> None:
        self._broker = broker

    async def send(self, letter: DeadLetter) -> None:
        await self._broker.publish(
            letter.value, topic=letter.topic, key=letter.key, headers=letter.headers
        )

"""What happens to one message: decode, handle, retry what is transient, dead-letter
what is not, count and log every outcome.

Kept free of Kafka client types so that it is tested with fakes; ``consumer.py`` wires
it to FastStream. ``process`` returns only once the message's fate is settled (handled,
or safely in the DLQ), so the caller may commit the offset; it raises only when even
the DLQ could not take the message, and then the caller must not commit.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import pydantic
from contracts import Envelope

from plumbing.dlq import DeadLetterSink, Delivery, dead_letter
from plumbing.errors import ErrorKind, classify, error_reason
from plumbing.logging import bound_message, get_logger
from plumbing.metrics import ConsumerMetrics
from plumbing.retry import RetryPolicy

Handler = Callable[[Envelope], Awaitable[str | None]]
"""Applies one message; returns its outcome ('applied', 'duplicate', 'skipped') or None
for 'applied'. Raises to signal failure; see ``plumbing.errors`` for what is retried."""

Sleep = Callable[[float], Awaitable[None]]

log = get_logger("plumbing.pipeline")


class DeadLetterFailed(Exception):
    """The DLQ did not take the message: do not commit its offset."""


def _now() -> datetime:
    return datetime.now(UTC)


class MessagePipeline:
    def __init__(
        self,
        *,
        consumer: str,
        handler: Handler,
        sink: DeadLetterSink,
        metrics: ConsumerMetrics,
        retry: RetryPolicy | None = None,
        dlq_retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.consumer = consumer
        self._handler = handler
        self._sink = sink
        self._metrics = metrics
        self._retry = retry or RetryPolicy()
        self._dlq_retry = dlq_retry or RetryPolicy(max_attempts=5, base_delay_s=0.5)
        self._sleep = sleep

    async def process(self, delivery: Delivery) -> str:
        started = time.perf_counter()
        try:
            envelope = Envelope.from_bytes(delivery.value)
        except pydantic.ValidationError as exc:
            with bound_message(
                None, topic=delivery.topic, partition=delivery.partition, offset=delivery.offset
            ):
                now = _now()
                await self._dead_letter(delivery, exc, "permanent", 1, now)
                self._count(delivery.topic, "unknown", "dead_lettered", started)
                log.error(
                    "message.undecodable",
                    outcome="dead_lettered",
                    error_count=exc.error_count(),
                    error=error_reason(exc),
                )
            return "dead_lettered"

        with bound_message(
            envelope, topic=delivery.topic, partition=delivery.partition, offset=delivery.offset
        ):
            outcome, attempts = await self._attempt(delivery, envelope)
            duration = self._count(delivery.topic, envelope.tenant, outcome, started)
            log.info(
                "message.handled",
                outcome=outcome,
                attempts=attempts,
                duration_ms=round(duration * 1000, 2),
            )
            return outcome

    async def _attempt(self, delivery: Delivery, envelope: Envelope) -> tuple[str, int]:
        first_failure: datetime | None = None
        attempt = 0
        while True:
            attempt += 1
            try:
                return (await self._handler(envelope)) or "applied", attempt
            except Exception as exc:
                first_failure = first_failure or _now()
                kind = classify(exc)
                if kind == "transient" and self._retry.should_retry(attempt):
                    delay = self._retry.delay(attempt)
                    self._metrics.retries.labels(delivery.topic, error_reason(exc)).inc()
                    log.warning(
                        "message.retry",
                        attempt=attempt,
                        delay_s=round(delay, 3),
                        error=error_reason(exc),
                        error_message=str(exc)[:300],
                    )
                    await self._sleep(delay)
                    continue
                await self._dead_letter(delivery, exc, kind, attempt, first_failure)
                return "dead_lettered", attempt

    async def _dead_letter(
        self,
        delivery: Delivery,
        exc: BaseException,
        kind: ErrorKind,
        attempts: int,
        first_failure: datetime,
    ) -> None:
        letter = dead_letter(
            delivery,
            exc,
            kind=kind,
            attempts=attempts,
            first_failure_at=first_failure,
            failed_at=_now(),
            consumer=self.consumer,
        )
        tries = 0
        while True:
            tries += 1
            try:
                await self._sink.send(letter)
                break
            except Exception as send_exc:
                if not self._dlq_retry.should_retry(tries):
                    log.error("dlq.publish_failed", error=error_reason(send_exc), tries=tries)
                    raise DeadLetterFailed(letter.topic) from send_exc
                await self._sleep(self._dlq_retry.delay(tries))
        self._metrics.dead_letters.labels(delivery.topic, error_reason(exc)).inc()
        log.error(
            "message.dead_lettered",
            dlq=letter.topic,
            error_kind=kind,
            error=error_reason(exc),
            error_message=str(exc)[:300],
            attempts=attempts,
        )

    def _count(self, topic: str, tenant: str, outcome: str, started: float) -> float:
        duration = time.perf_counter() - started
        self._metrics.messages.labels(topic, tenant, outcome).inc()
        self._metrics.handler_seconds.labels(topic).observe(duration)
        return duration

"""The message pipeline with fakes: what gets retried, what is dead-lettered, what is
counted. The same behaviour against a real broker is in tests/integration."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from contracts import Envelope
from plumbing.dlq import DeadLetter, Delivery, dlq_headers
from plumbing.errors import PermanentError, TransientError
from plumbing.metrics import ConsumerMetrics
from plumbing.pipeline import DeadLetterFailed, MessagePipeline
from plumbing.retry import RetryPolicy
from prometheus_client import CollectorRegistry

TOPIC = "shopify.orders.v1"


class FakeSink:
    def __init__(self, failures: int = 0) -> None:
        self.letters: list[DeadLetter] = []
        self.failures = failures

    async def send(self, letter: DeadLetter) -> None:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("broker down")
        self.letters.append(letter)


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


def _delivery(value: bytes | None = None) -> Delivery:
    envelope = Envelope.new(
        id="wh-1",
        type="orders/create",
        source="shopify",
        tenant="acme",
        entity_id=1001,
        payload={"id": 1001},
        occurred_at=datetime(2026, 11, 23, tzinfo=UTC),
    )
    return Delivery(
        topic=TOPIC,
        partition=2,
        offset=41,
        key=b"acme:1001",
        value=envelope.to_bytes() if value is None else value,
        headers=(("traceparent", b"00-abc-def-01"),),
    )


def _pipeline(
    handler: object, sink: FakeSink, sleeps: Sleeps, max_attempts: int = 4
) -> tuple[MessagePipeline, CollectorRegistry]:
    registry = CollectorRegistry()
    pipeline = MessagePipeline(
        consumer="orders",
        handler=handler,  # type: ignore[arg-type]
        sink=sink,
        metrics=ConsumerMetrics.create(registry),
        retry=RetryPolicy(max_attempts=max_attempts, base_delay_s=0.1, max_delay_s=1.0),
        dlq_retry=RetryPolicy(max_attempts=3, base_delay_s=0.1),
        sleep=sleeps,
    )
    return pipeline, registry


def _count(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


async def test_transient_failures_are_retried_then_succeed() -> None:
    calls: list[str] = []

    async def handler(envelope: Envelope) -> str | None:
        calls.append(envelope.id)
        if len(calls) < 3:
            raise TransientError("ERP answered 503")
        return None

    sink, sleeps = FakeSink(), Sleeps()
    pipeline, registry = _pipeline(handler, sink, sleeps)

    assert await pipeline.process(_delivery()) == "applied"
    assert calls == ["wh-1"] * 3
    assert len(sleeps.delays) == 2
    assert sink.letters == []
    assert _count(registry, "sync_retries_total", topic=TOPIC, error="TransientError") == 2
    assert (
        _count(registry, "sync_messages_total", topic=TOPIC, tenant="acme", outcome="applied") == 1
    )


async def test_permanent_failure_is_dead_lettered_at_once_with_headers() -> None:
    async def handler(envelope: Envelope) -> str | None:
        raise PermanentError("unknown SKU TSHIRT-XL", reason="unknown_sku")

    sink, sleeps = FakeSink(), Sleeps()
    pipeline, registry = _pipeline(handler, sink, sleeps)
    delivery = _delivery()

    assert await pipeline.process(delivery) == "dead_lettered"
    assert sleeps.delays == []
    [letter] = sink.letters
    assert letter.topic == "shopify.orders.v1.dlq"
    assert letter.key == b"acme:1001"
    assert letter.value == delivery.value
    assert letter.headers["traceparent"] == "00-abc-def-01"
    headers = dlq_headers(letter.headers)
    assert headers["error-class"] == "plumbing.errors.PermanentError"
    assert headers["error-message"] == "unknown SKU TSHIRT-XL"
    assert headers["error-kind"] == "permanent"
    assert headers["error-reason"] == "unknown_sku"
    assert headers["original-topic"] == TOPIC
    assert headers["original-partition"] == "2"
    assert headers["original-offset"] == "41"
    assert headers["attempts"] == "1"
    assert headers["consumer"] == "orders"
    assert datetime.fromisoformat(headers["first-failure-at"]).tzinfo is not None
    assert _count(registry, "sync_dlq_messages_total", topic=TOPIC, error="unknown_sku") == 1


async def test_transient_failures_past_the_bound_are_dead_lettered() -> None:
    async def handler(envelope: Envelope) -> str | None:
        raise TimeoutError("ERP did not answer")

    sink, sleeps = FakeSink(), Sleeps()
    pipeline, _ = _pipeline(handler, sink, sleeps, max_attempts=4)

    assert await pipeline.process(_delivery()) == "dead_lettered"
    assert len(sleeps.delays) == 3
    headers = dlq_headers(sink.letters[0].headers)
    assert headers["error-kind"] == "transient"
    assert headers["attempts"] == "4"


async def test_undecodable_messages_are_dead_lettered_not_dropped() -> None:
    async def handler(envelope: Envelope) -> str | None:
        raise AssertionError("never called")

    sink, sleeps = FakeSink(), Sleeps()
    pipeline, registry = _pipeline(handler, sink, sleeps)

    assert await pipeline.process(_delivery(b"{not json")) == "dead_lettered"
    [letter] = sink.letters
    assert letter.value == b"{not json"
    assert dlq_headers(letter.headers)["error-reason"] == "ValidationError"
    assert (
        _count(
            registry, "sync_messages_total", topic=TOPIC, tenant="unknown", outcome="dead_lettered"
        )
        == 1
    )


async def test_handler_outcome_is_counted() -> None:
    async def handler(envelope: Envelope) -> str | None:
        return "duplicate"

    pipeline, registry = _pipeline(handler, FakeSink(), Sleeps())
    assert await pipeline.process(_delivery()) == "duplicate"
    assert (
        _count(registry, "sync_messages_total", topic=TOPIC, tenant="acme", outcome="duplicate")
        == 1
    )


async def test_dlq_publish_is_retried_and_then_refuses_the_commit() -> None:
    async def handler(envelope: Envelope) -> str | None:
        raise PermanentError("bad", reason="bad")

    flaky = FakeSink(failures=2)
    pipeline, _ = _pipeline(handler, flaky, Sleeps())
    assert await pipeline.process(_delivery()) == "dead_lettered"
    assert len(flaky.letters) == 1

    down = FakeSink(failures=99)
    pipeline, _ = _pipeline(handler, down, Sleeps())
    with pytest.raises(DeadLetterFailed):
        await pipeline.process(_delivery())
    assert down.letters == []

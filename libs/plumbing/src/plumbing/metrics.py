"""Prometheus metrics every consumer exposes, on a registry the service owns.

A registry per service instance (not the global default) keeps tests independent and
lets one process host several components without name clashes.
"""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


@dataclass(frozen=True)
class ConsumerMetrics:
    messages: Counter
    handler_seconds: Histogram
    retries: Counter
    dead_letters: Counter
    lag: Gauge

    @classmethod
    def create(cls, registry: CollectorRegistry) -> ConsumerMetrics:
        return cls(
            messages=Counter(
                "sync_messages_total",
                "Messages handled, by topic, tenant and outcome "
                "(applied, duplicate, skipped, dead_lettered).",
                ["topic", "tenant", "outcome"],
                registry=registry,
            ),
            handler_seconds=Histogram(
                "sync_handler_duration_seconds",
                "Time from taking a message to committing its effect, retries included.",
                ["topic"],
                buckets=LATENCY_BUCKETS,
                registry=registry,
            ),
            retries=Counter(
                "sync_retries_total",
                "Transient failures that were retried, by topic and error.",
                ["topic", "error"],
                registry=registry,
            ),
            dead_letters=Counter(
                "sync_dlq_messages_total",
                "Messages published to a DLQ, by original topic and error.",
                ["topic", "error"],
                registry=registry,
            ),
            lag=Gauge(
                "sync_consumer_lag",
                "Messages not yet committed by the group, per topic-partition.",
                ["group", "topic", "partition"],
                registry=registry,
            ),
        )

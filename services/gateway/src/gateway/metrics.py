"""The gateway's Prometheus metrics, on the registry the composition root owns."""

from __future__ import annotations

from dataclasses import dataclass

from plumbing.metrics import LATENCY_BUCKETS
from prometheus_client import CollectorRegistry, Counter, Histogram

BUCKETS = (0.001, 0.0025, *LATENCY_BUCKETS)


@dataclass(frozen=True)
class GatewayMetrics:
    requests: Counter
    duration: Histogram
    publish_failures: Counter
    ignored: Counter

    @classmethod
    def create(cls, registry: CollectorRegistry) -> GatewayMetrics:
        return cls(
            requests=Counter(
                "gateway_requests_total",
                "Requests by source (shopify, erp), topic (the webhook topic once the "
                "signature is verified, 'unknown' before) and outcome.",
                ["source", "topic", "outcome"],
                registry=registry,
            ),
            duration=Histogram(
                "gateway_request_duration_seconds",
                "From the request's first byte read to the answer, Kafka's ack included.",
                ["source"],
                buckets=BUCKETS,
                registry=registry,
            ),
            publish_failures=Counter(
                "gateway_publish_failures_total",
                "Requests answered 503 because Kafka did not acknowledge in time.",
                ["source"],
                registry=registry,
            ),
            ignored=Counter(
                "gateway_ignored_webhooks_total",
                "Verified webhooks of topics no service consumes (answered 200).",
                ["topic"],
                registry=registry,
            ),
        )

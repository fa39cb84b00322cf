"""Prometheus metrics of the Shopify client, on a registry its owner injects.

Create one ``ClientMetrics`` per registry and share it between clients: registering the
same names twice on one registry fails.
"""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram

WAIT_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@dataclass(frozen=True)
class ClientMetrics:
    requests: Counter
    cost_points: Counter
    throttle_wait_seconds: Histogram
    retries: Counter

    @classmethod
    def create(cls, registry: CollectorRegistry | None = None) -> ClientMetrics:
        registry = registry if registry is not None else CollectorRegistry()
        return cls(
            requests=Counter(
                "shopify_client_requests_total",
                "Admin API requests, by shop, operation and outcome (ok, throttled, "
                "rate_limited, server_error, network_error, auth_error, http_error, "
                "graphql_error, bad_response).",
                ["shop", "operation", "outcome"],
                registry=registry,
            ),
            cost_points=Counter(
                "shopify_client_cost_points_total",
                "Query cost points charged by Shopify (actualQueryCost), by shop.",
                ["shop"],
                registry=registry,
            ),
            throttle_wait_seconds=Histogram(
                "shopify_client_throttle_wait_seconds",
                "Time spent waiting for the shop's cost bucket before sending, by shop.",
                ["shop"],
                buckets=WAIT_BUCKETS,
                registry=registry,
            ),
            retries=Counter(
                "shopify_client_retries_total",
                "Requests sent again after a transient failure or THROTTLED, by shop and reason.",
                ["shop", "reason"],
                registry=registry,
            ),
        )

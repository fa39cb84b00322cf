"""One Prometheus counter for ERP calls, on a registry the composition root injects
(registering the same name twice on one registry fails, so share one instance)."""

from __future__ import annotations

from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter


@dataclass(frozen=True)
class ErpMetrics:
    calls: Counter

    @classmethod
    def create(cls, registry: CollectorRegistry | None = None) -> ErpMetrics:
        return cls(
            calls=Counter(
                "erp_client_calls_total",
                "ERP connector API attempts by operation and outcome (ok, retried, "
                "unavailable, validation, not_found, conflict, auth, rejected, bad_answer).",
                ["operation", "outcome"],
                registry=registry if registry is not None else CollectorRegistry(),
            )
        )

    def count(self, operation: str, outcome: str) -> None:
        self.calls.labels(operation=operation, outcome=outcome).inc()

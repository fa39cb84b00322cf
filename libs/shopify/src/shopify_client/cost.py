"""Query cost as Shopify reports it, and what we expect a document to cost before sending.

Every answer carries ``extensions.cost``; the requested cost of a document depends on its
shape (and its ``first:`` values), so it is learned per operation name from the answers.
Until an operation has been seen once we reserve the most a single query may cost, so
the first call of a new document cannot be throttled by an underestimate; the surplus is
refunded as soon as the answer says what it really cost.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

MAX_SINGLE_QUERY_COST = 1000.0


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


@dataclass(frozen=True)
class ThrottleStatus:
    maximum_available: float
    currently_available: float
    restore_rate: float


@dataclass(frozen=True)
class QueryCost:
    requested: float | None
    actual: float | None
    throttle: ThrottleStatus | None

    @classmethod
    def parse(cls, body: object) -> QueryCost | None:
        """Read ``extensions.cost`` from a response body; None if it is absent or garbled."""
        if not isinstance(body, Mapping):
            return None
        extensions = body.get("extensions")
        cost = extensions.get("cost") if isinstance(extensions, Mapping) else None
        if not isinstance(cost, Mapping):
            return None
        raw: Any = cost.get("throttleStatus")
        throttle = None
        if isinstance(raw, Mapping):
            maximum = _number(raw.get("maximumAvailable"))
            current = _number(raw.get("currentlyAvailable"))
            rate = _number(raw.get("restoreRate"))
            if maximum is not None and current is not None and rate is not None and rate > 0:
                throttle = ThrottleStatus(maximum, current, rate)
        return cls(
            requested=_number(cost.get("requestedQueryCost")),
            actual=_number(cost.get("actualQueryCost")),
            throttle=throttle,
        )


class CostEstimates:
    """Requested cost per operation name: the largest of the last few answers."""

    def __init__(self, *, unknown_cost: float = MAX_SINGLE_QUERY_COST, window: int = 16) -> None:
        self.unknown_cost = unknown_cost
        self._window = window
        self._seen: dict[str, deque[float]] = {}

    def learn(self, operation: str, requested: float) -> None:
        self._seen.setdefault(operation, deque(maxlen=self._window)).append(requested)

    def estimate(self, operation: str, hint: float | None = None) -> float:
        """The caller's estimate wins; then what we learned; then the conservative default."""
        if hint is not None:
            return hint
        seen = self._seen.get(operation)
        return max(seen) if seen else self.unknown_cost

"""Shopify's leaky bucket, one per shop: the points a query may spend right now.

The bucket holds up to ``maximum`` points and refills at ``restore_rate`` points per
second of the monotonic clock, times ``time_factor`` (so a test or a benchmark can
compress time; the reported restoreRate is the compressed one, which is what a client
must pace by). A query is refused whole (THROTTLED) when its requested cost exceeds what
is available; otherwise the requested cost is taken before it runs and the difference
to the actual cost is given back after. Every operation holds a lock and does no I/O,
so concurrent requests (threads or tasks) see exact arithmetic.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from shopify_sim.state import PLAN_LIMITS, Shop

Clock = Callable[[], float]


@dataclass(frozen=True)
class ThrottleStatus:
    maximum_available: float
    currently_available: float
    restore_rate: float

    def as_json(self) -> dict[str, float | int]:
        """Shopify's shape: the level in whole points, the limits as floats."""
        return {
            "maximumAvailable": self.maximum_available,
            "currentlyAvailable": int(self.currently_available),
            "restoreRate": self.restore_rate,
        }


class LeakyBucket:
    def __init__(self, maximum: float, restore_rate: float, clock: Clock = time.monotonic) -> None:
        self.maximum = maximum
        self.restore_rate = restore_rate
        self._clock = clock
        self._available = maximum
        self._at = clock()
        self._lock = threading.Lock()

    def _refill(self) -> None:
        now = self._clock()
        elapsed = max(0.0, now - self._at)
        self._available = min(self.maximum, self._available + elapsed * self.restore_rate)
        self._at = now

    def _status(self) -> ThrottleStatus:
        return ThrottleStatus(self.maximum, self._available, self.restore_rate)

    def status(self) -> ThrottleStatus:
        with self._lock:
            self._refill()
            return self._status()

    def take(self, cost: float) -> tuple[bool, ThrottleStatus]:
        """Spend `cost` if that many points are available; (taken, status after)."""
        with self._lock:
            self._refill()
            if cost > self._available:
                return False, self._status()
            self._available -= cost
            return True, self._status()

    def refund(self, points: float) -> ThrottleStatus:
        """Give back what a query did not use (never above the maximum)."""
        with self._lock:
            self._refill()
            self._available = min(self.maximum, self._available + max(0.0, points))
            return self._status()


class Buckets:
    """One bucket per shop, sized by its plan (``state.PLAN_LIMITS``)."""

    def __init__(self, time_factor: float = 1.0, clock: Clock = time.monotonic) -> None:
        if time_factor <= 0:
            msg = "time_factor must be positive"
            raise ValueError(msg)
        self.time_factor = time_factor
        self._clock = clock
        self._buckets: dict[str, LeakyBucket] = {}
        self._lock = threading.Lock()

    def for_shop(self, shop: Shop) -> LeakyBucket:
        with self._lock:
            bucket = self._buckets.get(shop.domain)
            if bucket is None:
                maximum, rate = PLAN_LIMITS[shop.plan]
                bucket = LeakyBucket(maximum, rate * self.time_factor, self._clock)
                self._buckets[shop.domain] = bucket
            return bucket

"""Bounded exponential backoff with full jitter for transient Shopify failures.

Full jitter (a random delay between 0 and the exponential cap) keeps many workers that
failed together from retrying in one synchronised wave. THROTTLED answers have their own
bound: they wait for the bucket's deficit, not for a backoff delay.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    max_throttled: int = 10
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.max_throttled < 0:
            msg = "max_attempts must be at least 1 and max_throttled not negative"
            raise ValueError(msg)
        if self.base_delay_s <= 0 or self.max_delay_s < self.base_delay_s:
            msg = "delays must satisfy 0 < base_delay_s <= max_delay_s"
            raise ValueError(msg)

    def cap(self, attempt: int) -> float:
        """The largest delay after failed attempt number ``attempt`` (1-based)."""
        return float(min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1)))

    def delay(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        return self.cap(attempt) * rand()

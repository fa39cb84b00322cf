"""Bounded exponential backoff with full jitter.

Full jitter (a random delay between 0 and the exponential cap) spreads the retries of
many consumers that failed together, so a recovering ERP or database is not hit by a
synchronised wave. The bound keeps a poison message from holding its partition forever.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    base_delay_s: float = 0.2
    max_delay_s: float = 10.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            msg = "max_attempts must be at least 1"
            raise ValueError(msg)
        if self.base_delay_s <= 0 or self.max_delay_s < self.base_delay_s:
            msg = "delays must satisfy 0 < base_delay_s <= max_delay_s"
            raise ValueError(msg)

    def cap(self, attempt: int) -> float:
        """The largest delay after failed attempt number ``attempt`` (1-based)."""
        return float(min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1)))

    def delay(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        """How long to wait after failed attempt ``attempt`` before the next one."""
        return self.cap(attempt) * rand()

    def should_retry(self, attempt: int) -> bool:
        return attempt < self.max_attempts

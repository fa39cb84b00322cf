"""Bounded exponential backoff with full jitter, and time as a dependency.

Full jitter (a random delay between 0 and the exponential cap) keeps many consumers that
failed together from retrying in one wave. Both the attempts and the total time are
bounded: past them the message goes back to the pipeline, which has its own backoff.
The clock is injected so tests retry without sleeping.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 4
    base_delay_s: float = 0.2
    max_delay_s: float = 5.0
    max_total_s: float = 20.0  # sleeping past this gives up instead

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            msg = "max_attempts must be at least 1"
            raise ValueError(msg)
        if self.base_delay_s <= 0 or self.max_delay_s < self.base_delay_s:
            msg = "delays must satisfy 0 < base_delay_s <= max_delay_s"
            raise ValueError(msg)
        if self.max_total_s < 0:
            msg = "max_total_s must not be negative"
            raise ValueError(msg)

    def cap(self, attempt: int) -> float:
        """The largest delay after failed attempt number ``attempt`` (1-based)."""
        return float(min(self.max_delay_s, self.base_delay_s * 2 ** (attempt - 1)))

    def delay(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        return self.cap(attempt) * rand()


class Clock(Protocol):
    def monotonic(self) -> float: ...

    def time(self) -> float:
        """Wall-clock Unix seconds (for ``Retry-After`` given as an HTTP date)."""
        ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def time(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)

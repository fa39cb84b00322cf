"""What the handlers need from the outside world, as Protocols (fakes in unit tests)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from gateway.domain import Record


class PublishFailed(Exception):
    """Kafka did not acknowledge every record in time: answer 503, the sender retries."""


class Publisher(Protocol):
    async def publish(self, records: Sequence[Record]) -> None:
        """Return once Kafka acknowledged every record (acks=all), in order; raise
        PublishFailed otherwise (some records may still be written later: consumers
        dedupe on the envelope id)."""


class ReplayGuard(Protocol):
    """Remembers recently seen ERP signatures (per process, bounded)."""

    def claim(self, key: str, now: float) -> bool:
        """True the first time ``key`` is seen in its window; False for a replay."""

    def release(self, key: str) -> None:
        """Forget ``key`` (its request was not stored, so its retry is no replay)."""

"""Dead-letter records: the original bytes and key, plus headers that say what failed.

Modelled on Kafka Connect's DLQ headers: a support person (or ``syncctl dlq``) can tell
from the headers alone where the message came from, why it failed, how often it was
tried and since when, and replay it to the original topic unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from contracts import dlq_name

from plumbing.errors import ErrorKind, error_reason

HEADER_PREFIX = "x-dlq-"
MAX_MESSAGE_CHARS = 1000


@dataclass(frozen=True)
class Delivery:
    """One Kafka record as the pipeline sees it."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: Sequence[tuple[str, bytes]] = ()


@dataclass(frozen=True)
class DeadLetter:
    topic: str
    key: bytes | None
    value: bytes
    headers: dict[str, str]


class DeadLetterSink(Protocol):
    async def send(self, letter: DeadLetter) -> None: ...


def dead_letter(
    delivery: Delivery,
    exc: BaseException,
    *,
    kind: ErrorKind,
    attempts: int,
    first_failure_at: datetime,
    failed_at: datetime,
    consumer: str,
) -> DeadLetter:
    """The DLQ record for a delivery that failed for good."""
    headers = {
        name: value.decode("utf-8", "replace")
        for name, value in delivery.headers
        if not name.startswith(HEADER_PREFIX)
    }
    message = str(exc) or repr(exc)
    headers.update(
        {
            f"{HEADER_PREFIX}error-class": f"{type(exc).__module__}.{type(exc).__qualname__}",
            f"{HEADER_PREFIX}error-message": message[:MAX_MESSAGE_CHARS],
            f"{HEADER_PREFIX}error-kind": kind,
            f"{HEADER_PREFIX}error-reason": error_reason(exc),
            f"{HEADER_PREFIX}original-topic": delivery.topic,
            f"{HEADER_PREFIX}original-partition": str(delivery.partition),
            f"{HEADER_PREFIX}original-offset": str(delivery.offset),
            f"{HEADER_PREFIX}attempts": str(attempts),
            f"{HEADER_PREFIX}first-failure-at": first_failure_at.isoformat(),
            f"{HEADER_PREFIX}failed-at": failed_at.isoformat(),
            f"{HEADER_PREFIX}consumer": consumer,
        }
    )
    return DeadLetter(
        topic=dlq_name(delivery.topic), key=delivery.key, value=delivery.value, headers=headers
    )


def dlq_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The DLQ headers of a record, without their prefix ('error-class', 'attempts')."""
    return {
        name.removeprefix(HEADER_PREFIX): value
        for name, value in headers.items()
        if name.startswith(HEADER_PREFIX)
    }

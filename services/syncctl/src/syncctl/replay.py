"""Putting DLQ records back on their original topic, byte for byte.

Key and value are the original ones, so the envelope id is too: a consumer's inbox sees a
second replay of the same record as a duplicate, which makes replays safe to repeat. The
added headers only say where the copy came from, for the logs.
"""

from __future__ import annotations

import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, TextIO

from syncctl.records import DlqRecord

REPLAYED_FROM = "x-replayed-from"
REPLAYED_AT = "x-replayed-at"
PROGRESS_EVERY_S = 2.0


BATCH = 500


class Sender(Protocol):
    """aiokafka's producer: ``send`` queues and returns a future of the broker's ack."""

    async def send(self, topic: str, value: Any = None, key: Any = None, **kwargs: Any) -> Any: ...


@dataclass(frozen=True)
class Replay:
    source: DlqRecord
    topic: str
    key: bytes | None
    value: bytes
    headers: list[tuple[str, bytes]]


def replay_of(record: DlqRecord, *, now: datetime | None = None) -> Replay | None:
    """The record to publish for ``record``, or None when it names no original topic."""
    topic = record.original_topic
    if topic is None:
        return None
    stamp = (now or datetime.now(UTC)).isoformat()
    origin = f"{record.topic}:{record.partition}:{record.offset}"
    headers = [
        (name, value)
        for name, value in record.original_headers
        if name not in (REPLAYED_FROM, REPLAYED_AT)  # a record replayed, failed, and back
    ]
    headers += [(REPLAYED_FROM, origin.encode()), (REPLAYED_AT, stamp.encode())]
    return Replay(record, topic, record.key, record.value, headers)


@dataclass
class Summary:
    matched: int = 0
    replayed: int = 0
    skipped: list[str] = field(default_factory=list)
    by_topic: dict[str, int] = field(default_factory=dict)

    def text(self, *, dry_run: bool) -> str:
        verb = "would replay" if dry_run else "replayed"
        parts = [f"{verb} {self.replayed} of {self.matched} matching record(s)"]
        parts += [f"  {n} -> {topic}" for topic, n in sorted(self.by_topic.items())]
        parts += [f"  skipped {pos}: no original-topic header" for pos in self.skipped]
        return "\n".join(parts)


class Progress:
    """A line on stderr every few seconds, so a long replay visibly moves."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out or sys.stderr
        self.last = time.monotonic()

    def tick(self, summary: Summary, *, dry_run: bool = False) -> None:
        now = time.monotonic()
        if now - self.last >= PROGRESS_EVERY_S:
            self.last = now
            verb = "to replay" if dry_run else "replayed"
            print(f"... {summary.replayed} {verb} so far", file=self.out, flush=True)


async def replay(
    records: AsyncIterator[DlqRecord],
    sender: Sender | None,
    *,
    out: TextIO,
    progress: Progress | None = None,
    summary: Summary | None = None,
) -> Summary:
    """Replays each record of ``records``; ``sender=None`` is a dry run. Sends are
    pipelined and awaited in batches (an idempotent producer keeps their order); every
    one is acknowledged before this returns."""
    summary = summary if summary is not None else Summary()
    acks: list[Any] = []
    async for record in records:
        summary.matched += 1
        planned = replay_of(record)
        if planned is None:
            summary.skipped.append(f"{record.topic} {record.position}")
            continue
        if sender is None:
            print(f"would replay {record.topic} {record.position} -> {planned.topic}", file=out)
        else:
            acks.append(
                await sender.send(
                    planned.topic, value=planned.value, key=planned.key, headers=planned.headers
                )
            )
            if len(acks) >= BATCH:
                await _settle(acks)
        summary.replayed += 1
        summary.by_topic[planned.topic] = summary.by_topic.get(planned.topic, 0) + 1
        if progress is not None:
            progress.tick(summary, dry_run=sender is None)
    await _settle(acks)
    return summary


async def _settle(acks: list[Any]) -> None:
    for ack in acks:
        await ack
    acks.clear()

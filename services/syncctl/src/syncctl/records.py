"""A DLQ record as support sees it, and the filters ``dlq list``/``replay`` apply.

The headers are plumbing's (``plumbing.dlq.dead_letter``); the tenant and type come from
the envelope when it decodes, else from the key's tenant prefix, so a record too broken
to parse is still listed, never skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from contracts import DLQ_SUFFIX, Envelope, dlq_name
from plumbing.dlq import HEADER_PREFIX, dlq_headers
from pydantic import ValidationError

UNKNOWN = "?"


def dlq_topic_for(name: str) -> str:
    """A DLQ topic named directly ('x.v1.dlq') or through its original topic ('x.v1')."""
    return name if name.endswith(DLQ_SUFFIX) else dlq_name(name)


@dataclass(frozen=True)
class DlqRecord:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]
    timestamp_ms: int | None = None

    @classmethod
    def from_kafka(cls, record: Any) -> DlqRecord:
        """From an aiokafka ConsumerRecord."""
        return cls(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key,
            value=record.value or b"",
            headers=tuple((name, value or b"") for name, value in record.headers or ()),
            timestamp_ms=record.timestamp,
        )

    @property
    def position(self) -> str:
        return f"{self.partition}:{self.offset}"

    @property
    def header_map(self) -> dict[str, str]:
        return {name: value.decode("utf-8", "replace") for name, value in self.headers}

    @cached_property
    def dlq(self) -> dict[str, str]:
        """The DLQ headers without their prefix ('error-reason', 'attempts')."""
        return dlq_headers(self.header_map)

    @property
    def original_headers(self) -> list[tuple[str, bytes]]:
        """What the message carried before it failed: every header but the DLQ's."""
        return [(n, v) for n, v in self.headers if not n.startswith(HEADER_PREFIX)]

    @cached_property
    def envelope(self) -> Envelope | None:
        try:
            return Envelope.from_bytes(self.value)
        except (ValidationError, ValueError):
            return None

    @property
    def key_text(self) -> str:
        return self.key.decode("utf-8", "replace") if self.key is not None else ""

    @property
    def tenant(self) -> str:
        if (env := self.envelope) is not None:
            return env.tenant
        prefix, sep, _ = self.key_text.partition(":")
        return prefix if sep and prefix else UNKNOWN

    @property
    def envelope_type(self) -> str:
        env = self.envelope
        return env.type if env is not None else UNKNOWN

    @property
    def envelope_id(self) -> str:
        env = self.envelope
        return env.id if env is not None else UNKNOWN

    @property
    def reason(self) -> str:
        return self.dlq.get("error-reason", UNKNOWN)

    @property
    def original_topic(self) -> str | None:
        return self.dlq.get("original-topic") or None

    @property
    def failed_at(self) -> datetime | None:
        """When it failed for good: the header, else the DLQ record's own timestamp."""
        raw = self.dlq.get("failed-at")
        if raw:
            try:
                moment = datetime.fromisoformat(raw)
                return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
            except ValueError:
                pass
        if self.timestamp_ms is not None:
            return datetime.fromtimestamp(self.timestamp_ms / 1000, UTC)
        return None


@dataclass(frozen=True)
class DlqFilter:
    """Every given criterion must hold; none given matches everything."""

    tenants: Sequence[str] = ()
    reasons: Sequence[str] = ()
    since: datetime | None = None

    def matches(self, record: DlqRecord) -> bool:
        if self.tenants and record.tenant not in self.tenants:
            return False
        if self.reasons and record.reason not in self.reasons:
            return False
        if self.since is not None:
            failed = record.failed_at
            return failed is not None and failed >= self.since
        return True

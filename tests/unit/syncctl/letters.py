"""DLQ records for the syncctl tests, built by plumbing's own ``dead_letter``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from contracts import Envelope
from plumbing.dlq import Delivery, dead_letter
from plumbing.errors import PermanentError
from syncctl.records import DlqRecord

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def envelope(tenant: str = "acme", entity: str = "1001", **payload: Any) -> Envelope:
    return Envelope.new(
        id=f"hook-{tenant}-{entity}",
        type="orders/create",
        source="shopify",
        tenant=tenant,
        entity_id=entity,
        payload={"id": entity, **payload},
        occurred_at=NOW,
    )


def record(
    *,
    tenant: str = "acme",
    entity: str = "1001",
    reason: str = "unknown_sku",
    message: str = "SKU TSHIRT-XL is not in the ERP",
    ago: timedelta = timedelta(minutes=5),
    offset: int = 0,
    value: bytes | None = None,
    topic: str = "shopify.orders.v1",
    headers: tuple[tuple[str, bytes], ...] = (("traceparent", b"00-abc-01"),),
) -> DlqRecord:
    env = envelope(tenant, entity)
    raw = env.to_bytes() if value is None else value
    delivery = Delivery(topic, 2, 40 + offset, env.key.encode(), raw, headers)
    failed = NOW - ago
    letter = dead_letter(
        delivery,
        PermanentError(message, reason=reason),
        kind="permanent",
        attempts=3,
        first_failure_at=failed - timedelta(seconds=2),
        failed_at=failed,
        consumer="orders",
    )
    return DlqRecord(
        topic=letter.topic,
        partition=1,
        offset=offset,
        key=letter.key,
        value=letter.value,
        headers=tuple((name, value.encode()) for name, value in letter.headers.items()),
    )

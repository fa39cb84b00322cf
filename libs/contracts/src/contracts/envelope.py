"""The one message shape on every topic.

The envelope id is the producer's event id (``X-Shopify-Webhook-Id`` or the ERP event
id), never a Kafka coordinate, so a redelivery, a duplicate webhook and a DLQ replay are
all recognisably the same message to the consumers' inboxes.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from contracts.keys import TENANT_PATTERN, make_key

Source = Literal["shopify", "erp"]

ENVELOPE_SCHEMA_VERSION = 1


def _now() -> datetime:
    return datetime.now(UTC)


class Envelope(BaseModel):
    """A verified event from Shopify or an ERP, as the gateway stored it on Kafka."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(min_length=1, max_length=200, description="Producer's event id; stable.")
    type: str = Field(
        min_length=3,
        max_length=100,
        pattern=r"^[a-z0-9_]+(/[a-z0-9_]+)*$|^[a-z0-9_]+(\.[a-z0-9_]+)+$",
        description="Event type as the source names it: 'orders/create', 'stock.changed'.",
    )
    source: Source
    tenant: str = Field(pattern=TENANT_PATTERN, description="Our tenant slug.")
    key: str = Field(min_length=3, description="Kafka key, 'tenant:entity-id'.")
    occurred_at: AwareDatetime = Field(description="When the source says it happened.")
    received_at: AwareDatetime = Field(default_factory=_now)
    correlation_id: str = Field(default_factory=lambda: uuid.uuid4().hex, min_length=1)
    schema_version: int = ENVELOPE_SCHEMA_VERSION
    meta: dict[str, str] = Field(
        default_factory=dict,
        description="Source metadata worth keeping (API version, event id); never secrets.",
    )
    payload: dict[str, Any]

    @field_validator("key")
    @classmethod
    def _key_belongs_to_tenant(cls, key: str, info: Any) -> str:
        tenant = info.data.get("tenant")
        if tenant is not None and not key.startswith(f"{tenant}:"):
            msg = f"key {key!r} does not start with the tenant {tenant!r}"
            raise ValueError(msg)
        return key

    @classmethod
    def new(
        cls,
        *,
        id: str,
        type: str,
        source: Source,
        tenant: str,
        entity_id: str | int,
        payload: dict[str, Any],
        occurred_at: datetime | None = None,
        correlation_id: str | None = None,
        meta: dict[str, str] | None = None,
    ) -> Envelope:
        """Build an envelope with its key derived from the tenant and entity id."""
        return cls(
            id=id,
            type=type,
            source=source,
            tenant=tenant,
            key=make_key(tenant, entity_id),
            occurred_at=occurred_at or _now(),
            correlation_id=correlation_id or uuid.uuid4().hex,
            meta=meta or {},
            payload=payload,
        )

    def to_bytes(self) -> bytes:
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes | str) -> Envelope:
        return cls.model_validate_json(raw)

    def log_context(self) -> dict[str, str]:
        """What every log line about this message carries (never the payload)."""
        return {
            "message_id": self.id,
            "message_type": self.type,
            "tenant": self.tenant,
            "key": self.key,
            "correlation_id": self.correlation_id,
        }

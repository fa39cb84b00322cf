"""The write side of change events: one outbox row per event, in the change's transaction.

An event exists if and only if its change committed; ``erp_sim.delivery`` sends the rows.
The body is the full event JSON of ``erp_connector.models.events``; ``entity_key`` follows
the contract's ``entity_key`` so delivery orders per entity exactly as the gateway keys.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from erp_connector.models.events import (
    CustomerChanged,
    CustomerChangedEvent,
    DocumentCancelled,
    DocumentCancelledEvent,
    ProductChanged,
    ProductChangedEvent,
    ShipmentCreatedEvent,
    StockChanged,
    StockChangedEvent,
    entity_key,
)
from erp_connector.models.shipments import Shipment

from erp_sim.db import Conn

Event = (
    ProductChangedEvent
    | StockChangedEvent
    | CustomerChangedEvent
    | ShipmentCreatedEvent
    | DocumentCancelledEvent
)


async def emit(conn: Conn, company_id: str, event: Event) -> None:
    """Writes ``event`` to the outbox; call inside the transaction of the change."""
    await conn.execute(
        "INSERT INTO outbox (company_id, entity_key, event_id, event_type, body) "
        "VALUES ($1, $2, $3, $4, $5::text::jsonb)",
        company_id,
        entity_key(event),
        event.id,
        event.type,
        event.model_dump_json(),
    )


def _now() -> datetime:
    return datetime.now(UTC)


def product_changed(data: ProductChanged, version: int) -> ProductChangedEvent:
    return ProductChangedEvent(
        id=uuid.uuid4(), type="product.changed", occurred_at=_now(), version=version, data=data
    )


def stock_changed(data: StockChanged) -> StockChangedEvent:
    return StockChangedEvent(
        id=uuid.uuid4(),
        type="stock.changed",
        occurred_at=_now(),
        version=data.movement_id,
        data=data,
    )


def customer_changed(data: CustomerChanged, version: int) -> CustomerChangedEvent:
    return CustomerChangedEvent(
        id=uuid.uuid4(), type="customer.changed", occurred_at=_now(), version=version, data=data
    )


def shipment_created(data: Shipment, version: int) -> ShipmentCreatedEvent:
    return ShipmentCreatedEvent(
        id=uuid.uuid4(), type="shipment.created", occurred_at=_now(), version=version, data=data
    )


def document_cancelled(data: DocumentCancelled, version: int) -> DocumentCancelledEvent:
    return DocumentCancelledEvent(
        id=uuid.uuid4(),
        type="document.cancelled",
        occurred_at=_now(),
        version=version,
        data=data,
    )

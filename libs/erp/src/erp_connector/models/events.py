"""Change events the ERP sends to the platform's gateway (``POST /erp/{tenant}/events``).

Signed: HMAC-SHA256 over ``timestamp + "." + body`` with the tenant's secret, in
``X-ERP-Signature`` (hex) and ``X-ERP-Timestamp`` (Unix seconds); see
``erp_connector.signatures``. Delivered at least once and in order per entity, so each
event carries an ``id`` (the consumer's dedup key) and the entity's ``version`` (its
ordering key: movement id for stock, the entity's version otherwise).
"""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import Field

from erp_connector.models.common import ExternalRefsOut, Out, Timestamp
from erp_connector.models.shipments import Shipment
from erp_connector.models.stock import MovementType


class _Event(Out):
    id: UUID
    occurred_at: Timestamp
    version: Annotated[int, Field(ge=1)]


class ProductChanged(Out):
    code: str
    skus: list[str]
    status: Literal["active", "draft", "archived"]


class StockChanged(Out):
    """The resulting quantities of one SKU in one warehouse after ``movement_id``."""

    movement_id: Annotated[int, Field(ge=1)]
    movement_type: MovementType
    sku: str
    warehouse: str
    is_shopify_warehouse: bool
    on_hand: int
    reserved: int
    available: int


class CustomerChanged(Out):
    id: str
    external_ref: str | None


class DocumentCancelled(Out):
    document_id: str
    number: str
    external_refs: ExternalRefsOut
    reason: str


class ProductChangedEvent(_Event):
    type: Literal["product.changed"]
    data: ProductChanged


class StockChangedEvent(_Event):
    type: Literal["stock.changed"]
    data: StockChanged


class CustomerChangedEvent(_Event):
    type: Literal["customer.changed"]
    data: CustomerChanged


class ShipmentCreatedEvent(_Event):
    type: Literal["shipment.created"]
    data: Shipment


class DocumentCancelledEvent(_Event):
    type: Literal["document.cancelled"]
    data: DocumentCancelled


ChangeEvent = Annotated[
    ProductChangedEvent
    | StockChangedEvent
    | CustomerChangedEvent
    | ShipmentCreatedEvent
    | DocumentCancelledEvent,
    Field(discriminator="type"),
]
EventType = Literal[
    "product.changed", "stock.changed", "customer.changed", "shipment.created", "document.cancelled"
]


class EventBatch(Out):
    """The body the ERP posts: one or more events, in the order they happened."""

    events: list[ChangeEvent] = Field(min_length=1, max_length=500)


def entity_key(event: ProductChangedEvent | StockChangedEvent | CustomerChangedEvent
               | ShipmentCreatedEvent | DocumentCancelledEvent) -> str:  # fmt: skip
    """The entity an event is about: delivery is ordered per key, and the gateway's Kafka
    key is derived from it."""
    data = event.data
    if isinstance(data, ProductChanged):
        return f"product:{data.code}"
    if isinstance(data, StockChanged):
        return f"stock:{data.sku}@{data.warehouse}"
    if isinstance(data, CustomerChanged):
        return f"customer:{data.id}"
    if isinstance(data, Shipment):
        return f"document:{data.document_id}"
    return f"document:{data.document_id}"

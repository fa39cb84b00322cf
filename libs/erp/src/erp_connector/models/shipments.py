"""Shipments the ERP made for a sales document: what becomes a fulfillment in Shopify."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from erp_connector.models.common import Out, Sku, Timestamp, Wire


class ShipmentLineIn(Wire):
    sku: Sku
    quantity: Annotated[int, Field(gt=0, le=1_000_000)]


class ShipmentIn(Wire):
    """An ERP user ships (part of) a document; operator endpoint of the reference ERP."""

    carrier: Annotated[str, Field(min_length=1, max_length=64)]
    tracking_number: Annotated[str, Field(min_length=1, max_length=128)]
    tracking_url: Annotated[str, Field(max_length=2048)] | None = None
    lines: list[ShipmentLineIn] = Field(default_factory=list, max_length=500)  # []: all


class ShipmentLine(Out):
    sku: str
    quantity: int


class Shipment(Out):
    id: str
    document_id: str
    carrier: str
    tracking_number: str
    tracking_url: str | None
    lines: list[ShipmentLine]
    shipped_at: Timestamp

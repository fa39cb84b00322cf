"""Warehouses, stock per SKU and warehouse, and the movement ledger it derives from.

``available = on_hand - reserved``. Every movement is a ledger row carrying the
quantities it resulted in, so a consumer can set Shopify to an absolute number and
order events by ``movement_id`` instead of adding deltas that may arrive twice.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from erp_connector.models.common import Code, Out, Sku, Timestamp, Wire

MovementType = Literal[
    "purchase_entry",  # goods received from a supplier: on hand +
    "free_entry",  # found, produced, opening balance: on hand +
    "transfer",  # from one warehouse to another: - at the source, + at the target
    "sale_exit",  # a sales document shipped the goods: on hand -
    "cancellation",  # a cancelled sales document puts its exits back: on hand +
    "return",  # goods a customer sent back (credit note with restock): on hand +
]
Quantity = Annotated[int, Field(ge=-1_000_000_000, le=1_000_000_000)]


class Warehouse(Out):
    code: str
    name: str
    # The warehouse dedicated to the Shopify store: stock sync reads and writes this one.
    is_shopify: bool


class StockLevel(Out):
    sku: str
    warehouse: str
    on_hand: int
    reserved: int
    available: int
    last_movement_id: int | None
    updated_at: Timestamp


class MovementIn(Wire):
    """A movement an ERP user (or the platform, when Shopify owns stock) records."""

    type: MovementType
    sku: Sku
    warehouse: Code
    quantity: Annotated[int, Field(gt=0, le=1_000_000_000)]
    to_warehouse: Code | None = None  # transfer only
    note: Annotated[str, Field(max_length=255)] = ""

    @model_validator(mode="after")
    def _target_only_for_transfers(self) -> MovementIn:
        if (self.type == "transfer") != (self.to_warehouse is not None):
            msg = "to_warehouse is required for a transfer and refused otherwise"
            raise ValueError(msg)
        if self.to_warehouse is not None and self.to_warehouse == self.warehouse:
            msg = "to_warehouse must differ from warehouse"
            raise ValueError(msg)
        return self


class Resulting(Out):
    """The quantities of one SKU in one warehouse right after a movement."""

    warehouse: str
    on_hand: int
    reserved: int
    available: int


class Movement(Out):
    id: Annotated[int, Field(ge=1)]  # ledger order; grows across the company
    type: MovementType
    sku: str
    warehouse: str
    to_warehouse: str | None
    quantity: int  # signed change at ``warehouse``
    document_id: str | None  # the sales document or credit note behind it, if any
    occurred_at: Timestamp
    # One entry per warehouse touched (two for a transfer).
    resulting: list[Resulting]

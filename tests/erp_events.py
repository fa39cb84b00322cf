"""ERP change events as the connector API defines them, for tests of every side that
sends or receives them (the reference ERP's dispatcher, the gateway)."""

from __future__ import annotations

import uuid
from typing import Any


def stock_event(
    sku: str = "SKU-1",
    warehouse: str = "MAIN",
    movement_id: int = 7,
    *,
    available: int = 5,
    reserved: int = 0,
    on_hand: int | None = None,
    movement_type: str = "sale_exit",
    occurred_at: str = "2026-01-02T03:04:05+00:00",
    **changes: Any,
) -> dict[str, Any]:
    """A ``stock.changed`` event; ``changes`` replace top-level fields (to break it)."""
    event: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "type": "stock.changed",
        "occurred_at": occurred_at,
        "version": movement_id,
        "data": {
            "movement_id": movement_id,
            "movement_type": movement_type,
            "sku": sku,
            "warehouse": warehouse,
            "is_shopify_warehouse": True,
            "on_hand": available + reserved if on_hand is None else on_hand,
            "reserved": reserved,
            "available": available,
        },
    }
    event.update(changes)
    return event

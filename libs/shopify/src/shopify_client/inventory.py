"""Setting absolute quantities in batches Shopify accepts, each replay-safe.

``inventorySetQuantities`` takes at most 250 quantities per call, so a larger input is
split. Each batch carries its own idempotency key derived from the caller's key and the
batch index: when a consumer retries the whole message after a crash, every batch that
already went through is answered with its first result instead of being applied twice,
and only the missing ones take effect.

A batch refused with userErrors stops the run (earlier batches are applied; retrying with
the same key replays them safely). The refused batch would replay its refusal under the
same key, so retry it with a new key once the data is fixed (for
CHANGE_FROM_QUANTITY_STALE: read the quantity again, decide again).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from shopify_client.client import ShopifyClient
from shopify_client.documents import INVENTORY_SET_QUANTITIES

MAX_QUANTITIES_PER_CALL = 250
_KEYS = uuid.UUID("5b1f0b7e-3c0a-4f57-9d4e-6f2b8a1c9e10")  # namespace of our batch keys


@dataclass(frozen=True)
class QuantityChange:
    """Set ``quantity`` at a location; ``change_from`` is the quantity we last read
    (compare-and-swap), None to write without the check."""

    inventory_item_id: str
    location_id: str
    quantity: int
    change_from: int | None

    def as_input(self) -> dict[str, Any]:
        # changeFromQuantity is sent even when null: 2026-04 requires the field on every
        # quantity, and null is how a caller says "no compare".
        return {
            "inventoryItemId": self.inventory_item_id,
            "locationId": self.location_id,
            "quantity": self.quantity,
            "changeFromQuantity": self.change_from,
        }


def batch_idempotency_key(key: str, index: int) -> str:
    """A stable key per (caller key, batch index): the same message, split the same way,
    always sends the same keys."""
    if not key:
        msg = "an idempotency key is required"
        raise ValueError(msg)
    return str(uuid.uuid5(_KEYS, f"{key}#{index}"))


async def set_quantities(
    client: ShopifyClient,
    changes: Sequence[QuantityChange],
    *,
    idempotency_key: str,
    name: str = "available",
    reason: str = "correction",
    reference_document_uri: str | None = None,
    batch_size: int = MAX_QUANTITIES_PER_CALL,
) -> list[dict[str, Any]]:
    """Apply ``changes`` in batches; return each batch's ``inventoryAdjustmentGroup``."""
    if not 1 <= batch_size <= MAX_QUANTITIES_PER_CALL:
        msg = f"batch_size must be between 1 and {MAX_QUANTITIES_PER_CALL}"
        raise ValueError(msg)
    groups: list[dict[str, Any]] = []
    for index, start in enumerate(range(0, len(changes), batch_size)):
        batch = changes[start : start + batch_size]
        variables = {
            "idempotencyKey": batch_idempotency_key(idempotency_key, index),
            "input": {
                "name": name,
                "reason": reason,
                "referenceDocumentUri": reference_document_uri,
                "quantities": [change.as_input() for change in batch],
            },
        }
        payload = await client.mutate(INVENTORY_SET_QUANTITIES, variables)
        groups.append(payload.get("inventoryAdjustmentGroup") or {})
    return groups

"""The Admin API's inventory batches: ``inventorySetQuantities`` and
``inventoryAdjustQuantities``, all rows applied or none.

Setting ``available`` moves ``on_hand`` by the same delta and setting ``on_hand`` moves
``available``, as in Shopify; a row whose ``change_from`` (changeFromQuantity) no longer
matches refuses the whole batch with CHANGE_FROM_QUANTITY_STALE. The answer is an
``AdjustmentGroup`` listing every bucket that moved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from shopify_sim.errors import UserError, UserErrors
from shopify_sim.inventory import adjust_quantities, find_level
from shopify_sim.state import Shop, SimState

SetName = Literal["available", "on_hand"]
STALE = "CHANGE_FROM_QUANTITY_STALE"


@dataclass(frozen=True)
class QuantityChange:
    """One row of an adjustment group: what moved, by how much, and the result."""

    name: str
    delta: int
    quantity_after_change: int
    inventory_item_id: int
    location_id: int
    ledger_document_uri: str | None = None


@dataclass
class AdjustmentGroup:
    """The ``InventoryAdjustmentGroup`` a set or adjust mutation answers with."""

    id: int
    created_at: datetime
    reason: str
    reference_document_uri: str | None
    changes: list[QuantityChange] = field(default_factory=list)


@dataclass(frozen=True)
class SetQuantity:
    """One ``InventoryQuantityInput``: `change_from` is the compare-and-swap value."""

    inventory_item_id: int
    location_id: int
    quantity: int
    change_from: int | None = None


def _check(shop: Shop, name: SetName, rows: list[SetQuantity]) -> list[UserError]:
    """Every refusal of a whole set request, before anything changes."""
    errors: list[UserError] = []
    seen: set[tuple[int, int]] = set()
    for index, row in enumerate(rows):
        path = ["input", "quantities", str(index)]
        key = (row.inventory_item_id, row.location_id)
        if key in seen:
            errors.append(
                UserError(
                    "The combination of inventoryItemId and locationId must be unique.",
                    path,
                    "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR",
                )
            )
            continue
        seen.add(key)
        if row.quantity < 0 and name == "on_hand":
            errors.append(
                UserError("The quantity can't be negative.", path, "INVALID_QUANTITY_NEGATIVE")
            )
            continue
        try:
            level = find_level(shop, row.inventory_item_id, row.location_id, path)
        except UserErrors as refused:
            errors.extend(refused.errors)
            continue
        current = level.quantities.get(name, 0)
        if row.change_from is not None and row.change_from != current:
            errors.append(
                UserError(
                    "The specified compare quantity does not match the current quantity"
                    f" ({current}): read it again and retry.",
                    [*path, "changeFromQuantity"],
                    STALE,
                )
            )
    return errors


def set_quantities(
    state: SimState,
    shop: Shop,
    *,
    name: SetName,
    reason: str,
    reference_document_uri: str | None,
    rows: list[SetQuantity],
) -> AdjustmentGroup | None:
    """``inventorySetQuantities``: all rows apply or none do (one stale row refuses all).

    Returns None when nothing changed (Shopify answers a null adjustment group then).
    """
    if name not in ("available", "on_hand"):
        raise UserErrors.one(
            "The quantity name must be either 'available' or 'on_hand'.",
            ["input", "name"],
            "INVALID_NAME",
        )
    if errors := _check(shop, name, rows):
        raise UserErrors(errors)
    other = "on_hand" if name == "available" else "available"
    group = AdjustmentGroup(state.next_id(), state.now(), reason, reference_document_uri)
    with state.action():
        for row in rows:
            level = shop.inventory_levels[(row.inventory_item_id, row.location_id)]
            delta = row.quantity - level.quantities.get(name, 0)
            if delta == 0:
                continue
            adjust_quantities(
                state,
                shop,
                row.inventory_item_id,
                row.location_id,
                {name: delta, other: delta},
                reason,
            )
            for bucket in (name, other):
                group.changes.append(
                    QuantityChange(
                        bucket,
                        delta,
                        level.quantities[bucket],
                        row.inventory_item_id,
                        row.location_id,
                        reference_document_uri if bucket == "on_hand" else None,
                    )
                )
    return group if group.changes else None


# What inventoryAdjustQuantities may move, and the bucket that moves with it.
_ADJUSTABLE = {"available": "on_hand", "reserved": "on_hand", "incoming": None}


def adjust_many(
    state: SimState,
    shop: Shop,
    *,
    name: str,
    reason: str,
    reference_document_uri: str | None,
    rows: list[tuple[int, int, int]],
) -> AdjustmentGroup:
    """``inventoryAdjustQuantities``: (item, location, delta) rows, all or none applied."""
    if name not in _ADJUSTABLE:
        raise UserErrors.one(
            f"The quantity name must be one of {sorted(_ADJUSTABLE)}.",
            ["input", "name"],
            "INVALID_NAME",
        )
    errors: list[UserError] = []
    for index, (item_id, location_id, _) in enumerate(rows):
        try:
            find_level(shop, item_id, location_id, ["input", "changes", str(index)])
        except UserErrors as refused:
            errors += refused.errors
    if errors:
        raise UserErrors(errors)
    group = AdjustmentGroup(state.next_id(), state.now(), reason, reference_document_uri)
    follower = _ADJUSTABLE[name]
    with state.action():
        for item_id, location_id, delta in rows:
            deltas = {name: delta, **({follower: delta} if follower else {})}
            level = adjust_quantities(state, shop, item_id, location_id, deltas, reason)
            for bucket, moved in deltas.items():
                group.changes.append(
                    QuantityChange(
                        bucket,
                        moved,
                        level.quantities[bucket],
                        item_id,
                        location_id,
                        reference_document_uri if bucket == "on_hand" else None,
                    )
                )
    return group

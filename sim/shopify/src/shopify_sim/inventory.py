"""Stock operations: Shopify's quantity buckets per inventory item and location.

Two kinds of callers share these functions. The merchant actions (orders, the
``/_sim/`` routes) move named buckets by raw deltas (`adjust_quantities`): committing an
order is available -1 / committed +1 with on hand untouched. The Admin API mutations set
a bucket to an absolute value (`set_quantities`, `inventorySetQuantities`), and, as in
Shopify, setting ``available`` moves ``on_hand`` by the same delta and setting
``on_hand`` moves ``available``. Every change of ``available`` emits
``inventory_levels/update``: that is the webhook a sync engine listens to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from shopify_sim.errors import UserError, UserErrors
from shopify_sim.payloads import inventory_item_body, inventory_level_body
from shopify_sim.state import (
    QUANTITY_NAMES,
    InventoryItem,
    InventoryLevel,
    Shop,
    SimState,
)

MAX_QUANTITIES = 250  # Shopify's input array limit
SetName = Literal["available", "on_hand"]
NOT_STOCKED = "ITEM_NOT_STOCKED_AT_LOCATION"
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


def find_level(
    shop: Shop, inventory_item_id: int, location_id: int, path: list[str] | None = None
) -> InventoryLevel:
    """The level, or the userError Shopify gives for an unknown item or unstocked location."""
    if inventory_item_id not in shop.inventory_items:
        raise UserErrors.one(
            "The specified inventory item could not be found.", path, "INVALID_INVENTORY_ITEM"
        )
    if location_id not in shop.locations:
        raise UserErrors.one("The specified location could not be found.", path, "INVALID_LOCATION")
    level = shop.inventory_levels.get((inventory_item_id, location_id))
    if level is None:
        raise UserErrors.one(
            "The specified inventory item is not stocked at the location.", path, NOT_STOCKED
        )
    return level


def adjust_quantities(  # noqa: PLR0917 - the signature the order actions share
    state: SimState,
    shop: Shop,
    inventory_item_id: int,
    location_id: int,
    deltas: dict[str, int],
    reason: str,
) -> InventoryLevel:
    """Move named buckets by raw deltas (no bucket implies another); emits on available."""
    unknown = sorted(set(deltas) - set(QUANTITY_NAMES))
    if unknown:
        raise UserErrors.one(f"Unknown quantity names {unknown}", ["name"], "INVALID_NAME")
    level = find_level(shop, inventory_item_id, location_id)
    if not any(deltas.values()):
        return level
    with state.action():
        for name, delta in deltas.items():
            level.quantities[name] = level.quantities.get(name, 0) + delta
        level.updated_at = state.now()
        if deltas.get("available"):
            state.emit(shop, "inventory_levels/update", inventory_level_body(shop, level))
    return level


def set_available(  # noqa: PLR0917 - the signature the order actions share
    state: SimState,
    shop: Shop,
    inventory_item_id: int,
    location_id: int,
    quantity: int,
    reason: str,
) -> InventoryLevel:
    """The admin's "set available to N": on hand follows by the same delta."""
    level = find_level(shop, inventory_item_id, location_id)
    delta = quantity - level.quantities.get("available", 0)
    return adjust_quantities(
        state, shop, inventory_item_id, location_id, {"available": delta, "on_hand": delta}, reason
    )


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


def activate(
    state: SimState,
    shop: Shop,
    inventory_item_id: int,
    location_id: int,
    available: int | None,
) -> InventoryLevel:
    """``inventoryActivate``: stock the item at the location (idempotent if it already is)."""
    if inventory_item_id not in shop.inventory_items:
        raise UserErrors.one(
            "The specified inventory item could not be found.", ["inventoryItemId"]
        )
    if location_id not in shop.locations:
        raise UserErrors.one("The specified location could not be found.", ["locationId"])
    key = (inventory_item_id, location_id)
    level = shop.inventory_levels.get(key)
    if level is None:
        level = InventoryLevel(
            id=state.next_id(),
            inventory_item_id=inventory_item_id,
            location_id=location_id,
            updated_at=state.now(),
        )
        shop.inventory_levels[key] = level
        with state.action():
            state.emit(shop, "inventory_levels/connect", inventory_level_body(shop, level))
    if available is not None:
        set_available(state, shop, inventory_item_id, location_id, available, "correction")
    return level


def update_item(
    state: SimState, shop: Shop, inventory_item_id: int, changes: dict[str, object]
) -> InventoryItem:
    """``inventoryItemUpdate``: sku, tracked, requiresShipping, cost, origin, HS code."""
    item = shop.inventory_items.get(inventory_item_id)
    if item is None:
        raise UserErrors.one("Inventory item does not exist", ["id"])
    for key, value in changes.items():
        if not hasattr(item, key) or key in ("id", "created_at", "updated_at", "variant_id"):
            raise UserErrors.one(f"Unknown inventory item field {key!r}", ["input", key])
        setattr(item, key, value)
    if "sku" in changes and item.variant_id is not None:
        variant = shop.variant(item.variant_id)
        if variant is not None:
            variant.sku = item.sku
    item.updated_at = state.now()
    with state.action():
        state.emit(shop, "inventory_items/update", inventory_item_body(shop, item))
    return item

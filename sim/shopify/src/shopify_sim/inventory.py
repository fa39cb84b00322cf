"""Stock operations on one level: Shopify's quantity buckets per item and location.

The merchant actions (orders, the ``/_sim/`` routes) move named buckets by raw deltas
(`adjust_quantities`): committing an order is available -1 / committed +1 with on hand
untouched. `set_available` is the admin's "set available to N" (on hand follows). Every
change of ``available`` emits ``inventory_levels/update``: that is the webhook a sync
engine listens to. The Admin API's batch mutations live in ``inventory_groups``.
"""

from __future__ import annotations

from shopify_sim.errors import UserErrors
from shopify_sim.payloads import inventory_item_body, inventory_level_body
from shopify_sim.state import (
    QUANTITY_NAMES,
    InventoryItem,
    InventoryLevel,
    Shop,
    SimState,
)

NOT_STOCKED = "ITEM_NOT_STOCKED_AT_LOCATION"


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

"""Inventory items, levels and locations: queries and fields."""

from __future__ import annotations

import re
from typing import Any

from shopify_sim import inventory_groups
from shopify_sim.resolvers_common import (
    Info,
    connection,
    ctx,
    id_of,
    money_v2,
    resolver,
)
from shopify_sim.search import search
from shopify_sim.state import InventoryItem, InventoryLevel, Location, gid


def level_gid(level: InventoryLevel) -> str:
    """The form the webhook bodies carry, so an id from a webhook can be queried."""
    return f"{gid('InventoryLevel', level.location_id)}?inventory_item_id={level.inventory_item_id}"


@resolver("QueryRoot", "inventoryItem")
def inventory_item(_: None, info: Info, id: str) -> InventoryItem | None:
    number = id_of(id, "InventoryItem")
    return ctx(info).shop.inventory_items.get(number) if number is not None else None


@resolver("QueryRoot", "inventoryLevel")
def inventory_level(_: None, info: Info, id: str) -> InventoryLevel | None:
    location_id = id_of(id, "InventoryLevel")
    match = re.search(r"inventory_item_id=(\d+)", id)
    if location_id is None or match is None:
        return None
    return ctx(info).shop.inventory_levels.get((int(match.group(1)), location_id))


@resolver("QueryRoot", "locations")
def locations(_: None, info: Info, **args: Any) -> dict[str, Any]:
    shop = ctx(info).shop
    found = [loc for loc in shop.locations.values() if loc.active or args.get("includeInactive")]
    found = search(
        found,
        args.get("query"),
        {"id": lambda loc: loc.id, "name": lambda loc: loc.name, "active": lambda loc: loc.active},
        lambda loc: loc.name,
    )
    by_name = args.get("sortKey", "NAME") == "NAME"
    return connection(info, found, args, (lambda loc: loc.name.lower()) if by_name else None)


@resolver("QueryRoot", "location")
def location(_: None, info: Info, id: str | None = None) -> Location | None:
    shop = ctx(info).shop
    if id is None:  # the shop's primary location
        return next(iter(shop.locations.values()), None)
    number = id_of(id, "Location")
    return shop.locations.get(number) if number is not None else None


# -- fields -------------------------------------------------------------------------


@resolver("InventoryItem", "unitCost")
def unit_cost(item: InventoryItem, info: Info) -> dict[str, Any] | None:
    return money_v2(item.cost, ctx(info).shop.currency) if item.cost is not None else None


@resolver("InventoryItem", "variant")
def item_variant(item: InventoryItem, info: Info) -> Any:
    return ctx(info).shop.variant(item.variant_id) if item.variant_id is not None else None


def _levels(info: Info, item_id: int | None = None, location_id: int | None = None) -> list[Any]:
    return [
        level
        for (item, loc), level in ctx(info).shop.inventory_levels.items()
        if item_id in (None, item) and location_id in (None, loc)
    ]


@resolver("InventoryItem", "inventoryLevels")
def item_levels(item: InventoryItem, info: Info, **args: Any) -> dict[str, Any]:
    return connection(info, _levels(info, item_id=item.id), args)


@resolver("InventoryItem", "inventoryLevel")
def item_level(item: InventoryItem, info: Info, locationId: str) -> InventoryLevel | None:
    number = id_of(locationId, "Location")
    return ctx(info).shop.inventory_levels.get((item.id, number or 0))


@resolver("InventoryItem", "locationsCount")
def locations_count(item: InventoryItem, info: Info) -> dict[str, Any]:
    return {"count": len(_levels(info, item_id=item.id)), "precision": "EXACT"}


@resolver("InventoryLevel", "id")
def inventory_level_id(level: InventoryLevel, _: Info) -> str:
    return level_gid(level)


@resolver("InventoryLevel", "createdAt")
def level_created_at(level: InventoryLevel, _: Info) -> Any:
    return level.updated_at


@resolver("InventoryLevel", "location")
def level_location(level: InventoryLevel, info: Info) -> Location:
    return ctx(info).shop.locations[level.location_id]


@resolver("InventoryLevel", "item")
def level_item(level: InventoryLevel, info: Info) -> InventoryItem:
    return ctx(info).shop.inventory_items[level.inventory_item_id]


@resolver("InventoryLevel", "quantities")
def quantities(level: InventoryLevel, _: Info, names: list[str]) -> list[dict[str, Any]]:
    return [
        {
            "id": f"{level_gid(level)}&name={name}",
            "name": name,
            "quantity": level.quantities.get(name, 0),
            "updatedAt": level.updated_at,
        }
        for name in names
    ]


@resolver("Location", "isActive")
def is_active(loc: Location, _: Info) -> bool:
    return loc.active


@resolver("Location", "address")
def location_address(loc: Location, _: Info) -> dict[str, Any]:
    a = loc.address
    return {
        "address1": a.address1,
        "address2": a.address2,
        "city": a.city,
        "province": a.province,
        "provinceCode": a.province_code,
        "country": a.country,
        "countryCode": a.country_code,
        "zip": a.zip,
        "phone": a.phone,
    }


@resolver("Location", "inventoryLevels")
def location_levels(loc: Location, info: Info, **args: Any) -> dict[str, Any]:
    return connection(info, _levels(info, location_id=loc.id), args)


@resolver("Location", "inventoryLevel")
def location_level(loc: Location, info: Info, inventoryItemId: str) -> InventoryLevel | None:
    number = id_of(inventoryItemId, "InventoryItem")
    return ctx(info).shop.inventory_levels.get((number or 0, loc.id))


@resolver("InventoryAdjustmentGroup", "changes")
def changes(
    group: inventory_groups.AdjustmentGroup,
    _: Info,
    inventoryItemIds: list[str] | None = None,
    locationIds: list[str] | None = None,
    quantityNames: list[str] | None = None,
) -> list[inventory_groups.QuantityChange]:
    items = {id_of(i, "InventoryItem") for i in inventoryItemIds or []}
    places = {id_of(i, "Location") for i in locationIds or []}
    return [
        c
        for c in group.changes
        if (not items or c.inventory_item_id in items)
        and (not places or c.location_id in places)
        and (not quantityNames or c.name in quantityNames)
    ]


@resolver("InventoryChange", "item")
def change_item(change: inventory_groups.QuantityChange, info: Info) -> InventoryItem | None:
    return ctx(info).shop.inventory_items.get(change.inventory_item_id)


@resolver("InventoryChange", "location")
def change_location(change: inventory_groups.QuantityChange, info: Info) -> Location | None:
    return ctx(info).shop.locations.get(change.location_id)

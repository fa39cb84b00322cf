"""The inventory mutations: set and adjust quantities, activate, update an item.

``@idempotent(key:)`` replay is the executor's (for every mutation); from 2026-04 the
adjust mutation requires the directive and every set quantity must carry
``changeFromQuantity``, as Shopify's changelog says.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from graphql import GraphQLError

from shopify_sim import inventory, inventory_groups
from shopify_sim.errors import UserErrors
from shopify_sim.resolvers_common import Info, ctx, payload, required_id, resolver

# Shopify's documented adjustment reasons.
REASONS = frozenset(
    [
        "correction",
        "cycle_count_available",
        "damaged",
        "movement_created",
        "movement_updated",
        "movement_received",
        "movement_canceled",
        "other",
        "promotion",
        "quality_control",
        "received",
        "reservation_created",
        "reservation_deleted",
        "reservation_updated",
        "restock",
        "safety_stock",
        "shrinkage",
    ]
)
_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def _check_reason(spec: dict[str, Any]) -> None:
    if spec["reason"] not in REASONS:
        raise UserErrors.one(
            f"The specified reason is invalid. Valid values: {', '.join(sorted(REASONS))}.",
            ["input", "reason"],
            "INVALID_REASON",
        )
    uri = spec.get("referenceDocumentUri")
    if uri is not None and not _URI.match(uri):
        raise UserErrors.one(
            "The reference document URI must be a URI, e.g. gid://app/Document/1",
            ["input", "referenceDocumentUri"],
            "INVALID_REFERENCE_DOCUMENT",
        )


@resolver("Mutation", "inventorySetQuantities")
def inventory_set_quantities(_: None, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    context = ctx(info)
    missing = [i for i, q in enumerate(input["quantities"]) if "changeFromQuantity" not in q]
    if context.api_version >= "2026-04" and missing:
        raise GraphQLError(
            "Since 2026-04 every quantity must carry changeFromQuantity (null skips the "
            f"compare-and-swap); quantities {missing} have none."
        )
    try:
        _check_reason(input)
        rows = [
            inventory_groups.SetQuantity(
                required_id(q["inventoryItemId"], "InventoryItem", path, "INVALID_INVENTORY_ITEM"),
                required_id(q["locationId"], "Location", path, "INVALID_LOCATION"),
                q["quantity"],
                q.get("changeFromQuantity"),
            )
            for i, q in enumerate(input["quantities"])
            for path in [["input", "quantities", str(i)]]
        ]
        group = inventory_groups.set_quantities(
            context.state,
            context.shop,
            name=input["name"],
            reason=input["reason"],
            reference_document_uri=input.get("referenceDocumentUri"),
            rows=rows,
        )
    except UserErrors as refused:
        return payload(refused, inventoryAdjustmentGroup=None)
    return {"inventoryAdjustmentGroup": group, "userErrors": []}


@resolver("Mutation", "inventoryAdjustQuantities")
def inventory_adjust_quantities(_: None, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    context = ctx(info)
    if context.api_version >= "2026-04" and "idempotency_key" not in context.notes:
        raise GraphQLError("The @idempotent directive is required for this mutation.")
    try:
        _check_reason(input)
        group = inventory_groups.adjust_many(
            context.state,
            context.shop,
            name=input["name"],
            reason=input["reason"],
            reference_document_uri=input.get("referenceDocumentUri"),
            rows=[
                (
                    required_id(
                        c["inventoryItemId"], "InventoryItem", path, "INVALID_INVENTORY_ITEM"
                    ),
                    required_id(c["locationId"], "Location", path, "INVALID_LOCATION"),
                    c["delta"],
                )
                for i, c in enumerate(input["changes"])
                for path in [["input", "changes", str(i)]]
            ],
        )
    except UserErrors as refused:
        return payload(refused, inventoryAdjustmentGroup=None)
    return {"inventoryAdjustmentGroup": group, "userErrors": []}


@resolver("Mutation", "inventoryItemUpdate")
def inventory_item_update(_: None, info: Info, id: str, input: dict[str, Any]) -> dict[str, Any]:
    context = ctx(info)
    names = {
        "sku": "sku",
        "cost": "cost",
        "tracked": "tracked",
        "requiresShipping": "requires_shipping",
        "countryCodeOfOrigin": "country_code_of_origin",
        "harmonizedSystemCode": "harmonized_system_code",
    }
    try:
        item_id = required_id(id, "InventoryItem", ["id"])
        changes_: dict[str, object] = {names[k]: v for k, v in input.items() if k in names}
        if changes_.get("cost") is not None:
            changes_["cost"] = Decimal(str(changes_["cost"]))
        item = inventory.update_item(context.state, context.shop, item_id, changes_)
    except UserErrors as refused:
        return payload(refused, inventoryItem=None)
    return {"inventoryItem": item, "userErrors": []}


@resolver("Mutation", "inventoryActivate")
def inventory_activate(
    _: None,
    info: Info,
    inventoryItemId: str,
    locationId: str,
    available: int | None = None,
    onHand: int | None = None,
) -> dict[str, Any]:
    context = ctx(info)
    try:
        level = inventory.activate(
            context.state,
            context.shop,
            required_id(inventoryItemId, "InventoryItem", ["inventoryItemId"]),
            required_id(locationId, "Location", ["locationId"]),
            available if available is not None else onHand,
        )
    except UserErrors as refused:
        return payload(refused, inventoryLevel=None)
    return {"inventoryLevel": level, "userErrors": []}

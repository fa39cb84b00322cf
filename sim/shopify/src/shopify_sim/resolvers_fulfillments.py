"""Fulfillment orders and fulfillments, each as ``OrderPart(order, part)``, and the
fulfillmentCreate mutation (which the merchant-side ``orders.create_fulfillment``
carries out: stock leaves, webhooks go)."""

from __future__ import annotations

from typing import Any

from shopify_sim.errors import UserErrors
from shopify_sim.orders import create_fulfillment
from shopify_sim.resolvers_common import (
    Info,
    OrderPart,
    connection,
    ctx,
    order_line,
    parts_page,
    payload,
    required_id,
    resolver,
)
from shopify_sim.state import (
    Fulfillment,
    FulfillmentOrder,
    FulfillmentOrderLineItem,
    LineItem,
    gid,
)


@resolver("FulfillmentOrder", "orderId")
def fo_order_id(p: OrderPart, _: Info) -> str:
    return gid("Order", p.order.id)


@resolver("FulfillmentOrder", "orderName")
def fo_order_name(p: OrderPart, _: Info) -> str:
    return p.order.name


@resolver("FulfillmentOrder", "assignedLocation")
def fo_location(p: OrderPart, info: Info) -> dict[str, Any]:
    fo: FulfillmentOrder = p.part
    location = ctx(info).shop.locations.get(fo.assigned_location_id)
    return {"name": location.name if location else "", "location": location}


@resolver("FulfillmentOrder", "lineItems")
def fo_lines(p: OrderPart, info: Info, **args: Any) -> Any:
    return parts_page(info, p, p.part.line_items, args)


def _fo_line(p: OrderPart) -> LineItem | None:
    fo_line: FulfillmentOrderLineItem = p.part
    found = order_line(p, fo_line.line_item_id)
    return found.part if found is not None else None


for _field, _get in (
    ("sku", lambda li: li.sku),
    ("productTitle", lambda li: li.title),
    ("variantTitle", lambda li: li.variant_title),
):
    resolver("FulfillmentOrderLineItem", _field)(
        lambda p, _info, get=_get: get(line) if (line := _fo_line(p)) is not None else None
    )


@resolver("FulfillmentOrderLineItem", "inventoryItemId")
def fo_line_item_id(p: OrderPart, _: Info) -> str | None:
    fo_line: FulfillmentOrderLineItem = p.part
    return gid("InventoryItem", fo_line.inventory_item_id) if fo_line.inventory_item_id else None


@resolver("FulfillmentOrderLineItem", "lineItem")
def fo_line_item(p: OrderPart, _: Info) -> OrderPart | None:
    return order_line(p, p.part.line_item_id)


@resolver("FulfillmentOrderLineItem", "variant")
def fo_line_variant(p: OrderPart, info: Info) -> Any:
    line = _fo_line(p)
    return ctx(info).shop.variant(line.variant_id) if line and line.variant_id else None


@resolver("Fulfillment", "status")
def fulfillment_status(p: OrderPart, _: Info) -> str:
    fulfillment: Fulfillment = p.part
    return fulfillment.status.upper()


@resolver("Fulfillment", "totalQuantity")
def fulfillment_quantity(p: OrderPart, _: Info) -> int:
    fulfillment: Fulfillment = p.part
    return sum(line.quantity for line in fulfillment.line_items)


@resolver("Fulfillment", "location")
def fulfillment_location(p: OrderPart, info: Info) -> Any:
    return ctx(info).shop.locations.get(p.part.location_id)


@resolver("Fulfillment", "trackingInfo")
def tracking_info(p: OrderPart, _: Info, first: int | None = None) -> list[dict[str, Any]]:
    fulfillment: Fulfillment = p.part
    numbers: list[str | None] = list(fulfillment.tracking_numbers) or [None]
    infos = [
        {
            "company": fulfillment.tracking_company,
            "number": number,
            "url": fulfillment.tracking_urls[i] if i < len(fulfillment.tracking_urls) else None,
        }
        for i, number in enumerate(numbers)
    ]
    infos = [i for i in infos if any(i.values())]
    return infos[:first] if first is not None else infos


@resolver("Fulfillment", "fulfillmentLineItems")
def fulfillment_lines(p: OrderPart, info: Info, **args: Any) -> Any:
    fulfillment: Fulfillment = p.part
    rows: list[dict[str, Any]] = [
        {
            "id": gid("FulfillmentLineItem", fulfillment.id * 1000 + index),
            "index": index,
            "quantity": line.quantity,
            "lineItem": order_line(p, line.line_item_id),
        }
        for index, line in enumerate(fulfillment.line_items)
    ]
    return connection(info, rows, args, key=lambda r: r["index"], ident=lambda r: r["index"])


# -- fulfillmentCreate --------------------------------------------------------------


def _tracking(spec: dict[str, Any] | None) -> dict[str, Any] | None:
    if not spec:
        return None
    return {
        key: spec[key] for key in ("company", "number", "numbers", "url", "urls") if key in spec
    }


@resolver("Mutation", "fulfillmentCreate")
def fulfillment_create(
    _: None, info: Info, fulfillment: dict[str, Any], message: str | None = None
) -> dict[str, Any]:
    context = ctx(info)
    try:
        requested: list[tuple[int, list[tuple[int, int]] | None]] = []
        for i, group in enumerate(fulfillment["lineItemsByFulfillmentOrder"]):
            path = ["fulfillment", "lineItemsByFulfillmentOrder", str(i)]
            fo_id = required_id(
                group["fulfillmentOrderId"], "FulfillmentOrder", [*path, "fulfillmentOrderId"]
            )
            lines = group.get("fulfillmentOrderLineItems")
            requested.append(
                (
                    fo_id,
                    None
                    if lines is None
                    else [
                        (
                            required_id(li["id"], "FulfillmentOrderLineItem", [*path, "id"]),
                            li["quantity"],
                        )
                        for li in lines
                    ],
                )
            )
        done = create_fulfillment(
            context.state,
            context.shop,
            requested,
            _tracking(fulfillment.get("trackingInfo")),
            bool(fulfillment.get("notifyCustomer")),
        )
    except UserErrors as refused:
        return payload(refused, fulfillment=None)
    return {"fulfillment": OrderPart(context.shop.orders[done.order_id], done), "userErrors": []}

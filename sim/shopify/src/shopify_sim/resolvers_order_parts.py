"""The parts of an order, each travelling as ``OrderPart(order, part)``: line items,
tax lines, shipping lines, discounts, transactions, refunds, fulfillment orders and
fulfillments. Money is in the order's currency (shop and presentment alike)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopify_sim.order_totals import cents, current_quantity, line_discount
from shopify_sim.resolvers_common import (
    Info,
    OrderPart,
    connection,
    ctx,
    money_bag,
    money_v2,
    resolver,
)
from shopify_sim.state import (
    DiscountAllocation,
    DiscountApplication,
    Fulfillment,
    FulfillmentOrder,
    FulfillmentOrderLineItem,
    LineItem,
    Refund,
    RefundLineItem,
    ShippingLine,
    TaxLine,
    Transaction,
    gid,
)


def _bag(p: OrderPart, amount: Decimal) -> dict[str, Any]:
    return money_bag(amount, p.order.currency)


def _line(p: OrderPart, line_id: int) -> OrderPart | None:
    found = next((li for li in p.order.line_items if li.id == line_id), None)
    return OrderPart(p.order, found) if found is not None else None


def _parts(p: OrderPart, items: list[Any]) -> list[OrderPart]:
    return [OrderPart(p.order, item) for item in items]


def _positional(info: Info, p: OrderPart, items: list[Any], args: dict[str, Any]) -> Any:
    wrapped = _parts(p, items)
    return connection(info, wrapped, args, key=wrapped.index, ident=wrapped.index)


# -- LineItem -----------------------------------------------------------------------


@resolver("LineItem", "currentQuantity")
def current_qty(p: OrderPart, _: Info) -> int:
    line: LineItem = p.part
    return current_quantity(p.order, line)


@resolver("LineItem", "refundableQuantity")
def refundable_qty(p: OrderPart, _: Info) -> int:
    return current_quantity(p.order, p.part)


@resolver("LineItem", "unfulfilledQuantity")
def unfulfilled_qty(p: OrderPart, _: Info) -> int:
    line: LineItem = p.part
    return line.fulfillable_quantity


@resolver("LineItem", "nonFulfillableQuantity")
def non_fulfillable_qty(p: OrderPart, _: Info) -> int:
    line: LineItem = p.part
    return line.quantity - current_quantity(p.order, line)


@resolver("LineItem", "variant")
def line_variant(p: OrderPart, info: Info) -> Any:
    line: LineItem = p.part
    return ctx(info).shop.variant(line.variant_id) if line.variant_id else None


@resolver("LineItem", "product")
def line_product(p: OrderPart, info: Info) -> Any:
    line: LineItem = p.part
    return ctx(info).shop.products.get(line.product_id) if line.product_id else None


def _unit_after_discounts(line: LineItem) -> Decimal:
    if line.quantity <= 0:
        return line.price
    return cents(line.price - line_discount(line) / line.quantity)


for _name, _amount in (
    ("originalUnitPriceSet", lambda li: li.price),
    ("originalTotalSet", lambda li: li.price * li.quantity),
    ("discountedUnitPriceSet", _unit_after_discounts),
    ("discountedUnitPriceAfterAllDiscountsSet", _unit_after_discounts),
    ("totalDiscountSet", line_discount),
):
    resolver("LineItem", _name)(lambda p, _info, amount=_amount: _bag(p, amount(p.part)))


@resolver("LineItem", "taxLines")
def line_tax_lines(p: OrderPart, _: Info, first: int | None = None) -> list[OrderPart]:
    line: LineItem = p.part
    return _parts(p, line.tax_lines[:first] if first is not None else line.tax_lines)


@resolver("LineItem", "discountAllocations")
def line_allocations(p: OrderPart, _: Info) -> list[OrderPart]:
    return _parts(p, p.part.discount_allocations)


# -- tax lines, shipping lines, discounts -------------------------------------------


@resolver("TaxLine", "rate")
def tax_rate(p: OrderPart, _: Info) -> float:
    tax: TaxLine = p.part
    return float(tax.rate)


@resolver("TaxLine", "ratePercentage")
def tax_rate_percentage(p: OrderPart, _: Info) -> float:
    tax: TaxLine = p.part
    return float(tax.rate * 100)


@resolver("TaxLine", "priceSet")
def tax_price(p: OrderPart, _: Info) -> dict[str, Any]:
    return _bag(p, p.part.price)


@resolver("ShippingLine", "originalPriceSet")
def shipping_original(p: OrderPart, _: Info) -> dict[str, Any]:
    return _bag(p, p.part.price)


@resolver("ShippingLine", "discountedPriceSet")
def shipping_discounted(p: OrderPart, _: Info) -> dict[str, Any]:
    line: ShippingLine = p.part
    return _bag(p, line.price - sum((a.amount for a in line.discount_allocations), Decimal(0)))


@resolver("ShippingLine", "taxLines")
def shipping_taxes(p: OrderPart, _: Info) -> list[OrderPart]:
    return _parts(p, p.part.tax_lines)


@resolver("ShippingLine", "discountAllocations")
def shipping_allocations(p: OrderPart, _: Info) -> list[OrderPart]:
    return _parts(p, p.part.discount_allocations)


@resolver("DiscountAllocation", "allocatedAmountSet")
def allocated(p: OrderPart, _: Info) -> dict[str, Any]:
    return _bag(p, p.part.amount)


@resolver("DiscountAllocation", "discountApplication")
def allocation_application(p: OrderPart, _: Info) -> OrderPart:
    allocation: DiscountAllocation = p.part
    return OrderPart(p.order, p.order.discount_applications[allocation.discount_application_index])


def discount_type(application: DiscountApplication) -> str:
    return {
        "discount_code": "DiscountCodeApplication",
        "manual": "ManualDiscountApplication",
        "automatic": "AutomaticDiscountApplication",
    }[application.type]


def _discount_value(p: OrderPart, _: Info) -> dict[str, Any]:
    application: DiscountApplication = p.part
    if application.value_type == "percentage":
        return {"__typename": "PricingPercentageValue", "percentage": float(application.value)}
    return money_v2(application.value, p.order.currency)


def _discount_index(p: OrderPart, _: Info) -> int:
    return p.order.discount_applications.index(p.part)


for _type in (
    "DiscountApplication",
    "DiscountCodeApplication",
    "ManualDiscountApplication",
    "AutomaticDiscountApplication",
):
    resolver(_type, "value")(_discount_value)
    resolver(_type, "index")(_discount_index)
    for _field, _attr in (
        ("allocationMethod", "allocation_method"),
        ("targetSelection", "target_selection"),
        ("targetType", "target_type"),
    ):
        resolver(_type, _field)(lambda p, _info, attr=_attr: getattr(p.part, attr).upper())


# -- transactions and refunds -------------------------------------------------------


@resolver("OrderTransaction", "kind")
def txn_kind(p: OrderPart, _: Info) -> str:
    txn: Transaction = p.part
    return txn.kind.upper()


@resolver("OrderTransaction", "status")
def txn_status(p: OrderPart, _: Info) -> str:
    txn: Transaction = p.part
    return txn.status.upper()


@resolver("OrderTransaction", "errorCode")
def txn_error_code(p: OrderPart, _: Info) -> None:
    return None  # the emulator's gateways never decline with a card error code


@resolver("OrderTransaction", "authorizationCode")
def txn_authorization(p: OrderPart, _: Info) -> str | None:
    txn: Transaction = p.part
    return txn.authorization


@resolver("OrderTransaction", "amountSet")
def txn_amount(p: OrderPart, _: Info) -> dict[str, Any]:
    return _bag(p, p.part.amount)


@resolver("OrderTransaction", "parentTransaction")
def txn_parent(p: OrderPart, _: Info) -> OrderPart | None:
    txn: Transaction = p.part
    all_txns = p.order.transactions + [t for r in p.order.refunds for t in r.transactions]
    parent = next((t for t in all_txns if t.id == txn.parent_id), None)
    return OrderPart(p.order, parent) if parent is not None else None


for _type in ("OrderTransaction", "Refund", "FulfillmentOrder", "Fulfillment"):
    resolver(_type, "order")(lambda p, _info: p.order)


@resolver("Refund", "updatedAt")
def refund_updated(p: OrderPart, _: Info) -> Any:
    refund: Refund = p.part
    return refund.processed_at


@resolver("Refund", "totalRefundedSet")
def refund_total(p: OrderPart, _: Info) -> dict[str, Any]:
    refund: Refund = p.part
    paid = [t.amount for t in refund.transactions if t.status == "success"]
    return _bag(p, sum(paid, Decimal(0)))


@resolver("Refund", "refundLineItems")
def refund_lines(p: OrderPart, info: Info, **args: Any) -> Any:
    return _positional(info, p, p.part.refund_line_items, args)


@resolver("Refund", "transactions")
def refund_transactions(p: OrderPart, info: Info, **args: Any) -> Any:
    return _positional(info, p, p.part.transactions, args)


@resolver("RefundLineItem", "restockType")
def restock_type(p: OrderPart, _: Info) -> str:
    rli: RefundLineItem = p.part
    return rli.restock_type.upper()


@resolver("RefundLineItem", "restocked")
def restocked(p: OrderPart, _: Info) -> bool:
    rli: RefundLineItem = p.part
    return rli.restock_type != "no_restock"


@resolver("RefundLineItem", "lineItem")
def refund_line_item(p: OrderPart, _: Info) -> OrderPart | None:
    return _line(p, p.part.line_item_id)


@resolver("RefundLineItem", "location")
def refund_location(p: OrderPart, info: Info) -> Any:
    rli: RefundLineItem = p.part
    return ctx(info).shop.locations.get(rli.location_id) if rli.location_id else None


@resolver("RefundLineItem", "priceSet")
def refund_price(p: OrderPart, _: Info) -> dict[str, Any]:
    line = _line(p, p.part.line_item_id)
    return _bag(p, line.part.price if line is not None else Decimal(0))


@resolver("RefundLineItem", "subtotalSet")
def refund_subtotal(p: OrderPart, _: Info) -> dict[str, Any]:
    return _bag(p, p.part.subtotal)


@resolver("RefundLineItem", "totalTaxSet")
def refund_tax(p: OrderPart, _: Info) -> dict[str, Any]:
    return _bag(p, p.part.total_tax)


# -- fulfillment orders and fulfillments --------------------------------------------


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
    return _positional(info, p, p.part.line_items, args)


def _fo_line(p: OrderPart) -> LineItem | None:
    fo_line: FulfillmentOrderLineItem = p.part
    found = _line(p, fo_line.line_item_id)
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
    return _line(p, p.part.line_item_id)


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
            "lineItem": _line(p, line.line_item_id),
        }
        for index, line in enumerate(fulfillment.line_items)
    ]
    return connection(info, rows, args, key=lambda r: r["index"], ident=lambda r: r["index"])

"""The lines of an order, each as ``OrderPart(order, part)``: line items, tax lines,
shipping lines and discounts. Money is in the order's currency (shop and presentment alike)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopify_sim.order_totals import cents, current_quantity, line_discount
from shopify_sim.resolvers_common import (
    Info,
    OrderPart,
    ctx,
    money_v2,
    order_money,
    order_parts,
    resolver,
)
from shopify_sim.state import (
    DiscountAllocation,
    DiscountApplication,
    LineItem,
    ShippingLine,
    TaxLine,
)

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
    resolver("LineItem", _name)(lambda p, _info, amount=_amount: order_money(p, amount(p.part)))


@resolver("LineItem", "taxLines")
def line_tax_lines(p: OrderPart, _: Info, first: int | None = None) -> list[OrderPart]:
    line: LineItem = p.part
    return order_parts(p, line.tax_lines[:first] if first is not None else line.tax_lines)


@resolver("LineItem", "discountAllocations")
def line_allocations(p: OrderPart, _: Info) -> list[OrderPart]:
    return order_parts(p, p.part.discount_allocations)


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
    return order_money(p, p.part.price)


@resolver("ShippingLine", "originalPriceSet")
def shipping_original(p: OrderPart, _: Info) -> dict[str, Any]:
    return order_money(p, p.part.price)


@resolver("ShippingLine", "discountedPriceSet")
def shipping_discounted(p: OrderPart, _: Info) -> dict[str, Any]:
    line: ShippingLine = p.part
    return order_money(
        p, line.price - sum((a.amount for a in line.discount_allocations), Decimal(0))
    )


@resolver("ShippingLine", "taxLines")
def shipping_taxes(p: OrderPart, _: Info) -> list[OrderPart]:
    return order_parts(p, p.part.tax_lines)


@resolver("ShippingLine", "discountAllocations")
def shipping_allocations(p: OrderPart, _: Info) -> list[OrderPart]:
    return order_parts(p, p.part.discount_allocations)


@resolver("DiscountAllocation", "allocatedAmountSet")
def allocated(p: OrderPart, _: Info) -> dict[str, Any]:
    return order_money(p, p.part.amount)


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

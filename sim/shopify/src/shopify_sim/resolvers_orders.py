"""Orders, the read side: queries, the Order fields, and fulfillmentCreate.

Money comes from ``order_totals`` (the same arithmetic the webhook bodies use), so what a
query says and what a webhook said always agree. The parts of an order (lines, shipping,
discounts, transactions, refunds, fulfillments) answer in ``resolvers_order_parts``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from shopify_sim.order_totals import (
    captured,
    current_quantity,
    current_totals,
    financial_status,
    fulfillment_status,
    original_totals,
    outstanding,
)
from shopify_sim.resolvers_common import (
    Info,
    OrderPart,
    connection,
    ctx,
    first_n,
    id_of,
    money_bag,
    page_of_parts,
    resolver,
)
from shopify_sim.search import search
from shopify_sim.state import Order, Shop, TaxLine

_SORT = {
    "ID": lambda o: o.id,
    "UPDATED_AT": lambda o: o.updated_at,
    "CREATED_AT": lambda o: o.created_at,
    "PROCESSED_AT": lambda o: o.processed_at,
    "ORDER_NUMBER": lambda o: o.order_number,
}
_DISPLAY_FULFILLMENT = {"fulfilled": "FULFILLED", "partial": "PARTIALLY_FULFILLED"}


def _status(order: Order) -> str:
    if order.cancelled_at is not None:
        return "cancelled"
    return "closed" if order.closed_at is not None else "open"


def _order_fields() -> dict[str, Callable[[Order], object]]:
    return {
        "id": lambda o: o.id,
        "name": lambda o: [o.name, o.name.lstrip("#")],
        "email": lambda o: o.email,
        "customer_id": lambda o: o.customer_id,
        "financial_status": financial_status,
        "fulfillment_status": lambda o: {"fulfilled": "shipped", "partial": "partial"}.get(
            fulfillment_status(o) or "", "unshipped"
        ),
        "status": _status,
        "tag": lambda o: o.tags,
        "sku": lambda o: [li.sku for li in o.line_items],
        "test": lambda o: str(o.test).lower(),
        "source_name": lambda o: o.source_name,
        "updated_at": lambda o: o.updated_at,
        "created_at": lambda o: o.created_at,
        "processed_at": lambda o: o.processed_at,
    }


@resolver("QueryRoot", "orders")
def orders(_: None, info: Info, **args: Any) -> dict[str, Any]:
    found = search(
        ctx(info).shop.orders.values(),
        args.get("query"),
        _order_fields(),
        lambda o: [o.name, o.email],
    )
    sort = _SORT.get(args.get("sortKey") or "PROCESSED_AT", _SORT["PROCESSED_AT"])
    return connection(info, found, args, sort)


@resolver("QueryRoot", "order")
def order(_: None, info: Info, id: str) -> Order | None:
    number = id_of(id, "Order")
    return ctx(info).shop.orders.get(number) if number is not None else None


def find_fulfillment_order(shop: Shop, fo_id: int) -> OrderPart | None:
    for candidate in shop.orders.values():
        for fo in candidate.fulfillment_orders:
            if fo.id == fo_id:
                return OrderPart(candidate, fo)
    return None


@resolver("QueryRoot", "fulfillmentOrder")
def fulfillment_order(_: None, info: Info, id: str) -> OrderPart | None:
    number = id_of(id, "FulfillmentOrder")
    return find_fulfillment_order(ctx(info).shop, number) if number is not None else None


# -- Order fields -------------------------------------------------------------------


def _money(name: str, amount: Callable[[Order], Decimal]) -> None:
    resolver("Order", name)(lambda o, _info: money_bag(amount(o), o.currency))


_money("subtotalPriceSet", lambda o: original_totals(o).subtotal)
_money("totalDiscountsSet", lambda o: original_totals(o).discounts)
_money("totalShippingPriceSet", lambda o: original_totals(o).shipping)
_money("totalTaxSet", lambda o: original_totals(o).tax)
_money("totalPriceSet", lambda o: original_totals(o).total)
_money("originalTotalPriceSet", lambda o: original_totals(o).total)
_money("totalOutstandingSet", outstanding)
_money("totalRefundedSet", lambda o: o.total_refunded)
_money("totalReceivedSet", captured)
_money("currentSubtotalPriceSet", lambda o: current_totals(o).subtotal)
_money("currentTotalPriceSet", lambda o: current_totals(o).total)
_money("currentTotalTaxSet", lambda o: current_totals(o).tax)
_money("currentTotalDiscountsSet", lambda o: current_totals(o).discounts)


def _simple(name: str, value: Callable[[Order], object]) -> None:
    resolver("Order", name)(lambda o, _info: value(o))


_simple("currencyCode", lambda o: o.currency)
_simple("presentmentCurrencyCode", lambda o: o.currency)
_simple("cancelReason", lambda o: o.cancel_reason.upper() if o.cancel_reason else None)
_simple("closed", lambda o: o.closed_at is not None)
_simple("confirmed", lambda o: True)
_simple("displayFinancialStatus", lambda o: financial_status(o).upper())
_simple(
    "displayFulfillmentStatus",
    lambda o: _DISPLAY_FULFILLMENT.get(fulfillment_status(o) or "", "UNFULFILLED"),
)
_simple("fullyPaid", lambda o: outstanding(o) <= 0)
_simple("unpaid", lambda o: captured(o) <= 0 and current_totals(o).total > 0)
_simple("discountCodes", lambda o: [d.code for d in o.discount_applications if d.code])
_simple("discountCode", lambda o: next((d.code for d in o.discount_applications if d.code), None))
_simple("subtotalLineItemsQuantity", lambda o: sum(li.quantity for li in o.line_items))
_simple(
    "currentSubtotalLineItemsQuantity",
    lambda o: sum(current_quantity(o, li) for li in o.line_items),
)


@resolver("Order", "paymentGatewayNames")
def payment_gateway_names(o: Order, _: Info) -> list[str]:
    names = list(dict.fromkeys(t.gateway for t in o.transactions))
    return names or [o.gateway]


@resolver("Order", "customer")
def order_customer(o: Order, info: Info) -> Any:
    return ctx(info).shop.customers.get(o.customer_id) if o.customer_id else None


@resolver("Order", "retailLocation")
def retail_location(o: Order, info: Info) -> Any:
    """Where a POS sale happened (REST ``location_id``); None for online orders."""
    return ctx(info).shop.locations.get(o.location_id) if o.location_id else None


@resolver("Order", "billingAddress")
def billing_address(o: Order, _: Info) -> OrderPart | None:
    return OrderPart(o, o.billing_address) if o.billing_address else None


@resolver("Order", "shippingAddress")
def shipping_address(o: Order, _: Info) -> OrderPart | None:
    return OrderPart(o, o.shipping_address) if o.shipping_address else None


@resolver("Order", "taxLines")
def tax_lines(o: Order, _: Info) -> list[OrderPart]:
    """The order's taxes summed by title and rate, as Shopify shows them."""
    summed: dict[tuple[str, Decimal], Decimal] = {}
    taxes = [t for li in o.line_items for t in li.tax_lines]
    taxes += [t for sl in o.shipping_lines for t in sl.tax_lines]
    for tax in taxes:
        key = (tax.title, tax.rate)
        summed[key] = summed.get(key, Decimal(0)) + tax.price
    return [OrderPart(o, TaxLine(title, rate, price)) for (title, rate), price in summed.items()]


@resolver("Order", "shippingLines")
def shipping_lines(o: Order, info: Info, **args: Any) -> dict[str, Any]:
    return page_of_parts(info, o, o.shipping_lines, args)


@resolver("Order", "shippingLine")
def shipping_line(o: Order, _: Info) -> OrderPart | None:
    return OrderPart(o, o.shipping_lines[0]) if o.shipping_lines else None


@resolver("Order", "discountApplications")
def discount_applications(o: Order, info: Info, **args: Any) -> dict[str, Any]:
    return page_of_parts(info, o, o.discount_applications, args)


@resolver("Order", "lineItems")
def line_items(o: Order, info: Info, **args: Any) -> dict[str, Any]:
    return page_of_parts(info, o, o.line_items, args)


@resolver("Order", "transactions")
def transactions(o: Order, _: Info, first: int | None = None) -> list[OrderPart]:
    return [OrderPart(o, t) for t in first_n(o.transactions, first)]


@resolver("Order", "refunds")
def refunds(o: Order, _: Info, first: int | None = None) -> list[OrderPart]:
    return [OrderPart(o, r) for r in first_n(o.refunds, first)]


@resolver("Order", "fulfillmentOrders")
def fulfillment_orders(o: Order, info: Info, **args: Any) -> dict[str, Any]:
    return page_of_parts(info, o, o.fulfillment_orders, args)


@resolver("Order", "fulfillments")
def fulfillments(o: Order, _: Info, first: int | None = None) -> list[OrderPart]:
    return [OrderPart(o, f) for f in first_n(o.fulfillments, first)]

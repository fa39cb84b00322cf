"""The ``OrderById`` GraphQL node -> the orders/* webhook (REST) body.

Reconciliation reads orders over GraphQL but the handler speaks the webhook shape, so
this rebuilds exactly the fields the orders domain and handlers read, in REST form:
snake_case, numeric ids (exact: parsed from the gid as int, never via float), money as
decimal strings with at least two places, ``*_set`` bags with ``shop_money``. Per-line
``*_set`` carry only ``shop_money`` (the document reads shop money; see OrderById).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

__all__ = ["IncompleteOrder", "legacy_id", "order_webhook_shape"]

_FULFILLMENT = {
    "FULFILLED": "fulfilled",
    "PARTIALLY_FULFILLED": "partial",
    "RESTOCKED": "restocked",
}
_TWO_PLACES = Decimal("0.01")


class IncompleteOrder(ValueError):
    """The read did not return every line: documenting part of an order is worse than
    not documenting it."""


def legacy_id(gid: str) -> int:
    """``gid://shopify/Order/5550000000001`` -> 5550000000001 (exact, any size)."""
    tail = gid.rsplit("/", 1)[-1].split("?", 1)[0]
    if not tail.isdigit():
        msg = f"{gid!r} is not a Shopify gid with a numeric id"
        raise ValueError(msg)
    return int(tail)


def _amount(value: object) -> str:
    """GraphQL's Decimal ("10.0") as the webhook writes it ("10.00")."""
    number = Decimal(str(value))
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent > -2:
        number = number.quantize(_TWO_PLACES)
    return format(number, "f")


def _money_set(bag: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if bag is None:
        return None
    out: dict[str, Any] = {}
    for graph, rest in (("shopMoney", "shop_money"), ("presentmentMoney", "presentment_money")):
        money = bag.get(graph)
        if money is not None:
            out[rest] = {"amount": _amount(money["amount"]), "currency_code": money["currencyCode"]}
    return out


def _with_set(out: dict[str, Any], field: str, bag: Mapping[str, Any] | None) -> None:
    """``field`` (shop amount) and ``field_set``, as REST pairs them."""
    converted = _money_set(bag)
    if converted is None:
        return
    out[field] = converted["shop_money"]["amount"]
    out[f"{field}_set"] = converted


def _tax_lines(raw: list[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    out = []
    for tax in raw or []:
        line: dict[str, Any] = {"title": tax.get("title"), "rate": tax.get("rate")}
        _with_set(line, "price", tax.get("priceSet"))
        out.append(line)
    return out


def _address(raw: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    first, last = raw.get("firstName"), raw.get("lastName")
    return {
        "first_name": first,
        "last_name": last,
        "name": " ".join(p for p in (first, last) if p),
        "company": raw.get("company"),
        "address1": raw.get("address1"),
        "address2": raw.get("address2"),
        "city": raw.get("city"),
        "province": raw.get("province"),
        "province_code": raw.get("provinceCode"),
        "country": raw.get("country"),
        "country_code": raw.get("countryCodeV2"),
        "zip": raw.get("zip"),
        "phone": raw.get("phone"),
    }


def _customer(raw: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    return {
        "id": legacy_id(raw["id"]),
        "admin_graphql_api_id": raw["id"],
        "email": raw.get("email"),
        "phone": raw.get("phone"),
        "first_name": raw.get("firstName"),
        "last_name": raw.get("lastName"),
    }


def _nodes(order: Mapping[str, Any], field: str) -> list[Mapping[str, Any]]:
    connection = order.get(field) or {}
    if (connection.get("pageInfo") or {}).get("hasNextPage"):
        msg = f"order {order.get('name')} has more {field} than one read returns"
        raise IncompleteOrder(msg)
    return list(connection.get("nodes") or [])


def _line_item(raw: Mapping[str, Any]) -> dict[str, Any]:
    variant = raw.get("variant")
    line: dict[str, Any] = {
        "id": legacy_id(raw["id"]),
        "admin_graphql_api_id": raw["id"],
        "variant_id": legacy_id(variant["id"]) if variant else None,
        "sku": raw.get("sku"),
        "title": raw.get("title"),
        "name": raw.get("name"),
        "quantity": raw.get("quantity"),
        "current_quantity": raw.get("currentQuantity"),
        "tax_lines": _tax_lines(raw.get("taxLines")),
        "discount_allocations": [],
    }
    _with_set(line, "price", raw.get("originalUnitPriceSet"))
    for allocation in raw.get("discountAllocations") or []:
        out: dict[str, Any] = {
            "discount_application_index": (allocation.get("discountApplication") or {}).get("index")
        }
        _with_set(out, "amount", allocation.get("allocatedAmountSet"))
        line["discount_allocations"].append(out)
    return line


def _shipping_line(raw: Mapping[str, Any]) -> dict[str, Any]:
    line: dict[str, Any] = {
        "id": legacy_id(raw["id"]) if raw.get("id") else None,
        "title": raw.get("title"),
        "code": raw.get("code"),
        "is_removed": False,  # shippingLines leaves removed lines out by default
        "tax_lines": _tax_lines(raw.get("taxLines")),
    }
    _with_set(line, "price", raw.get("originalPriceSet"))
    _with_set(line, "discounted_price", raw.get("discountedPriceSet"))
    return line


_TOTALS = {
    "subtotal_price": "subtotalPriceSet",
    "total_discounts": "totalDiscountsSet",
    "total_tax": "totalTaxSet",
    "total_price": "totalPriceSet",
    "total_outstanding": "totalOutstandingSet",
    "current_subtotal_price": "currentSubtotalPriceSet",
    "current_total_discounts": "currentTotalDiscountsSet",
    "current_total_tax": "currentTotalTaxSet",
    "current_total_price": "currentTotalPriceSet",
}


def order_webhook_shape(node: Mapping[str, Any]) -> dict[str, Any]:
    """The webhook body for an ``OrderById`` ``order`` node (see the module docstring);
    ``IncompleteOrder`` when its lines or shipping lines did not fit in one read."""
    gateways = [str(g) for g in node.get("paymentGatewayNames") or []]
    tags = node.get("tags") or []
    location = node.get("retailLocation")  # POS orders: where the sale happened
    order: dict[str, Any] = {
        "id": legacy_id(node["id"]),
        "admin_graphql_api_id": node["id"],
        "name": node.get("name"),
        "email": node.get("email"),
        "phone": node.get("phone"),
        "note": node.get("note"),
        "tags": ", ".join(tags) if isinstance(tags, list) else tags,
        "test": node.get("test"),
        "source_name": node.get("sourceName"),
        "location_id": legacy_id(location["id"]) if location else None,
        "created_at": node.get("createdAt"),
        "updated_at": node.get("updatedAt"),
        "processed_at": node.get("processedAt"),
        "cancelled_at": node.get("cancelledAt"),
        "cancel_reason": (node.get("cancelReason") or "").lower() or None,
        "closed_at": node.get("closedAt"),
        "currency": node.get("currencyCode"),
        "taxes_included": node.get("taxesIncluded"),
        "financial_status": (node.get("displayFinancialStatus") or "pending").lower(),
        "fulfillment_status": _FULFILLMENT.get(node.get("displayFulfillmentStatus") or ""),
        "payment_gateway_names": gateways,
        "gateway": gateways[0] if gateways else None,
        "customer": _customer(node.get("customer")),
        "billing_address": _address(node.get("billingAddress")),
        "shipping_address": _address(node.get("shippingAddress")),
        "tax_lines": _tax_lines(node.get("taxLines")),
        "line_items": [_line_item(li) for li in _nodes(node, "lineItems")],
        "shipping_lines": [_shipping_line(s) for s in _nodes(node, "shippingLines")],
    }
    for rest, graph in _TOTALS.items():
        _with_set(order, rest, node.get(graph))
    order["total_shipping_price_set"] = _money_set(node.get("totalShippingPriceSet"))
    return order

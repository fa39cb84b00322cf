"""The orders/* body (create, updated, paid, cancelled, fulfilled, partially_fulfilled).

The same body serves every orders/* topic, as in Shopify: the topic says what happened,
the body is the whole order as it is now, refunds and fulfillments included.
"""

from __future__ import annotations

import base64
import hashlib
from collections import defaultdict
from decimal import Decimal
from typing import Any

from shopify_sim.order_totals import (
    current_quantity,
    current_totals,
    fulfillment_status,
    original_totals,
    outstanding,
)
from shopify_sim.payloads_aftersale import fulfillment_body, refund_body
from shopify_sim.payloads_common import address_body, customer_fields, money, money_set, tags, ts
from shopify_sim.payloads_lines import line_item_body, shipping_line_body, tax_lines_body
from shopify_sim.state import LineItem, Order, ShippingLine, Shop, TaxLine, gid


def _taxed(order: Order) -> list[LineItem | ShippingLine]:
    return [*order.line_items, *order.shipping_lines]


def _order_tax_lines(order: Order) -> list[TaxLine]:
    """Line and shipping taxes summed per (title, rate), as the order's `tax_lines`."""
    summed: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
    for taxed in _taxed(order):
        for t in taxed.tax_lines:
            summed[(t.title, t.rate)] += t.price
    return [TaxLine(title, rate, price) for (title, rate), price in summed.items()]


def _discount_codes(order: Order) -> list[dict[str, Any]]:
    codes = []
    for index, app in enumerate(order.discount_applications):
        if app.code is None:
            continue
        amount = sum(
            (
                a.amount
                for taxed in _taxed(order)
                for a in taxed.discount_allocations
                if a.discount_application_index == index
            ),
            Decimal(0),
        )
        codes.append({"code": app.code, "amount": money(amount), "type": app.value_type})
    return codes


def _confirmation_number(order: Order) -> str:
    digest = hashlib.sha256(str(order.id).encode()).hexdigest().upper()
    return "".join(c for c in digest if c not in "01")[:9]


def order_body(shop: Shop, order: Order) -> dict[str, Any]:
    """orders/create, orders/updated, orders/paid, orders/cancelled, orders/fulfilled..."""
    cur, orig, c = current_totals(order), original_totals(order), order.currency
    customer = shop.customers.get(order.customer_id) if order.customer_id is not None else None
    gateways = list(dict.fromkeys(t.gateway for t in order.transactions)) or [order.gateway]
    entity = base64.b64encode(str(shop.id).encode()).decode().rstrip("=")
    weight = sum(li.grams * current_quantity(order, li) for li in order.line_items)
    zero = money_set(Decimal(0), c)
    return {
        "admin_graphql_api_id": gid("Order", order.id),
        "app_id": None,
        "billing_address": address_body(order.billing_address),
        "browser_ip": None,
        "buyer_accepts_marketing": order.buyer_accepts_marketing,
        "cancel_reason": order.cancel_reason,
        "cancelled_at": ts(order.cancelled_at),
        "cart_token": None,
        "checkout_id": None,
        "checkout_token": None,
        "client_details": None,
        "closed_at": ts(order.closed_at),
        "confirmation_number": _confirmation_number(order),
        "confirmed": True,
        "contact_email": order.email,
        "created_at": ts(order.created_at),
        "currency": c,
        "current_shipping_price_set": money_set(cur.shipping, c),
        "current_subtotal_price": money(cur.subtotal),
        "current_subtotal_price_set": money_set(cur.subtotal, c),
        "current_total_additional_fees_set": None,
        "current_total_discounts": money(cur.discounts),
        "current_total_discounts_set": money_set(cur.discounts, c),
        "current_total_duties_set": None,
        "current_total_price": money(cur.total),
        "current_total_price_set": money_set(cur.total, c),
        "current_total_tax": money(cur.tax),
        "current_total_tax_set": money_set(cur.tax, c),
        "customer": customer_fields(shop, customer) if customer is not None else None,
        "customer_locale": "en",
        "device_id": None,
        "discount_applications": [
            {
                "target_type": app.target_type,
                "type": app.type,
                "value": str(app.value),
                "value_type": app.value_type,
                "allocation_method": app.allocation_method,
                "target_selection": app.target_selection,
                **({"code": app.code} if app.code is not None else {"title": app.title}),
            }
            for app in order.discount_applications
        ],
        "discount_codes": _discount_codes(order),
        "duties_included": False,
        "email": order.email,
        "estimated_taxes": False,
        "financial_status": order.financial_status,
        "fulfillment_status": fulfillment_status(order),
        "fulfillments": [fulfillment_body(shop, order, f) for f in order.fulfillments],
        "id": order.id,
        "landing_site": None,
        "landing_site_ref": None,
        "line_items": [line_item_body(shop, order, li, full=True) for li in order.line_items],
        "location_id": order.location_id,
        "merchant_business_entity_id": entity,
        "merchant_of_record_app_id": None,
        "name": order.name,
        "note": order.note,
        "note_attributes": [],
        "number": order.number,
        "order_number": order.order_number,
        "order_status_url": (
            f"https://{shop.domain}/{shop.id}/orders/{order.token}/authenticate"
            f"?key={order.token[:16]}"
        ),
        "original_total_additional_fees_set": None,
        "original_total_duties_set": None,
        "payment_gateway_names": gateways,
        "payment_terms": None,
        "phone": order.phone,
        "po_number": None,
        "presentment_currency": c,
        "processed_at": ts(order.processed_at),
        "reference": None,
        "referring_site": None,
        "refunds": [refund_body(shop, order, r) for r in order.refunds],
        "returns": [],
        "shipping_address": address_body(order.shipping_address),
        "shipping_lines": [shipping_line_body(order, s) for s in order.shipping_lines],
        "source_identifier": None,
        "source_name": order.source_name,
        "source_url": None,
        "subtotal_price": money(orig.subtotal),
        "subtotal_price_set": money_set(orig.subtotal, c),
        "tags": tags(order.tags),
        "tax_exempt": customer.tax_exempt if customer is not None else False,
        "tax_lines": tax_lines_body(_order_tax_lines(order), c),
        "taxes_included": order.taxes_included,
        "test": order.test,
        "token": order.token,
        "total_cash_rounding_payment_adjustment_set": zero,
        "total_cash_rounding_refund_adjustment_set": zero,
        "total_discounts": money(orig.discounts),
        "total_discounts_set": money_set(orig.discounts, c),
        "total_line_items_price": money(orig.line_items),
        "total_line_items_price_set": money_set(orig.line_items, c),
        "total_outstanding": money(outstanding(order)),
        "total_price": money(orig.total),
        "total_price_set": money_set(orig.total, c),
        "total_shipping_price_set": money_set(orig.shipping, c),
        "total_tax": money(orig.tax),
        "total_tax_set": money_set(orig.tax, c),
        "total_tip_received": "0.00",
        "total_weight": weight,
        "updated_at": ts(order.updated_at),
        "user_id": None,
    }

"""After-sale webhook bodies: order_transactions/create, refunds/create, fulfillments/create
and orders/edited.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from shopify_sim.order_totals import open_authorization
from shopify_sim.payloads_common import address_body, money, money_set, ts
from shopify_sim.payloads_lines import line_item_body, shipping_line_body
from shopify_sim.state import Fulfillment, Order, Refund, Shop, Transaction, gid

# Gateways where the merchant records the payment by hand (no card data).
MANUAL_GATEWAYS = frozenset(
    {"manual", "cash", "bank_deposit", "money_order", "cash_on_delivery", "Cash on Delivery (COD)"}
)


def _unsettled(order: Order, txn: Transaction) -> dict[str, Any]:
    """Shopify's quirky bag: ``currency`` (not ``currency_code``), "403.0", "XXX" when none."""
    open_amount = open_authorization(order) if txn.kind == "authorization" else Decimal(0)
    bag = (
        {"amount": str(float(open_amount)), "currency": txn.currency}
        if open_amount > 0
        else {"amount": "0.0", "currency": "XXX"}
    )
    return {"presentment_money": dict(bag), "shop_money": dict(bag)}


def _payment_details(txn: Transaction) -> dict[str, Any]:
    company = "Bogus" if txn.gateway == "bogus" else "Visa"
    return {
        "avs_result_code": None,
        "buyer_action_info": None,
        "credit_card_bin": "1",
        "credit_card_company": company,
        "credit_card_expiration_month": 12,
        "credit_card_expiration_year": 2030,
        "credit_card_name": "Bob Biller",
        "credit_card_number": "•••• •••• •••• 4242",
        "credit_card_wallet": None,
        "cvv_result_code": None,
        "payment_method_name": txn.gateway,
    }


def transaction_body(
    shop: Shop, order: Order, transaction: Transaction, *, nested: bool = False
) -> dict[str, Any]:
    """order_transactions/create; `nested` drops `payment_details` as inside a refund."""
    index = next((i for i, t in enumerate(order.transactions, 1) if t.id == transaction.id), 0)
    manual = transaction.gateway in MANUAL_GATEWAYS
    body: dict[str, Any] = {
        "admin_graphql_api_id": gid("OrderTransaction", transaction.id),
        "amount": money(transaction.amount),
        "amount_rounding": None,
        "authorization": transaction.authorization,
        "created_at": ts(transaction.created_at),
        "currency": transaction.currency,
        "device_id": None,
        "error_code": transaction.error_code,
        "gateway": transaction.gateway,
        "id": transaction.id,
        "kind": transaction.kind,
        "location_id": transaction.location_id,
        "manual_payment_gateway": manual,
        "message": transaction.message,
        "order_id": order.id,
        "parent_id": transaction.parent_id,
        "payment_id": f"{order.name}.{index}",
        "processed_at": ts(transaction.processed_at),
        "receipt": {},
        "source_name": transaction.source_name,
        "status": transaction.status,
        "test": transaction.test,
        "total_unsettled_set": _unsettled(order, transaction),
        "user_id": None,
    }
    if not nested and not manual:
        body["payment_details"] = _payment_details(transaction)
    return body


def refund_body(shop: Shop, order: Order, refund: Refund) -> dict[str, Any]:
    """refunds/create."""
    c = order.currency
    lines = {li.id: li for li in order.line_items}
    shipping = order.shipping_lines[0] if order.shipping_lines else None
    return {
        "admin_graphql_api_id": gid("Refund", refund.id),
        "created_at": ts(refund.created_at),
        "duties": [],
        "id": refund.id,
        "note": refund.note,
        "order_adjustments": [
            {
                "id": a.id,
                "order_id": order.id,
                "refund_id": refund.id,
                "amount": money(-a.amount),
                "amount_set": money_set(-a.amount, c),
                "tax_amount": money(-a.tax_amount),
                "tax_amount_set": money_set(-a.tax_amount, c),
                "kind": a.kind,
                "reason": a.reason,
            }
            for a in refund.order_adjustments
            if a.kind != "shipping_refund"
        ],
        "order_id": order.id,
        "processed_at": ts(refund.processed_at),
        "refund_line_items": [
            {
                "id": rli.id,
                "line_item": line_item_body(shop, order, lines[rli.line_item_id]),
                "line_item_id": rli.line_item_id,
                "location_id": rli.location_id,
                "quantity": rli.quantity,
                "restock_type": rli.restock_type,
                "subtotal": float(rli.subtotal),
                "subtotal_set": money_set(rli.subtotal, c),
                "total_tax": float(rli.total_tax),
                "total_tax_set": money_set(rli.total_tax, c),
            }
            for rli in refund.refund_line_items
        ],
        # Shipping refunds since 2024-10; the state keeps them as shipping_refund adjustments.
        "refund_shipping_lines": [
            {
                "id": a.id,
                "shipping_line_id": shipping.id,
                "shipping_line": shipping_line_body(order, shipping),
                "subtotal_amount_set": money_set(a.amount, c),
                "tax_amount_set": money_set(a.tax_amount, c),
            }
            for a in refund.order_adjustments
            if a.kind == "shipping_refund" and shipping is not None
        ],
        "restock": refund.restock,
        "return": None,
        "total_duties_set": money_set(Decimal(0), c),
        "transactions": [
            transaction_body(shop, order, t, nested=True) for t in refund.transactions
        ],
        "user_id": None,
    }


def fulfillment_body(shop: Shop, order: Order, fulfillment: Fulfillment) -> dict[str, Any]:
    """fulfillments/create, fulfillments/update."""
    lines = {li.id: li for li in order.line_items}
    numbers, urls = fulfillment.tracking_numbers, fulfillment.tracking_urls
    return {
        "admin_graphql_api_id": gid("Fulfillment", fulfillment.id),
        "created_at": ts(fulfillment.created_at),
        "destination": address_body(order.shipping_address),
        "email": order.email,
        "id": fulfillment.id,
        "line_items": [
            line_item_body(shop, order, lines[fl.line_item_id], fl.quantity)
            for fl in fulfillment.line_items
        ],
        "location_id": fulfillment.location_id,
        "name": fulfillment.name,
        "order_id": order.id,
        "origin_address": None,
        "receipt": {},
        "service": "manual",
        "shipment_status": fulfillment.shipment_status,
        "status": fulfillment.status,
        "tracking_company": fulfillment.tracking_company,
        "tracking_number": numbers[0] if numbers else None,
        "tracking_numbers": list(numbers),
        "tracking_url": urls[0] if urls else None,
        "tracking_urls": list(urls),
        "updated_at": ts(fulfillment.updated_at),
    }


def order_edit_body(
    order: Order,
    *,
    edit_id: int,
    committed_at: datetime,
    additions: list[tuple[int, int]],
    removals: list[tuple[int, int]],
    notify_customer: bool,
    staff_note: str,
) -> dict[str, Any]:
    """orders/edited: what changed, as (line item id, delta) pairs; not the whole order."""
    return {
        "order_edit": {
            "app_id": None,
            "committed_at": ts(committed_at),
            "created_at": ts(committed_at),
            "discounts": {"line_item": {"additions": [], "removals": []}},
            "id": edit_id,
            "line_items": {
                "additions": [{"delta": d, "id": i} for i, d in additions],
                "removals": [{"delta": d, "id": i} for i, d in removals],
            },
            "notify_customer": notify_customer,
            "order_id": order.id,
            "shipping_lines": {"additions": [], "removals": []},
            "staff_note": staff_note,
            "user_id": None,
        }
    }

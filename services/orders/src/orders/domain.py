"""The orders service's pure rules: whether an order becomes an ERP document now, which
document, the idempotency key of every ERP call, and why an order is refused.

No I/O: the handler feeds it the order payload, the tenant's policy and (for totals) the
ERP's tax table, and applies what it decides. Mapping and totals live in
``orders.domain_document``, refusals in ``orders.domain_refusals``; both are re-exported.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from orders.domain_document import order_id, payment_method, to_sales_document
from orders.domain_refusals import (
    CurrencyMismatch,
    InvalidDocument,
    LinesWithoutSku,
    NotAnOrder,
    NothingToDocument,
    Refusal,
    TotalMismatch,
    UnknownSku,
    UnknownTaxCode,
    UnmappedGateway,
    UnmappedTaxRate,
)
from orders.domain_totals import check_total, erp_total, shopify_total
from orders.policy import OrdersPolicy

__all__ = [
    "CurrencyMismatch",
    "Decision",
    "InvalidDocument",
    "LinesWithoutSku",
    "NotAnOrder",
    "NothingToDocument",
    "Refusal",
    "TotalMismatch",
    "UnknownSku",
    "UnknownTaxCode",
    "UnmappedGateway",
    "UnmappedTaxRate",
    "channel",
    "check_total",
    "erp_total",
    "idempotency_key",
    "order_id",
    "payment_method",
    "shopify_total",
    "should_create",
    "to_sales_document",
]

PAID = frozenset({"paid", "partially_refunded", "refunded"})
# Payment voided or expired: nothing was (or will be) sold on this order.
DEAD = frozenset({"voided", "expired"})
# Events whose body is the order itself; any of them may be the first one we see.
ORDER_EVENTS = frozenset(
    {
        "orders/create",
        "orders/updated",
        "orders/paid",
        "orders/fulfilled",
        "orders/partially_fulfilled",
        "orders/cancelled",
    }
)


@dataclass(frozen=True, slots=True)
class Decision:
    """``create`` now, ``wait`` for a later event of the same order, or ``skip`` it."""

    action: Literal["create", "wait", "skip"]
    reason: str


def channel(order: Mapping[str, Any]) -> Literal["online", "pos"]:
    """Shopify marks point-of-sale orders with ``source_name == "pos"``."""
    return "pos" if order.get("source_name") == "pos" else "online"


def should_create(order: Mapping[str, Any], policy: OrdersPolicy, event_type: str) -> Decision:
    """Whether this order should have its ERP document now.

    Decided from the order's state, not from which event carried it: webhooks arrive out
    of order or not at all (``orders/paid`` before ``orders/create``), so any order event
    whose state meets the trigger creates, and the handler's mapping (tenant, order id)
    makes the second one a no-op. A document that waits is created by a later event or
    by reconciliation.
    """
    if (skip := _skip_reason(order, policy, event_type)) is not None:
        return Decision("skip", skip)
    if (wait := _wait_reason(order, policy)) is not None:
        return Decision("wait", wait)
    financial = order.get("financial_status") or "pending"
    fulfillment = order.get("fulfillment_status")
    return Decision("create", f"{policy.trigger} trigger met ({financial}, {fulfillment})")


def _skip_reason(order: Mapping[str, Any], policy: OrdersPolicy, event_type: str) -> str | None:
    """Why this order never gets a document, or None."""
    financial = str(order.get("financial_status") or "pending")
    source = channel(order)
    if event_type not in ORDER_EVENTS:
        return f"{event_type} does not carry an order to document"
    if order.get("cancelled_at"):
        return "the order is cancelled"
    if financial in DEAD:
        return f"the payment is {financial}"
    if source not in policy.channels:
        return f"{source} orders are not synced for this tenant"
    return None


def _wait_reason(order: Mapping[str, Any], policy: OrdersPolicy) -> str | None:
    """Why this order gets its document later, or None."""
    financial = str(order.get("financial_status") or "pending")
    fulfillment = order.get("fulfillment_status")
    try:
        method: str | None = payment_method(order, policy)
    except Refusal:
        method = None  # the mapping refuses it with a reason when the document is made
    if method in policy.credit_payment_methods and financial not in PAID:
        return f"credit sale ({method}) is {financial}, not fully paid yet"
    if policy.trigger == "paid" and financial not in PAID:
        return f"the trigger is payment and the order is {financial}"
    if policy.trigger == "fulfilled" and fulfillment != "fulfilled":
        return f"the trigger is fulfilment and the order is {fulfillment or 'unfulfilled'}"
    return None


def idempotency_key(tenant: str, order: str | int, purpose: str = "document") -> str:
    """The key of an ERP call for one order: the same on every redelivery and replay, so
    the ERP returns what it already made. ``purpose`` is ``document``, ``cancel`` or
    ``refund:<refund id>``."""
    return f"shopsync:{tenant}:order:{order}:{purpose}"

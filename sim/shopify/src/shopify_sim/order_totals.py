"""Order arithmetic shared by the operations and the webhook bodies.

Shopify keeps two views of an order: the original one (``total_price``, ``subtotal_price``)
and the current one (``current_*``), which reflects edits and refunds. Both come from the
same line data here, so the numbers a webhook shows always match what the operations did.
Rounding is to the cent, half up; a share of a discount or a tax for part of a line is
taken pro rata to the quantity.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from shopify_sim.state import FinancialStatus, LineItem, Order

CENT = Decimal("0.01")
ZERO = Decimal(0)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def share(amount: Decimal, part: int, whole: int) -> Decimal:
    """The part of a line-level amount that belongs to `part` of `whole` units."""
    if whole <= 0 or part <= 0:
        return ZERO
    return amount if part == whole else cents(amount * part / whole)


def refunded_quantity(order: Order, line: LineItem) -> int:
    return sum(
        rli.quantity
        for refund in order.refunds
        for rli in refund.refund_line_items
        if rli.line_item_id == line.id
    )


def current_quantity(order: Order, line: LineItem) -> int:
    return line.quantity - refunded_quantity(order, line) - line.removed_quantity


def fulfilled_quantity(order: Order, line: LineItem) -> int:
    return sum(
        fl.quantity
        for f in order.fulfillments
        if f.status == "success"
        for fl in f.line_items
        if fl.line_item_id == line.id
    )


def line_discount(line: LineItem) -> Decimal:
    return sum((a.amount for a in line.discount_allocations), ZERO)


def line_tax(line: LineItem) -> Decimal:
    return sum((t.price for t in line.tax_lines), ZERO)


@dataclass(frozen=True)
class Totals:
    line_items: Decimal  # price x quantity, before discounts
    discounts: Decimal
    shipping: Decimal
    tax: Decimal
    taxes_included: bool

    @property
    def subtotal(self) -> Decimal:
        return self.line_items - self.discounts

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping + (ZERO if self.taxes_included else self.tax)


def original_totals(order: Order) -> Totals:
    return Totals(
        line_items=sum((li.price * li.quantity for li in order.line_items), ZERO),
        discounts=order.total_line_discounts,
        shipping=order.total_shipping,
        tax=order.total_tax,
        taxes_included=order.taxes_included,
    )


def refunded_shipping(order: Order) -> tuple[Decimal, Decimal]:
    """(amount, tax) of shipping refunded so far; adjustments hold positive amounts."""
    adjustments = [
        a for r in order.refunds for a in r.order_adjustments if a.kind == "shipping_refund"
    ]
    return (
        sum((a.amount for a in adjustments), ZERO),
        sum((a.tax_amount for a in adjustments), ZERO),
    )


def current_totals(order: Order) -> Totals:
    """Totals after order edits and refunds (Shopify's ``current_*`` fields)."""
    gross = discounts = tax = ZERO
    for li in order.line_items:
        qty = current_quantity(order, li)
        gross += li.price * qty
        discounts += share(line_discount(li), qty, li.quantity)
        tax += share(line_tax(li), qty, li.quantity)
    shipping_refund, shipping_tax_refund = refunded_shipping(order)
    shipping_tax = sum((t.price for s in order.shipping_lines for t in s.tax_lines), ZERO)
    return Totals(
        line_items=gross,
        discounts=discounts,
        shipping=order.total_shipping - shipping_refund,
        tax=tax + shipping_tax - shipping_tax_refund,
        taxes_included=order.taxes_included,
    )


def captured(order: Order) -> Decimal:
    """Money taken: successful sales and captures."""
    return sum(
        (
            t.amount
            for t in order.transactions
            if t.kind in ("sale", "capture") and t.status == "success"
        ),
        ZERO,
    )


def open_authorization(order: Order) -> Decimal:
    """Authorized and neither captured nor voided yet."""
    authorized = ZERO
    for auth in order.transactions:
        if auth.kind != "authorization" or auth.status != "success":
            continue
        children = [
            t for t in order.transactions if t.parent_id == auth.id and t.status == "success"
        ]
        if any(t.kind == "void" for t in children):
            continue
        authorized += auth.amount - sum((t.amount for t in children if t.kind == "capture"), ZERO)
    return max(authorized, ZERO)


def outstanding(order: Order) -> Decimal:
    return current_totals(order).total - (captured(order) - order.total_refunded)


def financial_status(order: Order) -> FinancialStatus:
    """The status Shopify derives from the order's transactions."""
    taken = captured(order)
    refunded = order.total_refunded
    if taken > 0 and refunded > 0:
        return "refunded" if refunded >= taken else "partially_refunded"
    if taken > 0:
        return "paid" if taken >= current_totals(order).total else "partially_paid"
    if open_authorization(order) > 0:
        return "authorized"
    voided = any(t.kind == "void" and t.status == "success" for t in order.transactions)
    if order.cancelled_at is not None or voided:
        return "voided"
    return "paid" if current_totals(order).total <= 0 else "pending"


def fulfillment_status(order: Order) -> Literal["fulfilled", "partial"] | None:
    """Order-level status over the lines still to ship or already shipped (a line refunded
    or edited away before shipping no longer counts)."""
    relevant = [
        li
        for li in order.line_items
        if li.requires_shipping and (li.fulfillable_quantity > 0 or li.fulfillment_status)
    ]
    if relevant and all(li.fulfillment_status == "fulfilled" for li in relevant):
        return "fulfilled"
    return "partial" if any(li.fulfillment_status for li in relevant) else None

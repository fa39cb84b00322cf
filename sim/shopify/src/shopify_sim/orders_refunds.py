"""Refunds and cancellations, with Shopify's restock rules.

A refunded unit that was never shipped is ``cancel``-restocked (committed back to
available at the fulfillment order's location) or, without restock, written off
(committed and on hand down: the goods are gone). A shipped unit is ``return``-restocked
(available and on hand up where it comes back) or left alone. Money goes back on the
gateway that took it, never more than was taken.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from pydantic import Field

from shopify_sim.errors import UserErrors
from shopify_sim.order_totals import (
    captured,
    cents,
    current_quantity,
    fulfilled_quantity,
    line_discount,
    line_tax,
    open_authorization,
    refunded_shipping,
    share,
)
from shopify_sim.orders_common import (
    Input,
    Moves,
    emit_order,
    emit_transactions,
    find_order,
    move_stock,
    new_transaction,
    release_unshipped,
    settle,
    tracked_item,
)
from shopify_sim.payloads import refund_body
from shopify_sim.state import (
    LineItem,
    Order,
    OrderAdjustment,
    Refund,
    RefundLineItem,
    Shop,
    SimState,
    Transaction,
)

RestockType = Literal["return", "cancel", "no_restock"]


class RefundLineInput(Input):
    line_item_id: int | None = None
    sku: str | None = None  # instead of line_item_id: the first line with this SKU
    quantity: int = Field(ge=1)
    restock_type: RestockType | None = None  # None: from RefundInput.restock


class ShippingRefundInput(Input):
    full_refund: bool = False
    amount: Decimal | None = Field(default=None, ge=0)


class RefundInput(Input):
    lines: list[RefundLineInput] = Field(default_factory=list)
    restock: bool = False
    location_id: int | None = None  # where returned units go back; default: where they left
    shipping: ShippingRefundInput | None = None
    amount: Decimal | None = Field(default=None, ge=0)  # default: what lines + shipping are worth
    note: str | None = None


class CancelInput(Input):
    reason: Literal["customer", "fraud", "inventory", "declined", "other"] = "other"
    restock: bool = True
    refund: bool = True
    note: str | None = None


@dataclass
class _Part:
    line: LineItem
    quantity: int
    restock_type: RestockType
    unshipped: bool


def _line(order: Order, spec: RefundLineInput, path: list[str]) -> LineItem:
    for line in order.line_items:
        if (spec.line_item_id is not None and line.id == spec.line_item_id) or (
            spec.line_item_id is None and spec.sku is not None and line.sku == spec.sku
        ):
            return line
    wanted = spec.line_item_id if spec.line_item_id is not None else spec.sku
    raise UserErrors.one(f"Order {order.name} has no line {wanted!r}", path, "NOT_FOUND")


def _returned(order: Order, line: LineItem) -> int:
    return sum(
        rli.quantity
        for r in order.refunds
        for rli in r.refund_line_items
        if rli.line_item_id == line.id and rli.restock_type == "return"
    )


def _parts(order: Order, spec: RefundInput) -> list[_Part]:
    """Split each requested line into unshipped and shipped units, checking quantities."""
    parts: list[_Part] = []
    for i, item in enumerate(spec.lines):
        path = ["lines", str(i)]
        line = _line(order, item, path)
        left = current_quantity(order, line)
        if item.quantity > left:
            raise UserErrors.one(
                f"Cannot refund {item.quantity} of {line.name}: {left} left on the order",
                [*path, "quantity"],
            )
        kind = item.restock_type
        unshipped = min(item.quantity, line.fulfillable_quantity)
        if kind == "cancel" and item.quantity > unshipped:
            raise UserErrors.one(
                f"Only {unshipped} of {line.name} are unshipped", [*path, "quantity"]
            )
        if kind == "return":
            unshipped = 0
        shipped = item.quantity - unshipped
        returns = kind == "return" or (kind is None and spec.restock)
        if returns and shipped > fulfilled_quantity(order, line) - _returned(order, line):
            raise UserErrors.one(
                f"Only shipped units of {line.name} can be returned", [*path, "quantity"]
            )
        cancels = kind == "cancel" or (kind is None and spec.restock)
        if unshipped:
            parts.append(_Part(line, unshipped, "cancel" if cancels else "no_restock", True))
        if shipped:
            parts.append(_Part(line, shipped, "return" if returns else "no_restock", False))
    return parts


def _shipping_refund(order: Order, spec: ShippingRefundInput | None) -> tuple[Decimal, Decimal]:
    if spec is None:
        return Decimal(0), Decimal(0)
    done, done_tax = refunded_shipping(order)
    left = order.total_shipping - done
    tax_total = sum((t.price for s in order.shipping_lines for t in s.tax_lines), Decimal(0))
    if spec.full_refund:
        return left, tax_total - done_tax
    amount = spec.amount or Decimal(0)
    if amount > left:
        raise UserErrors.one(f"Only {left} of shipping is left to refund", ["shipping", "amount"])
    return amount, share(tax_total, int(amount * 100), int(order.total_shipping * 100))


def _return_location(shop: Shop, order: Order, line: LineItem, wanted: int | None) -> int:
    if wanted is not None:
        if wanted not in shop.locations:
            raise UserErrors.one(f"Location {wanted} does not exist", ["location_id"])
        return wanted
    shipped_from = [
        f.location_id
        for f in order.fulfillments
        for fl in f.line_items
        if fl.line_item_id == line.id
    ]
    return shipped_from[-1] if shipped_from else next(iter(shop.locations))


def _take_back(
    state: SimState, shop: Shop, order: Order, part: _Part, *, location_id: int | None, moves: Moves
) -> list[RefundLineItem]:
    """Apply one part to fulfillment orders and stock; one refund line per location."""
    line, item = part.line, tracked_item(shop, part.line)
    if part.unshipped:
        restock = part.restock_type == "cancel"
        released = release_unshipped(
            state, order, line, part.quantity, restock=restock, item=item, moves=moves
        )
        taken = [(qty, loc if restock else None) for qty, loc in released]
    elif part.restock_type == "return":
        loc = _return_location(shop, order, line, location_id)
        if item is not None:
            moves[(item, loc)]["available"] += part.quantity
            moves[(item, loc)]["on_hand"] += part.quantity
        taken = [(part.quantity, loc)]
    else:
        taken = [(part.quantity, None)]
    if line.fulfillable_quantity == 0 and fulfilled_quantity(order, line) > 0:
        line.fulfillment_status = "fulfilled"
    return [
        RefundLineItem(
            id=state.next_id(),
            line_item_id=line.id,
            quantity=qty,
            restock_type=part.restock_type,
            subtotal=cents(line.price * qty - share(line_discount(line), qty, line.quantity)),
            total_tax=share(line_tax(line), qty, line.quantity),
            location_id=loc,
        )
        for qty, loc in taken
    ]


def _record_refund(
    state: SimState,
    shop: Shop,
    order: Order,
    *,
    parts: list[_Part],
    location_id: int | None,
    shipping: tuple[Decimal, Decimal],
    amount: Decimal | None,
    note: str | None,
    money_back: bool = True,
) -> tuple[Refund, Moves]:
    """Record a refund; money is `amount`, else what it is worth (capped at what was
    taken), or nothing without `money_back`. Stock moves are returned, not applied."""
    now = state.now()
    moves: Moves = defaultdict(lambda: defaultdict(int))
    refund = Refund(
        id=state.next_id(), order_id=order.id, created_at=now, processed_at=now, note=note
    )
    for part in parts:
        refund.refund_line_items += _take_back(
            state, shop, order, part, location_id=location_id, moves=moves
        )
    refund.restock = any(p.restock_type != "no_restock" for p in parts)
    ship, ship_tax = shipping
    if ship > 0:
        refund.order_adjustments.append(
            OrderAdjustment(state.next_id(), ship, ship_tax, "shipping_refund", "Shipping refund")
        )
    taxes = sum((r.total_tax for r in refund.refund_line_items), Decimal(0)) + ship_tax
    worth = sum((r.subtotal for r in refund.refund_line_items), Decimal(0)) + ship
    worth += Decimal(0) if order.taxes_included else taxes
    refundable = captured(order) - order.total_refunded
    if amount is not None and amount > refundable:
        raise UserErrors.one(
            f"Refund amount {amount} exceeds the {refundable} that can be refunded", ["amount"]
        )
    money = min(worth, refundable) if amount is None else amount
    if not money_back:
        money = Decimal(0)
    elif amount is not None and amount != worth:
        refund.order_adjustments.append(
            OrderAdjustment(
                state.next_id(),
                amount - worth,
                Decimal(0),
                "refund_discrepancy",
                "Refund discrepancy",
            )
        )
    if money > 0:
        parent = next(
            t
            for t in reversed(order.transactions)
            if t.kind in ("sale", "capture") and t.status == "success"
        )
        refund.transactions.append(
            new_transaction(
                state, order, "refund", money, gateway=parent.gateway, parent_id=parent.id
            )
        )
    order.refunds.append(refund)
    return refund, moves


def refund_order(state: SimState, shop: Shop, order_id: int, spec: RefundInput) -> Refund:
    """A refund of lines, shipping and/or money: refunds/create, the refund transaction,
    orders/updated, and inventory_levels/update where stock comes back."""
    with state.action():
        order = find_order(shop, order_id)
        parts = _parts(order, spec)
        shipping = _shipping_refund(order, spec.shipping)
        if not parts and shipping[0] == 0 and not spec.amount:
            raise UserErrors.one("Nothing to refund: give lines, shipping or an amount", ["lines"])
        refund, moves = _record_refund(
            state,
            shop,
            order,
            parts=parts,
            location_id=spec.location_id,
            shipping=shipping,
            amount=spec.amount,
            note=spec.note,
        )
        settle(state, order)
        move_stock(state, shop, moves, "restock")
        state.emit(shop, "refunds/create", refund_body(shop, order, refund))
        emit_transactions(state, shop, order, refund.transactions)
        emit_order(state, shop, order, "orders/updated")
        return refund


def cancel_order(state: SimState, shop: Shop, order_id: int, spec: CancelInput) -> Order:
    """Cancel an unshipped order: release or write off its stock, void an open
    authorization, refund what was taken when asked."""
    with state.action():
        order = find_order(shop, order_id)
        if order.cancelled_at is not None:
            raise UserErrors.one(f"Order {order.name} is already cancelled", ["id"])
        if any(f.status == "success" for f in order.fulfillments):
            raise UserErrors.one(
                "An order with fulfillments cannot be cancelled", ["id"], "INVALID"
            )
        kind: RestockType = "cancel" if spec.restock else "no_restock"
        parts = [
            _Part(li, current_quantity(order, li), kind, True)
            for li in order.line_items
            if current_quantity(order, li) > 0
        ]
        refundable = captured(order) - order.total_refunded
        shipping = _shipping_refund(
            order, ShippingRefundInput(full_refund=True) if spec.refund else None
        )
        refund = None
        if parts or (spec.refund and refundable > 0):
            refund, moves = _record_refund(
                state,
                shop,
                order,
                parts=parts,
                location_id=None,
                shipping=shipping,
                amount=None,
                note=spec.note,
                money_back=spec.refund,
            )
            move_stock(state, shop, moves, "restock" if spec.restock else "other")
        txns: list[Transaction] = list(refund.transactions) if refund else []
        if open_authorization(order) > 0:
            auth = next(t for t in order.transactions if t.kind == "authorization")
            void = new_transaction(
                state, order, "void", auth.amount, gateway=auth.gateway, parent_id=auth.id
            )
            txns.append(void)
        for fo in order.fulfillment_orders:
            fo.status = "CANCELLED"
        now = state.now()
        order.cancelled_at, order.cancel_reason, order.closed_at = now, spec.reason, now
        settle(state, order)
        emit_order(state, shop, order, "orders/cancelled")
        if refund is not None:
            state.emit(shop, "refunds/create", refund_body(shop, order, refund))
        emit_transactions(state, shop, order, txns)
        emit_order(state, shop, order, "orders/updated")
        return order

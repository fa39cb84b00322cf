"""Order edits (the admin's "Edit order"): fewer units of a line, or new lines.

Shopify keeps a line's ordered ``quantity`` and lowers ``current_quantity``; removed
units go back to stock (or are written off without restock), added lines commit stock
and get their own fulfillment order. The app hears orders/edited (the changes, not the
order) and orders/updated. Raising an existing line's quantity is not modelled: add a
line instead.
"""

from __future__ import annotations

from collections import defaultdict

from pydantic import Field

from shopify_sim.errors import UserErrors
from shopify_sim.order_totals import current_quantity
from shopify_sim.orders_common import (
    Input,
    LineInput,
    Moves,
    TaxInput,
    apply_tax,
    build_line,
    check_stock,
    emit_order,
    find_order,
    merge_moves,
    move_stock,
    open_fulfillment_orders,
    release_unshipped,
    settle,
    tracked_item,
)
from shopify_sim.payloads import order_edit_body
from shopify_sim.state import Order, Shop, SimState


class QuantityChange(Input):
    line_item_id: int
    quantity: int = Field(ge=0)  # the line's new quantity; lower than its current one


class EditInput(Input):
    changes: list[QuantityChange] = Field(default_factory=list)
    add: list[LineInput] = Field(default_factory=list)
    restock: bool = True
    notify_customer: bool = False
    staff_note: str = ""


def _order_tax(order: Order) -> TaxInput | None:
    """Added lines are taxed like the order's existing lines."""
    for line in order.line_items:
        for tax in line.tax_lines:
            return TaxInput(rate=tax.rate, title=tax.title)
    return None


def _remove(
    state: SimState, shop: Shop, order: Order, spec: EditInput, moves: Moves
) -> list[tuple[int, int]]:
    removals: list[tuple[int, int]] = []
    lines = {li.id: li for li in order.line_items}
    for i, change in enumerate(spec.changes):
        path = ["changes", str(i)]
        line = lines.get(change.line_item_id)
        if line is None:
            raise UserErrors.one(
                f"Order {order.name} has no line {change.line_item_id}", [*path, "line_item_id"]
            )
        delta = current_quantity(order, line) - change.quantity
        if delta < 0:
            raise UserErrors.one(
                "Raising a line's quantity is not supported: add a line instead",
                [*path, "quantity"],
            )
        if delta > line.fulfillable_quantity:
            raise UserErrors.one(
                f"Only {line.fulfillable_quantity} unshipped units of {line.name} can be removed",
                [*path, "quantity"],
            )
        if delta == 0:
            continue
        line.removed_quantity += delta
        item = tracked_item(shop, line)
        release_unshipped(state, order, line, delta, restock=spec.restock, item=item, moves=moves)
        removals.append((line.id, delta))
    return removals


def edit_order(state: SimState, shop: Shop, order_id: int, spec: EditInput) -> Order:
    with state.action():
        order = find_order(shop, order_id)
        if order.cancelled_at is not None:
            raise UserErrors.one(f"Order {order.name} is cancelled", ["id"])
        if not spec.changes and not spec.add:
            raise UserErrors.one("Nothing to edit: give changes or lines to add", ["changes"])
        added = [build_line(state, shop, line, ["add", str(i)]) for i, line in enumerate(spec.add)]
        check_stock(shop, added, order.location_id)
        removed_moves: Moves = defaultdict(lambda: defaultdict(int))
        removals = _remove(state, shop, order, spec, removed_moves)
        tax = _order_tax(order)
        for line in added:
            apply_tax(line, tax, order.taxes_included)
        order.line_items.extend(added)
        new_fos, added_moves = open_fulfillment_orders(state, shop, order, added, order.location_id)
        order.fulfillment_orders.extend(new_fos)
        settle(state, order)
        move_stock(state, shop, merge_moves(removed_moves, added_moves), "other")
        body = order_edit_body(
            order,
            edit_id=state.next_id(),
            committed_at=state.now(),
            additions=[(line.id, line.quantity) for line in added],
            removals=removals,
            notify_customer=spec.notify_customer,
            staff_note=spec.staff_note,
        )
        state.emit(shop, "orders/edited", body)
        emit_order(state, shop, order, "orders/updated")
        return order

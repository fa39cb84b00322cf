"""Fulfilling orders: what fulfillmentCreate (GraphQL) and a POS hand-over do.

Shipping takes the committed units off the shelf (committed and on hand down at the
fulfillment order's location), closes what is done, and tells the app: fulfillments/create,
orders/fulfilled or orders/partially_fulfilled, and orders/updated.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from shopify_sim.errors import UserError, UserErrors
from shopify_sim.order_totals import fulfillment_status
from shopify_sim.orders_common import Moves, emit_order, find_order, move_stock
from shopify_sim.payloads import fulfillment_body
from shopify_sim.state import (
    Fulfillment,
    FulfillmentLine,
    FulfillmentOrder,
    FulfillmentOrderLineItem,
    Order,
    Shop,
    SimState,
)

# What to ship: per fulfillment order, (its line, quantity) pairs.
Picks = list[tuple[FulfillmentOrder, list[tuple[FulfillmentOrderLineItem, int]]]]
_FIELD = ["fulfillment", "lineItemsByFulfillmentOrder"]


def _find_fulfillment_order(shop: Shop, fo_id: int) -> tuple[Order, FulfillmentOrder] | None:
    for order in shop.orders.values():
        for fo in order.fulfillment_orders:
            if fo.id == fo_id:
                return order, fo
    return None


def _picks(
    shop: Shop, requested: list[tuple[int, list[tuple[int, int]] | None]]
) -> tuple[Order, Picks]:
    """Resolve and check the request; every refusal names the input it is about."""
    if not requested:
        raise UserErrors.one("No fulfillment orders were given", _FIELD)
    order: Order | None = None
    picks: Picks = []
    for i, (fo_id, lines) in enumerate(requested):
        path = [*_FIELD, str(i)]
        found = _find_fulfillment_order(shop, fo_id)
        if found is None:
            raise UserErrors.one(
                f"Fulfillment order {fo_id} does not exist.", [*path, "fulfillmentOrderId"]
            )
        if order is not None and found[0].id != order.id:
            raise UserErrors.one("All fulfillment orders must belong to the same order.", path)
        order, fo = found
        if fo.status in ("CLOSED", "CANCELLED"):
            raise UserErrors.one(
                f"Fulfillment order {fo_id} has an unfulfillable status= {fo.status.lower()}.",
                [*path, "fulfillmentOrderId"],
                "INVALID_STATE",
            )
        if lines is None:
            picks.append((fo, [(li, li.remaining_quantity) for li in fo.line_items]))
            continue
        by_id = {li.id: li for li in fo.line_items}
        chosen = []
        for j, (line_id, qty) in enumerate(lines):
            line_path = [*path, "fulfillmentOrderLineItems", str(j)]
            fo_line = by_id.get(line_id)
            if fo_line is None:
                raise UserErrors.one(
                    f"Fulfillment order line item {line_id} is not in fulfillment order {fo_id}.",
                    [*line_path, "id"],
                )
            if qty < 1 or qty > fo_line.remaining_quantity:
                raise UserErrors.one(
                    "Invalid fulfillment order line item quantity requested.",
                    [*line_path, "quantity"],
                )
            chosen.append((fo_line, qty))
        picks.append((fo, chosen))
    assert order is not None
    if len({fo.assigned_location_id for fo, _ in picks}) > 1:
        raise UserErrors.one(
            "All fulfillment orders must be assigned to the same location.", _FIELD
        )
    if sum(qty for _, lines in picks for _, qty in lines) == 0:
        raise UserErrors([UserError("Nothing is left to fulfill.", _FIELD)])
    return order, picks


def fulfill_lines(
    state: SimState,
    order: Order,
    picks: Picks,
    tracking: dict[str, Any] | None,
    notify_customer: bool,
) -> tuple[Fulfillment, Moves]:
    """Record the shipment; return the stock moves for the caller to apply."""
    now = state.now()
    tracking = tracking or {}
    shipped: dict[int, int] = defaultdict(int)
    moves: Moves = defaultdict(lambda: defaultdict(int))
    location_id = picks[0][0].assigned_location_id
    for fo, lines in picks:
        for fo_line, qty in lines:
            if qty <= 0:
                continue
            fo_line.remaining_quantity -= qty
            shipped[fo_line.line_item_id] += qty
            if fo_line.inventory_item_id is not None:
                key = (fo_line.inventory_item_id, fo.assigned_location_id)
                moves[key]["committed"] -= qty
                moves[key]["on_hand"] -= qty
        fo.status = (
            "CLOSED" if all(li.remaining_quantity == 0 for li in fo.line_items) else ("IN_PROGRESS")
        )
        fo.updated_at = now
    numbers = list(
        tracking.get("numbers") or ([tracking["number"]] if tracking.get("number") else [])
    )
    urls = list(tracking.get("urls") or ([tracking["url"]] if tracking.get("url") else []))
    fulfillment = Fulfillment(
        id=state.next_id(),
        order_id=order.id,
        location_id=location_id,
        name=f"{order.name}.{len(order.fulfillments) + 1}",
        created_at=now,
        updated_at=now,
        line_items=[FulfillmentLine(line_id, qty) for line_id, qty in shipped.items()],
        tracking_company=tracking.get("company"),
        tracking_numbers=numbers,
        tracking_urls=urls,
        notify_customer=notify_customer,
    )
    order.fulfillments.append(fulfillment)
    for line in order.line_items:
        if line.id in shipped:
            line.fulfillable_quantity -= shipped[line.id]
            line.fulfillment_status = "fulfilled" if line.fulfillable_quantity == 0 else "partial"
    order.updated_at = now
    return fulfillment, moves


def create_fulfillment(
    state: SimState,
    shop: Shop,
    line_items_by_fulfillment_order: list[tuple[int, list[tuple[int, int]] | None]],
    tracking: dict[str, Any] | None,
    notify_customer: bool,
) -> Fulfillment:
    """fulfillmentCreate: fulfillment order ids with optional (line id, quantity) pairs;
    None ships everything that remains. Tracking keys: company, number(s), url(s)."""
    with state.action():
        order, picks = _picks(shop, line_items_by_fulfillment_order)
        fulfillment, moves = fulfill_lines(state, order, picks, tracking, notify_customer)
        move_stock(state, shop, moves, "other")
        state.emit(shop, "fulfillments/create", fulfillment_body(shop, order, fulfillment))
        done = fulfillment_status(order) == "fulfilled"
        emit_order(state, shop, order, "orders/fulfilled" if done else "orders/partially_fulfilled")
        emit_order(state, shop, order, "orders/updated")
        return fulfillment


def fulfill_order(
    state: SimState,
    shop: Shop,
    order_id: int,
    lines: list[tuple[int, int]] | None,
    tracking: dict[str, Any] | None,
    *,
    notify_customer: bool = False,
) -> list[Fulfillment]:
    """The admin's "Fulfill items", by order line ids: one fulfillment per location."""
    order = find_order(shop, order_id)
    known = {li.id for li in order.line_items}
    for i, (line_id, qty) in enumerate(lines or []):
        if line_id not in known or qty < 1:
            raise UserErrors.one(
                f"Line item {line_id} x {qty} is not a line of order {order.name}",
                ["line_items", str(i)],
            )
    wanted = dict(lines) if lines is not None else None
    by_fo: list[tuple[int, list[tuple[int, int]] | None]] = []
    for fo in order.fulfillment_orders:
        if fo.status in ("CLOSED", "CANCELLED"):
            continue
        if wanted is None:
            if any(li.remaining_quantity > 0 for li in fo.line_items):
                by_fo.append((fo.id, None))
            continue
        chosen = []
        for li in fo.line_items:
            take = min(wanted.get(li.line_item_id, 0), li.remaining_quantity)
            if take > 0:
                chosen.append((li.id, take))
                wanted[li.line_item_id] -= take
        if chosen:
            by_fo.append((fo.id, chosen))
    if wanted is not None and any(q > 0 for q in wanted.values()):
        raise UserErrors.one("More was requested than is left to fulfill", ["line_items"])
    if not by_fo:
        raise UserErrors.one(f"Order {order.name} has nothing left to fulfill", ["id"])
    with state.action():
        return [
            create_fulfillment(state, shop, [item], tracking, notify_customer) for item in by_fo
        ]

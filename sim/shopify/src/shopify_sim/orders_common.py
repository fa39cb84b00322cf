"""Pieces every order operation shares: lookups, line building, stock moves, emits.

Inventory follows Shopify's buckets: an order commits stock (available down, committed
up, on hand unchanged), a fulfillment ships it (committed and on hand down), a restock
puts it back. Every move goes through ``shopify_sim.inventory.adjust_quantities`` so it
emits the same inventory_levels/update a GraphQL adjustment would.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shopify_sim.errors import UserErrors
from shopify_sim.inventory import adjust_quantities
from shopify_sim.order_totals import cents, financial_status
from shopify_sim.payloads import order_body, transaction_body
from shopify_sim.state import (
    FulfillmentOrder,
    FulfillmentOrderLineItem,
    LineItem,
    Location,
    Order,
    Shop,
    SimState,
    TaxLine,
    Transaction,
)

# (inventory item id, location id) -> quantity name -> delta
Moves = dict[tuple[int, int], dict[str, int]]


class Input(BaseModel):
    """Base for merchant-action inputs: unknown fields are an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class LineInput(Input):
    sku: str
    quantity: int = Field(ge=1)
    price: Decimal | None = Field(default=None, ge=0)  # overrides the variant's price


class TaxInput(Input):
    rate: Decimal = Field(ge=0, le=1)  # 0.16 for 16 %
    title: str = "Tax"
    shipping: bool = True  # also tax the shipping line


def find_order(shop: Shop, order_id: int) -> Order:
    order = shop.orders.get(order_id)
    if order is None:
        raise UserErrors.one(f"Order {order_id} does not exist", ["id"], "NOT_FOUND")
    return order


def tax_for(base: Decimal, rate: Decimal, included: bool) -> Decimal:
    """Tax on `base`; when prices include tax, the part of `base` that is tax."""
    return cents(base - base / (1 + rate)) if included else cents(base * rate)


def build_line(state: SimState, shop: Shop, spec: LineInput, path: list[str]) -> LineItem:
    variant = shop.variant_by_sku(spec.sku)
    if variant is None:
        raise UserErrors.one(f"No variant has SKU {spec.sku!r}", [*path, "sku"], "NOT_FOUND")
    product = shop.products[variant.product_id]
    item = shop.inventory_items.get(variant.inventory_item_id)
    return LineItem(
        id=state.next_id(),
        title=product.title,
        quantity=spec.quantity,
        price=variant.price if spec.price is None else spec.price,
        variant_id=variant.id,
        product_id=product.id,
        sku=variant.sku,
        variant_title=None if variant.title == "Default Title" else variant.title,
        vendor=product.vendor or None,
        grams=variant.grams,
        taxable=variant.taxable,
        requires_shipping=item.requires_shipping if item is not None else True,
        fulfillable_quantity=spec.quantity,
    )


def apply_tax(line: LineItem, tax: TaxInput | None, included: bool) -> None:
    if tax is None or not line.taxable or tax.rate == 0:
        return
    base = line.price * line.quantity - sum(
        (a.amount for a in line.discount_allocations), Decimal(0)
    )
    line.tax_lines = [TaxLine(tax.title, tax.rate, tax_for(base, tax.rate, included))]


def tracked_item(shop: Shop, line: LineItem) -> int | None:
    """The line's inventory item when Shopify tracks its stock, else None."""
    variant = shop.variant(line.variant_id) if line.variant_id is not None else None
    item = shop.inventory_items.get(variant.inventory_item_id) if variant is not None else None
    return item.id if item is not None and item.tracked else None


def check_stock(shop: Shop, lines: list[LineItem], location_id: int | None) -> None:
    """Checkout refuses what a `deny` variant does not have; `continue` may oversell."""
    for index, line in enumerate(lines):
        variant = shop.variant(line.variant_id) if line.variant_id is not None else None
        item_id = tracked_item(shop, line)
        if variant is None or item_id is None or variant.inventory_policy == "continue":
            continue
        levels = [
            lvl
            for (iid, loc), lvl in shop.inventory_levels.items()
            if iid == item_id and (location_id is None or loc == location_id)
        ]
        if max((lvl.quantities["available"] for lvl in levels), default=0) < line.quantity:
            raise UserErrors.one(
                f"Not enough stock for SKU {line.sku!r}: {line.quantity} ordered",
                ["lines", str(index), "quantity"],
                "NOT_ENOUGH_IN_STOCK",
            )


def pick_location(shop: Shop, line: LineItem) -> Location:
    """Shopify's routing, simplified: the first online location that has the stock."""
    online = [loc for loc in shop.locations.values() if loc.active and loc.fulfills_online_orders]
    candidates = online or list(shop.locations.values())
    item_id = tracked_item(shop, line)
    if item_id is not None:
        for loc in candidates:
            level = shop.inventory_levels.get((item_id, loc.id))
            if level is not None and level.quantities["available"] >= line.quantity:
                return loc
        for loc in candidates:
            if (item_id, loc.id) in shop.inventory_levels:
                return loc
    return candidates[0]


def open_fulfillment_orders(
    state: SimState, shop: Shop, order: Order, lines: list[LineItem], location_id: int | None
) -> tuple[list[FulfillmentOrder], Moves]:
    """One fulfillment order per location, and the stock each line commits there."""
    now = state.now()
    by_location: dict[int, FulfillmentOrder] = {}
    moves: Moves = defaultdict(lambda: defaultdict(int))
    for line in lines:
        loc_id = location_id if location_id is not None else pick_location(shop, line).id
        fo = by_location.get(loc_id)
        if fo is None:
            fo = FulfillmentOrder(
                id=state.next_id(),
                order_id=order.id,
                assigned_location_id=loc_id,
                created_at=now,
                updated_at=now,
            )
            by_location[loc_id] = fo
        item_id = tracked_item(shop, line)
        fo.line_items.append(
            FulfillmentOrderLineItem(
                id=state.next_id(),
                line_item_id=line.id,
                inventory_item_id=item_id,
                total_quantity=line.quantity,
                remaining_quantity=line.quantity,
            )
        )
        if item_id is not None and (item_id, loc_id) in shop.inventory_levels:
            moves[(item_id, loc_id)]["available"] -= line.quantity
            moves[(item_id, loc_id)]["committed"] += line.quantity
    return list(by_location.values()), moves


def release_unshipped(
    state: SimState,
    order: Order,
    line: LineItem,
    quantity: int,
    *,
    restock: bool,
    item: int | None,
    moves: Moves,
) -> list[tuple[int, int]]:
    """Take unshipped units off their fulfillment orders (a refund, a cancel, an edit):
    restocked they go back to available, else they are written off on hand. Returns the
    (quantity, location) pairs taken; the stock moves are added to `moves`."""
    taken: list[tuple[int, int]] = []
    left = quantity
    for fo in order.fulfillment_orders:
        for fo_line in fo.line_items:
            take = min(left, fo_line.remaining_quantity) if fo_line.line_item_id == line.id else 0
            if take <= 0:
                continue
            left -= take
            fo_line.remaining_quantity -= take
            loc = fo.assigned_location_id
            if item is not None:
                moves[(item, loc)]["committed"] -= take
                moves[(item, loc)]["available" if restock else "on_hand"] += (
                    take if restock else -take
                )
            taken.append((take, loc))
        if fo.status in ("OPEN", "IN_PROGRESS") and all(
            li.remaining_quantity == 0 for li in fo.line_items
        ):
            fo.status = "CLOSED"
            fo.updated_at = state.now()
    line.fulfillable_quantity -= quantity
    return taken


def merge_moves(*parts: Moves) -> Moves:
    merged: Moves = defaultdict(lambda: defaultdict(int))
    for part in parts:
        for key, deltas in part.items():
            for name, delta in deltas.items():
                merged[key][name] += delta
    return merged


def move_stock(state: SimState, shop: Shop, moves: Moves, reason: str) -> None:
    for (item_id, location_id), deltas in moves.items():
        nonzero = {name: delta for name, delta in deltas.items() if delta}
        if nonzero and (item_id, location_id) in shop.inventory_levels:
            adjust_quantities(state, shop, item_id, location_id, nonzero, reason)


def new_transaction(
    state: SimState,
    order: Order,
    kind: Literal["authorization", "capture", "sale", "void", "refund"],
    amount: Decimal,
    *,
    gateway: str,
    status: Literal["pending", "success", "failure", "error"] = "success",
    parent_id: int | None = None,
) -> Transaction:
    now = state.now()
    txn = Transaction(
        id=state.next_id(),
        order_id=order.id,
        kind=kind,
        status=status,
        amount=amount,
        currency=order.currency,
        gateway=gateway,
        created_at=now,
        processed_at=now,
        parent_id=parent_id,
        source_name=order.source_name,
        location_id=order.location_id,
        test=order.test,
        authorization=secrets.token_hex(4) if kind in ("authorization", "sale") else None,
    )
    order.transactions.append(txn)
    return txn


def settle(state: SimState, order: Order) -> bool:
    """Touch the order and re-derive its financial status; True if it just became paid."""
    before = order.financial_status
    order.financial_status = financial_status(order)
    order.updated_at = state.now()
    return order.financial_status == "paid" and before != "paid"


def emit_order(state: SimState, shop: Shop, order: Order, *topics: str) -> None:
    body = order_body(shop, order)
    for topic in topics:
        state.emit(shop, topic, body)


def emit_transactions(state: SimState, shop: Shop, order: Order, txns: list[Transaction]) -> None:
    for txn in txns:
        state.emit(shop, "order_transactions/create", transaction_body(shop, order, txn))

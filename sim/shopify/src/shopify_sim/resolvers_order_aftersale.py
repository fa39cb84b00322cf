"""Money after the sale, each as ``OrderPart(order, part)``: transactions and refunds."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopify_sim.resolvers_common import (
    Info,
    OrderPart,
    ctx,
    order_line,
    order_money,
    parts_page,
    resolver,
)
from shopify_sim.state import Refund, RefundLineItem, Transaction


@resolver("OrderTransaction", "kind")
def txn_kind(p: OrderPart, _: Info) -> str:
    txn: Transaction = p.part
    return txn.kind.upper()


@resolver("OrderTransaction", "status")
def txn_status(p: OrderPart, _: Info) -> str:
    txn: Transaction = p.part
    return txn.status.upper()


@resolver("OrderTransaction", "errorCode")
def txn_error_code(p: OrderPart, _: Info) -> None:
    return None  # the emulator's gateways never decline with a card error code


@resolver("OrderTransaction", "authorizationCode")
def txn_authorization(p: OrderPart, _: Info) -> str | None:
    txn: Transaction = p.part
    return txn.authorization


@resolver("OrderTransaction", "amountSet")
def txn_amount(p: OrderPart, _: Info) -> dict[str, Any]:
    return order_money(p, p.part.amount)


@resolver("OrderTransaction", "parentTransaction")
def txn_parent(p: OrderPart, _: Info) -> OrderPart | None:
    txn: Transaction = p.part
    all_txns = p.order.transactions + [t for r in p.order.refunds for t in r.transactions]
    parent = next((t for t in all_txns if t.id == txn.parent_id), None)
    return OrderPart(p.order, parent) if parent is not None else None


for _type in ("OrderTransaction", "Refund", "FulfillmentOrder", "Fulfillment"):
    resolver(_type, "order")(lambda p, _info: p.order)


@resolver("Refund", "updatedAt")
def refund_updated(p: OrderPart, _: Info) -> Any:
    refund: Refund = p.part
    return refund.processed_at


@resolver("Refund", "totalRefundedSet")
def refund_total(p: OrderPart, _: Info) -> dict[str, Any]:
    refund: Refund = p.part
    paid = [t.amount for t in refund.transactions if t.status == "success"]
    return order_money(p, sum(paid, Decimal(0)))


@resolver("Refund", "refundLineItems")
def refund_lines(p: OrderPart, info: Info, **args: Any) -> Any:
    return parts_page(info, p, p.part.refund_line_items, args)


@resolver("Refund", "transactions")
def refund_transactions(p: OrderPart, info: Info, **args: Any) -> Any:
    return parts_page(info, p, p.part.transactions, args)


@resolver("RefundLineItem", "restockType")
def restock_type(p: OrderPart, _: Info) -> str:
    rli: RefundLineItem = p.part
    return rli.restock_type.upper()


@resolver("RefundLineItem", "restocked")
def restocked(p: OrderPart, _: Info) -> bool:
    rli: RefundLineItem = p.part
    return rli.restock_type != "no_restock"


@resolver("RefundLineItem", "lineItem")
def refund_line_item(p: OrderPart, _: Info) -> OrderPart | None:
    return order_line(p, p.part.line_item_id)


@resolver("RefundLineItem", "location")
def refund_location(p: OrderPart, info: Info) -> Any:
    rli: RefundLineItem = p.part
    return ctx(info).shop.locations.get(rli.location_id) if rli.location_id else None


@resolver("RefundLineItem", "priceSet")
def refund_price(p: OrderPart, _: Info) -> dict[str, Any]:
    line = order_line(p, p.part.line_item_id)
    return order_money(p, line.part.price if line is not None else Decimal(0))


@resolver("RefundLineItem", "subtotalSet")
def refund_subtotal(p: OrderPart, _: Info) -> dict[str, Any]:
    return order_money(p, p.part.subtotal)


@resolver("RefundLineItem", "totalTaxSet")
def refund_tax(p: OrderPart, _: Info) -> dict[str, Any]:
    return order_money(p, p.part.total_tax)

"""After a sale, the pure part: an ERP shipment -> a Shopify ``FulfillmentInput``. No I/O.

Shopify fulfils fulfillment order line items, not SKUs, so the shipment's SKUs are
matched against the order's open fulfillment orders (the ``OrderAfterSale`` node) by
SKU, never more than their ``remainingQuantity``. One ``fulfillmentCreate`` must stay in
one location, so when the SKUs sit in fulfillment orders of several locations the
location that covers the most units wins and the rest is reported as unmatched.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from erp_connector.models.events import ShipmentCreatedEvent
from erp_connector.models.shipments import Shipment
from pydantic import ValidationError

from orders.domain_refusals import NotAShipment

FULFILLABLE = frozenset({"OPEN", "IN_PROGRESS"})


@dataclass(frozen=True, slots=True)
class FulfillmentPlan:
    """The ``FulfillmentInput`` to create, or None when nothing of the shipment is left
    to fulfil in Shopify (already fulfilled: not an error); ``unmatched`` is SKU ->
    units the shipment carried that no open fulfillment order line could take."""

    fulfillment: dict[str, Any] | None
    unmatched: dict[str, int] = field(default_factory=dict)


def shipment_of(payload: Mapping[str, Any]) -> Shipment:
    """The shipment of an ``erp.documents.v1`` ``shipment.created`` envelope payload (the
    ERP's event as sent)."""
    try:
        return ShipmentCreatedEvent.model_validate(payload).data
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise NotAShipment(f"{where}: {first['msg']}") from None


def _nodes(connection: object) -> list[Mapping[str, Any]]:
    """A connection's nodes, whether the reader kept ``{nodes: [...]}`` or a list."""
    if isinstance(connection, Mapping):
        connection = connection.get("nodes")
    if not isinstance(connection, list):
        return []
    return [n for n in connection if isinstance(n, Mapping)]


def _location(fo: Mapping[str, Any]) -> str:
    location = ((fo.get("assignedLocation") or {}).get("location") or {}).get("id")
    return str(location or "")


def _sku(fo_line: Mapping[str, Any]) -> str:
    return str((fo_line.get("lineItem") or {}).get("sku") or "").strip()


def _pick(
    wanted: Counter[str], fos: list[Mapping[str, Any]]
) -> tuple[list[dict[str, Any]], Counter[str]]:
    """Per fulfillment order, the line items and quantities that ship ``wanted``;
    and what was left over."""
    left = Counter(wanted)
    groups: list[dict[str, Any]] = []
    for fo in fos:
        chosen = []
        for fo_line in _nodes(fo.get("lineItems")):
            sku, remaining = _sku(fo_line), fo_line.get("remainingQuantity")
            if not sku or left[sku] <= 0 or not isinstance(remaining, int) or remaining <= 0:
                continue
            quantity = min(left[sku], remaining)
            left[sku] -= quantity
            chosen.append({"id": fo_line["id"], "quantity": quantity})
        if chosen:
            groups.append({"fulfillmentOrderId": fo["id"], "fulfillmentOrderLineItems": chosen})
    return groups, +left


def fulfillment_for(shipment: Shipment, after_sale: Mapping[str, Any]) -> FulfillmentPlan:
    """The fulfillment that tells Shopify about ``shipment``, with its tracking and
    without notifying the customer (the merchant's shipping e-mails decide that)."""
    order = after_sale.get("order", after_sale)  # the node, or a response's ``data``
    wanted: Counter[str] = Counter()
    for line in shipment.lines:
        if line.quantity > 0:
            wanted[line.sku.strip()] += line.quantity
    open_fos = [
        fo for fo in _nodes(order.get("fulfillmentOrders")) if fo.get("status") in FULFILLABLE
    ]
    by_location: dict[str, list[Mapping[str, Any]]] = {}
    for fo in open_fos:
        by_location.setdefault(_location(fo), []).append(fo)
    best: tuple[list[dict[str, Any]], Counter[str]] = ([], Counter(wanted))
    for fos in by_location.values():
        groups, left = _pick(wanted, fos)
        if left.total() < best[1].total():
            best = (groups, left)
    groups, left = best
    if not groups:
        return FulfillmentPlan(None, dict(left))
    tracking = {"company": shipment.carrier, "number": shipment.tracking_number}
    if shipment.tracking_url:
        tracking["url"] = shipment.tracking_url
    fulfillment = {
        "lineItemsByFulfillmentOrder": groups,
        "trackingInfo": tracking,
        "notifyCustomer": False,
    }
    return FulfillmentPlan(fulfillment, dict(left))

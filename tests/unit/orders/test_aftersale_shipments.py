"""ERP shipment -> Shopify FulfillmentInput: the right fulfillment order lines, capped."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from orders.domain_refusals import NotAShipment
from orders.domain_shipment import fulfillment_for, shipment_of

L1, L2 = "gid://shopify/Location/1", "gid://shopify/Location/2"


def shipment_event(
    *lines: tuple[str, int],
    document: str = "D-1",
    shipment: str = "SH-1",
    url: str | None = "https://track.example/EST123",
) -> dict[str, Any]:
    """A shipment.created event as the reference ERP emits it (erp_sim.events)."""
    return {
        "id": str(uuid.uuid4()),
        "type": "shipment.created",
        "occurred_at": "2026-11-23T10:00:00+00:00",
        "version": 4,
        "data": {
            "id": shipment,
            "document_id": document,
            "carrier": "Estafeta",
            "tracking_number": "EST123",
            "tracking_url": url,
            "lines": [{"sku": sku, "quantity": q} for sku, q in lines],
            "shipped_at": "2026-11-23T10:00:00+00:00",
        },
    }


def fo_line(id: int, sku: str | None, remaining: int, total: int | None = None) -> dict[str, Any]:
    return {
        "id": f"gid://shopify/FulfillmentOrderLineItem/{id}",
        "remainingQuantity": remaining,
        "totalQuantity": total if total is not None else remaining,
        "lineItem": {"id": f"gid://shopify/LineItem/{id}", "sku": sku},
    }


def fo(id: int, location: str, *lines: dict[str, Any], status: str = "OPEN") -> dict[str, Any]:
    return {
        "id": f"gid://shopify/FulfillmentOrder/{id}",
        "status": status,
        "assignedLocation": {"location": {"id": location}},
        "lineItems": {"nodes": list(lines)},
    }


def after_sale(*fos: dict[str, Any]) -> dict[str, Any]:
    """The OrderAfterSale node (shopify_client.documents.ORDER_AFTER_SALE)."""
    return {
        "id": "gid://shopify/Order/5923000000001",
        "name": "#1042",
        "refunds": [],
        "fulfillmentOrders": {"nodes": list(fos)},
    }


def test_a_shipment_fulfils_the_lines_of_its_skus_with_tracking() -> None:
    node = after_sale(
        fo(10, L1, fo_line(101, "PLAYERA-M", 2), fo_line(102, "GORRA-01", 1)),
    )
    plan = fulfillment_for(shipment_of(shipment_event(("PLAYERA-M", 1))), node)

    assert plan.fulfillment == {
        "lineItemsByFulfillmentOrder": [
            {
                "fulfillmentOrderId": "gid://shopify/FulfillmentOrder/10",
                "fulfillmentOrderLineItems": [
                    {"id": "gid://shopify/FulfillmentOrderLineItem/101", "quantity": 1}
                ],
            }
        ],
        "trackingInfo": {
            "company": "Estafeta",
            "number": "EST123",
            "url": "https://track.example/EST123",
        },
        "notifyCustomer": False,
    }
    assert plan.unmatched == {}


def test_quantities_are_capped_at_what_remains_and_the_rest_is_reported() -> None:
    node = after_sale(fo(10, L1, fo_line(101, "PLAYERA-M", 1, total=2)))
    plan = fulfillment_for(shipment_of(shipment_event(("PLAYERA-M", 3))), node)
    assert plan.fulfillment is not None
    (group,) = plan.fulfillment["lineItemsByFulfillmentOrder"]
    assert group["fulfillmentOrderLineItems"][0]["quantity"] == 1
    assert plan.unmatched == {"PLAYERA-M": 2}


def test_closed_fulfillment_orders_and_other_skus_are_left_alone() -> None:
    node = after_sale(
        fo(9, L1, fo_line(91, "PLAYERA-M", 5), status="CLOSED"),
        fo(10, L1, fo_line(100, "GORRA-01", 1), fo_line(101, "PLAYERA-M", 0, 1)),
        fo(11, L1, fo_line(111, "PLAYERA-M", 2)),
    )
    plan = fulfillment_for(shipment_of(shipment_event(("PLAYERA-M", 2))), node)
    assert plan.fulfillment is not None
    assert plan.fulfillment["lineItemsByFulfillmentOrder"] == [
        {
            "fulfillmentOrderId": "gid://shopify/FulfillmentOrder/11",
            "fulfillmentOrderLineItems": [
                {"id": "gid://shopify/FulfillmentOrderLineItem/111", "quantity": 2}
            ],
        }
    ]


def test_a_sku_split_over_two_fulfillment_orders_of_one_location_takes_both() -> None:
    node = after_sale(
        fo(10, L1, fo_line(101, "PLAYERA-M", 1)), fo(11, L1, fo_line(111, "PLAYERA-M", 2))
    )
    plan = fulfillment_for(shipment_of(shipment_event(("PLAYERA-M", 3))), node)
    assert plan.fulfillment is not None
    picks = [
        (g["fulfillmentOrderId"][-2:], li["quantity"])
        for g in plan.fulfillment["lineItemsByFulfillmentOrder"]
        for li in g["fulfillmentOrderLineItems"]
    ]
    assert picks == [("10", 1), ("11", 2)]


def test_one_fulfillment_stays_in_the_location_covering_most_units() -> None:
    node = after_sale(
        fo(10, L1, fo_line(101, "GORRA-01", 1)),
        fo(20, L2, fo_line(201, "PLAYERA-M", 2), fo_line(202, "GORRA-01", 1)),
    )
    event = shipment_event(("PLAYERA-M", 2), ("GORRA-01", 2))
    plan = fulfillment_for(shipment_of(event), node)
    assert plan.fulfillment is not None
    (group,) = plan.fulfillment["lineItemsByFulfillmentOrder"]
    assert group["fulfillmentOrderId"].endswith("/20")
    assert plan.unmatched == {"GORRA-01": 1}


def test_nothing_left_to_fulfil_is_already_fulfilled_not_an_error() -> None:
    node = after_sale(fo(10, L1, fo_line(101, "PLAYERA-M", 0, 2), status="CLOSED"))
    plan = fulfillment_for(shipment_of(shipment_event(("PLAYERA-M", 2))), node)
    assert plan.fulfillment is None
    assert plan.unmatched == {"PLAYERA-M": 2}


def test_no_tracking_url_sends_company_and_number_only() -> None:
    node = after_sale(fo(10, L1, fo_line(101, "PLAYERA-M", 1)))
    plan = fulfillment_for(shipment_of(shipment_event(("PLAYERA-M", 1), url=None)), node)
    assert plan.fulfillment is not None
    assert plan.fulfillment["trackingInfo"] == {"company": "Estafeta", "number": "EST123"}


def test_an_event_that_is_not_a_shipment_is_refused() -> None:
    event = shipment_event(("PLAYERA-M", 1))
    del event["data"]["document_id"]
    with pytest.raises(NotAShipment) as refused:
        shipment_of(event)
    assert "document_id" in refused.value.reason

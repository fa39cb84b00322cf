"""The OrderById node -> webhook shape conversion, without an emulator: the node of the
conftest's sample order gives the sample's document; ids stay exact; money reads as
webhooks write it; a truncated read is refused."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from orders.adapters import IncompleteOrder, order_webhook_shape
from orders.domain import check_total, order_id, should_create, to_sales_document

from tests.unit.orders.conftest import TAXES, make_policy, sample_order

BIG = 820982911946154508  # above 2^53: a float would round it to ...154500


def shop(amount: Any) -> dict[str, Any]:
    return {"shopMoney": {"amount": amount, "currencyCode": "MXN"}}


def bag(amount: Any) -> dict[str, Any]:
    return {**shop(amount), "presentmentMoney": {"amount": amount, "currencyCode": "MXN"}}


def tax(price: str, rate: float = 0.16) -> dict[str, Any]:
    return {"title": "IVA", "rate": rate, "priceSet": shop(price)}


def line(n: int, sku: str, price: str, qty: int, discount: str, tax_price: str) -> dict[str, Any]:
    return {
        "id": f"gid://shopify/LineItem/{n}",
        "sku": sku,
        "name": f"Product {sku}",
        "title": f"Product {sku}",
        "quantity": qty,
        "currentQuantity": qty,
        "variant": {"id": f"gid://shopify/ProductVariant/{n + 100}"},
        "originalUnitPriceSet": shop(price),
        "taxLines": [tax(tax_price)],
        "discountAllocations": [
            {"allocatedAmountSet": shop(discount), "discountApplication": {"index": 0}}
        ],
    }


def sample_node() -> dict[str, Any]:
    """The conftest's sample order as OrderById answers it (GraphQL Decimals: "180.0")."""
    return {
        "id": "gid://shopify/Order/5923000000001",
        "name": "#1042",
        "email": None,
        "phone": None,
        "tags": ["vip", "web"],
        "sourceName": "web",
        "retailLocation": None,
        "updatedAt": "2026-11-23T10:00:00Z",
        "cancelledAt": None,
        "currencyCode": "MXN",
        "taxesIncluded": False,
        "displayFinancialStatus": "PAID",
        "displayFulfillmentStatus": "UNFULFILLED",
        "paymentGatewayNames": ["shopify_payments"],
        "customer": None,
        "billingAddress": None,
        "shippingAddress": None,
        "totalPriceSet": bag("375.83"),
        "currentTotalPriceSet": bag("375.83"),
        "totalShippingPriceSet": bag("99.0"),
        "lineItems": {
            "nodes": [
                line(1, "PLAYERA-M", "100.0", 2, "20.0", "28.8"),
                line(2, "GORRA-01", "49.99", 1, "5.0", "7.2"),
            ],
            "pageInfo": {"hasNextPage": False},
        },
        "shippingLines": {
            "nodes": [
                {
                    "id": "gid://shopify/ShippingLine/9",
                    "title": "Estafeta",
                    "code": "Estafeta",
                    "originalPriceSet": bag(99),
                    "discountedPriceSet": bag("99.0"),
                    "taxLines": [tax("15.84")],
                }
            ],
            "pageInfo": {"hasNextPage": False},
        },
    }


def test_the_sample_node_gives_the_sample_document() -> None:
    policy = make_policy()
    converted = order_webhook_shape(sample_node())
    expected = to_sales_document(sample_order(), policy, customer_id="C-GP")
    document = to_sales_document(converted, policy, customer_id="C-GP")
    assert document == expected
    assert check_total(converted, document, TAXES, policy.rounding_tolerance) == 0
    assert should_create(converted, policy, "orders/updated").action == "create"
    assert converted["financial_status"] == "paid"
    assert converted["fulfillment_status"] is None
    assert converted["tags"] == "vip, web"
    assert converted["customer"] is None  # a guest
    assert converted["line_items"][0]["price"] == "100.00"
    assert converted["line_items"][0]["discount_allocations"][0]["amount"] == "20.00"
    assert converted["shipping_lines"][0]["price"] == "99.00"  # a JSON number, too
    assert converted["current_total_price_set"]["presentment_money"]["amount"] == "375.83"


def test_ids_beyond_2_53_stay_exact() -> None:
    node = sample_node()
    node["id"] = f"gid://shopify/Order/{BIG}"
    node["customer"] = {"id": f"gid://shopify/Customer/{BIG + 1}", "email": "a@b.mx"}
    node["retailLocation"] = {"id": f"gid://shopify/Location/{BIG + 2}"}
    converted = order_webhook_shape(node)
    assert converted["id"] == BIG
    assert order_id(converted) == str(BIG)
    assert converted["admin_graphql_api_id"] == f"gid://shopify/Order/{BIG}"
    assert converted["customer"]["id"] == BIG + 1
    assert converted["location_id"] == BIG + 2
    assert converted["line_items"][0]["variant_id"] == 101


@pytest.mark.parametrize(
    ("display", "rest"),
    [("FULFILLED", "fulfilled"), ("PARTIALLY_FULFILLED", "partial"), ("IN_PROGRESS", None)],
)
def test_fulfillment_status_reads_as_rest(display: str, rest: str | None) -> None:
    node = sample_node()
    node["displayFulfillmentStatus"] = display
    assert order_webhook_shape(node)["fulfillment_status"] == rest


def test_money_keeps_its_digits() -> None:
    node = sample_node()
    node["currentTotalPriceSet"] = bag("375.8300")
    node["totalPriceSet"] = bag(375)
    converted = order_webhook_shape(node)
    assert converted["current_total_price"] == "375.8300"
    assert converted["total_price"] == "375.00"


def test_cancelled_pending_order_with_customer_and_address() -> None:
    node = copy.deepcopy(sample_node())
    node["cancelledAt"] = "2026-11-23T11:00:00Z"
    node["cancelReason"] = "CUSTOMER"
    node["displayFinancialStatus"] = "PENDING"
    node["customer"] = {"id": "gid://shopify/Customer/7", "firstName": "Ana", "phone": "+52155"}
    node["billingAddress"] = {"address1": "Calle 1", "countryCodeV2": "MX", "zip": "01000"}
    converted = order_webhook_shape(node)
    assert converted["cancel_reason"] == "customer"
    assert converted["financial_status"] == "pending"
    assert converted["customer"]["first_name"] == "Ana"
    assert converted["billing_address"]["country_code"] == "MX"
    assert should_create(converted, make_policy(), "orders/updated").action == "skip"


@pytest.mark.parametrize("field", ["lineItems", "shippingLines"])
def test_a_truncated_read_is_refused(field: str) -> None:
    node = sample_node()
    node[field]["pageInfo"]["hasNextPage"] = True
    with pytest.raises(IncompleteOrder, match=field):
        order_webhook_shape(node)

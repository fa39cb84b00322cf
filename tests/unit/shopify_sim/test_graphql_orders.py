"""Customers and orders through GraphQL: customer upserts, the order read side a sync
engine maps into an ERP document, fulfillmentCreate and webhook subscriptions."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from shopify_sim.orders import OrderInput, place_order, refund_order
from shopify_sim.orders_refunds import RefundInput
from shopify_sim.state import Order, gid

from tests.unit.shopify_sim.graphql_harness import Api, make_api
from tests.unit.shopify_sim.sim_factory import add_product

CUSTOMER_SET = """
mutation($input: CustomerSetInput!, $identifier: CustomerSetIdentifiers) {
  customerSet(input: $input, identifier: $identifier) {
    customer { id email firstName defaultAddress { city countryCodeV2 } tags }
    userErrors { field message code }
  }
}
"""
ORDER = """
query($id: ID!) {
  order(id: $id) {
    name displayFinancialStatus displayFulfillmentStatus currencyCode discountCodes
    customer { email }
    totalPriceSet { shopMoney { amount currencyCode } }
    totalTaxSet { shopMoney { amount } }
    taxLines { title rate priceSet { shopMoney { amount } } }
    shippingLines(first: 5) { nodes { title originalPriceSet { shopMoney { amount } } } }
    discountApplications(first: 5) {
      nodes {
        ... on DiscountCodeApplication { code }
        value { ... on PricingPercentageValue { percentage } }
      }
    }
    lineItems(first: 10) {
      nodes {
        sku quantity currentQuantity
        originalUnitPriceSet { shopMoney { amount } }
        discountAllocations { allocatedAmountSet { shopMoney { amount } } }
      }
    }
    transactions(first: 5) { kind status gateway amountSet { shopMoney { amount } } }
    refunds(first: 5) {
      refundLineItems(first: 5) { nodes { quantity restockType lineItem { sku } } }
    }
    fulfillmentOrders(first: 5) {
      nodes { id status lineItems(first: 5) { nodes { id remainingQuantity lineItem { sku } } } }
    }
    fulfillments(first: 5) { status trackingInfo(first: 1) { company number } }
  }
}
"""


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    harness, client = make_api()
    async with client:
        add_product(harness.state, harness.shop, "Tee", [("TEE-S", "20.00", 10)])
        yield harness


def checkout(api: Api) -> Order:
    return place_order(
        api.state,
        api.shop,
        OrderInput.model_validate(
            {
                "lines": [{"sku": "TEE-S", "quantity": 2}],
                "customer": {"email": "ana@example.com", "first_name": "Ana"},
                "discount": {"code": "TENOFF", "value_type": "percentage", "value": "10"},
                "shipping": {"title": "Standard", "price": "5.00"},
                "tax": {"rate": "0.16", "title": "IVA", "shipping": False},
            }
        ),
    )


async def test_customer_set_upserts_by_email_and_replaces_lists(api: Api) -> None:
    created = await api.data(
        CUSTOMER_SET,
        {
            "input": {
                "email": "bob@example.com",
                "firstName": "Bob",
                "tags": ["erp"],
                "addresses": [{"city": "Oslo", "countryCode": "NO"}],
            },
            "identifier": {"email": "bob@example.com"},
        },
    )
    updated = await api.data(
        CUSTOMER_SET,
        {
            "input": {"firstName": "Robert", "tags": ["erp", "vip"]},
            "identifier": {"email": "bob@example.com"},
        },
    )
    first, second = created["customerSet"]["customer"], updated["customerSet"]["customer"]
    assert first["defaultAddress"] == {"city": "Oslo", "countryCodeV2": "NO"}
    assert second["id"] == first["id"]
    assert (second["firstName"], second["tags"]) == ("Robert", ["erp", "vip"])
    assert len(api.shop.customers) == 1
    assert api.hooks.topics() == ["customers/create", "customers/update"]


async def test_customer_create_refuses_a_taken_email(api: Api) -> None:
    mutation = """mutation($input: CustomerInput!) { customerCreate(input: $input) {
        customer { id } userErrors { field message } } }"""
    await api.data(mutation, {"input": {"email": "same@example.com"}})
    again = await api.data(mutation, {"input": {"email": "same@example.com"}})
    assert again["customerCreate"] == {
        "customer": None,
        "userErrors": [{"field": ["email"], "message": "Email has already been taken"}],
    }


async def test_customer_update_and_search(api: Api) -> None:
    created = await api.data(
        """mutation { customerCreate(input: {email: "c@example.com", lastName: "Diaz"}) {
             customer { id } } }"""
    )
    customer_id = created["customerCreate"]["customer"]["id"]
    await api.data(
        """mutation($input: CustomerInput!) { customerUpdate(input: $input) {
             userErrors { message } } }""",
        {"input": {"id": customer_id, "phone": "+4712345678"}},
    )
    found = await api.data(
        """{ customers(first: 5, query: "email:c@example.com") { nodes { phone displayName } } }"""
    )
    assert found["customers"]["nodes"] == [{"phone": "+4712345678", "displayName": "Diaz"}]
    assert api.hooks.last("customers/update")["phone"] == "+4712345678"


async def test_an_order_reads_as_the_erp_needs_it(api: Api) -> None:
    order = checkout(api)
    data = await api.data(ORDER, {"id": gid("Order", order.id)})
    got = data["order"]
    assert (got["name"], got["displayFinancialStatus"], got["displayFulfillmentStatus"]) == (
        "#1001",
        "PAID",
        "UNFULFILLED",
    )
    assert got["customer"] == {"email": "ana@example.com"}
    assert got["discountCodes"] == ["TENOFF"]
    # 2 x 20.00 - 10 % = 36.00; IVA 16 % of 36.00 = 5.76; shipping 5.00
    assert got["totalPriceSet"]["shopMoney"] == {"amount": "46.76", "currencyCode": "USD"}
    assert got["taxLines"] == [
        {"title": "IVA", "rate": 0.16, "priceSet": {"shopMoney": {"amount": "5.76"}}}
    ]
    [line] = got["lineItems"]["nodes"]
    assert (line["sku"], line["quantity"], line["currentQuantity"]) == ("TEE-S", 2, 2)
    assert line["discountAllocations"] == [
        {"allocatedAmountSet": {"shopMoney": {"amount": "4.00"}}}
    ]
    assert got["discountApplications"]["nodes"] == [
        {"code": "TENOFF", "value": {"percentage": 10.0}}
    ]
    assert got["shippingLines"]["nodes"][0]["originalPriceSet"]["shopMoney"]["amount"] == "5.00"
    assert got["transactions"] == [
        {
            "kind": "SALE",
            "status": "SUCCESS",
            "gateway": "bogus",
            "amountSet": {"shopMoney": {"amount": "46.76"}},
        }
    ]


async def test_orders_filter_by_updated_at_and_status(api: Api) -> None:
    order = checkout(api)
    refund_order(
        api.state,
        api.shop,
        order.id,
        RefundInput.model_validate({"lines": [{"sku": "TEE-S", "quantity": 1}], "restock": True}),
    )
    data = await api.data(
        """{ orders(first: 5, query: "financial_status:partially_refunded", sortKey: UPDATED_AT) {
             nodes { name displayFinancialStatus } } }"""
    )
    assert data["orders"]["nodes"] == [
        {"name": "#1001", "displayFinancialStatus": "PARTIALLY_REFUNDED"}
    ]
    read = await api.data(ORDER, {"id": gid("Order", order.id)})
    [refund] = read["order"]["refunds"]
    assert refund["refundLineItems"]["nodes"] == [
        {"quantity": 1, "restockType": "CANCEL", "lineItem": {"sku": "TEE-S"}}
    ]
    assert read["order"]["lineItems"]["nodes"][0]["currentQuantity"] == 1


async def test_fulfillment_create_ships_a_fulfillment_order(api: Api) -> None:
    order = checkout(api)
    read = await api.data(ORDER, {"id": gid("Order", order.id)})
    [fo] = read["order"]["fulfillmentOrders"]["nodes"]
    [fo_line] = fo["lineItems"]["nodes"]
    api.hooks.clear()
    data = await api.data(
        """mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) {
             fulfillment { status trackingInfo { company number url } }
             userErrors { message } } }""",
        {
            "f": {
                "lineItemsByFulfillmentOrder": [
                    {
                        "fulfillmentOrderId": fo["id"],
                        "fulfillmentOrderLineItems": [{"id": fo_line["id"], "quantity": 2}],
                    }
                ],
                "trackingInfo": {
                    "company": "UPS",
                    "number": "1Z999",
                    "url": "https://ups.test/1Z999",
                },
                "notifyCustomer": False,
            }
        },
    )
    assert data["fulfillmentCreate"] == {
        "fulfillment": {
            "status": "SUCCESS",
            "trackingInfo": [
                {"company": "UPS", "number": "1Z999", "url": "https://ups.test/1Z999"}
            ],
        },
        "userErrors": [],
    }
    assert "fulfillments/create" in api.hooks.topics()
    after = await api.data(ORDER, {"id": gid("Order", order.id)})
    assert after["order"]["displayFulfillmentStatus"] == "FULFILLED"
    assert after["order"]["fulfillments"] == [
        {"status": "SUCCESS", "trackingInfo": [{"company": "UPS", "number": "1Z999"}]}
    ]
    again = await api.data(
        """mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) {
             fulfillment { id } userErrors { message } } }""",
        {"f": {"lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": fo["id"]}]}},
    )
    assert again["fulfillmentCreate"]["fulfillment"] is None
    assert again["fulfillmentCreate"]["userErrors"]


async def test_webhook_subscriptions_round_trip(api: Api) -> None:
    created = await api.data(
        """mutation { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: {
             callbackUrl: "https://app.example.com/hooks", format: JSON}) {
             webhookSubscription {
               id topic format endpoint { ... on WebhookHttpEndpoint { callbackUrl } }
             }
             userErrors { message } } }"""
    )
    sub = created["webhookSubscriptionCreate"]["webhookSubscription"]
    assert sub["topic"] == "ORDERS_CREATE"
    assert sub["endpoint"] == {"callbackUrl": "https://app.example.com/hooks"}
    [stored] = api.shop.webhook_subscriptions.values()
    assert (stored.topic, stored.uri, stored.api_version) == (
        "orders/create",
        "https://app.example.com/hooks",
        "2026-10",
    )
    by_uri = await api.data(
        """mutation { webhookSubscriptionCreate(topic: PRODUCTS_UPDATE, webhookSubscription: {
             uri: "https://app.example.com/products"}) { webhookSubscription { topic } } }"""
    )
    assert by_uri["webhookSubscriptionCreate"]["webhookSubscription"] == {
        "topic": "PRODUCTS_UPDATE"
    }
    listed = await api.data(
        "{ webhookSubscriptions(first: 5, topics: [ORDERS_CREATE]) { nodes { id } } }"
    )
    assert listed["webhookSubscriptions"]["nodes"] == [{"id": sub["id"]}]
    deleted = await api.data(
        """mutation($id: ID!) { webhookSubscriptionDelete(id: $id) {
             deletedWebhookSubscriptionId userErrors { message } } }""",
        {"id": sub["id"]},
    )
    assert deleted["webhookSubscriptionDelete"]["deletedWebhookSubscriptionId"] == sub["id"]
    assert [s.topic for s in api.shop.webhook_subscriptions.values()] == ["products/update"]

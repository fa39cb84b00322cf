"""Every field of the emulator's schema resolves on real-looking data: a query built from
the schema itself selects each field (three levels deep) of the demo shop's catalog,
customers, locations and a fulfilled, partly refunded order, and must come back without
errors. A field declared in schema.graphql but not answerable fails here."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
)
from shopify_sim.app import build_state, create_app
from shopify_sim.executor import load_schema
from shopify_sim.orders import create_fulfillment, refund_order
from shopify_sim.orders_refunds import RefundInput
from shopify_sim.settings import DEMO_SHOP, SimSettings
from shopify_sim.state import gid

from tests.unit.shopify_sim.sim_factory import subscribe


def selection(type_: GraphQLOutputType | GraphQLNamedType, depth: int) -> str:
    """Every field of `type_` a query can select without inventing required arguments."""
    schema = load_schema()
    named = get_named_type(type_)
    if is_leaf_type(named):
        return ""
    if isinstance(named, GraphQLUnionType):
        members = " ".join(f"... on {m.name} {selection(m, depth)}" for m in named.types)
        return "{ __typename " + members + " }"
    assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType)
    parts = ["__typename"]
    for name, field in named.fields.items():
        required = [
            a
            for a, arg in field.args.items()
            if isinstance(arg.type, GraphQLNonNull)
            and (arg.ast_node is None or arg.ast_node.default_value is None)
        ]
        args = "(first: 3)" if "first" in field.args else ""
        if name == "quantities":
            args = '(names: ["available", "on_hand", "committed"])'
        elif required:
            continue
        if is_leaf_type(get_named_type(field.type)):
            parts.append(name + args)
        elif depth > 0:
            parts.append(f"{name}{args} {selection(field.type, depth - 1)}")
    if isinstance(named, GraphQLInterfaceType):
        parts += [
            f"... on {impl.name} {selection(impl, depth)}"
            for impl in schema.get_possible_types(named)
        ]
    return "{ " + " ".join(parts) + " }"


@pytest.fixture
async def client() -> Any:
    settings = SimSettings()
    state = build_state(settings)
    shop = state.shops[DEMO_SHOP.domain]
    order = next(iter(shop.orders.values()))
    fo = order.fulfillment_orders[0]
    create_fulfillment(
        state, shop, [(fo.id, [(fo.line_items[0].id, 1)])], {"company": "UPS", "number": "1"}, False
    )
    refund_order(
        state,
        shop,
        order.id,
        RefundInput.model_validate({"lines": [{"sku": "TOTE-1", "quantity": 1}], "restock": True}),
    )
    subscribe(state, shop, "orders/create", "https://app.example.com/hooks")
    app = create_app(state, SimSettings(time_factor=1e9))  # no throttling between queries
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://t") as http:
        yield http, gid("Order", order.id)


@pytest.mark.parametrize(
    ("root", "args"),
    [
        ("order", "(id: $order)"),
        ("orders", "(first: 2)"),
        ("products", "(first: 3)"),
        ("productVariants", "(first: 3)"),
        ("customers", "(first: 2)"),
        ("locations", "(first: 2)"),
        ("shop", ""),
        ("webhookSubscriptions", "(first: 2)"),
    ],
)
async def test_every_field_resolves(client: Any, root: str, args: str) -> None:
    http, order_id = client
    schema = load_schema()
    assert schema.query_type is not None
    body = selection(schema.query_type.fields[root].type, 3 if root != "orders" else 2)
    params = "($order: ID!)" if "$order" in args else ""
    query = f"query Every{params} {{ {root}{args} {body} }}"
    response = await http.post(
        "/admin/api/2026-10/graphql.json",
        json={"query": query, "variables": {"order": order_id} if params else {}},
        headers={"X-Shopify-Access-Token": DEMO_SHOP.access_token},
    )
    answer = response.json()
    assert "errors" not in answer, answer["errors"][:3]
    assert answer["data"][root] is not None


async def test_node_finds_every_kind_by_the_ids_webhooks_carry(client: Any) -> None:
    http, order_id = client
    ids = await http.post(
        "/admin/api/2026-10/graphql.json",
        json={
            "query": """query($o: ID!) { order(id: $o) { id
                lineItems(first: 1) { nodes { id variant { id product { id }
                  inventoryItem { id
                    inventoryLevels(first: 1) { nodes { id location { id } } } } } } }
                customer { id } transactions(first: 1) { id } refunds(first: 1) { id }
                fulfillments(first: 1) { id } fulfillmentOrders(first: 1) { nodes { id } } } }""",
            "variables": {"o": order_id},
        },
        headers={"X-Shopify-Access-Token": DEMO_SHOP.access_token},
    )
    order = ids.json()["data"]["order"]
    line = order["lineItems"]["nodes"][0]
    level = line["variant"]["inventoryItem"]["inventoryLevels"]["nodes"][0]
    expected = {
        order["id"]: "Order",
        line["id"]: "LineItem",
        line["variant"]["id"]: "ProductVariant",
        line["variant"]["product"]["id"]: "Product",
        line["variant"]["inventoryItem"]["id"]: "InventoryItem",
        level["id"]: "InventoryLevel",
        level["location"]["id"]: "Location",
        order["customer"]["id"]: "Customer",
        order["transactions"][0]["id"]: "OrderTransaction",
        order["refunds"][0]["id"]: "Refund",
        order["fulfillments"][0]["id"]: "Fulfillment",
        order["fulfillmentOrders"]["nodes"][0]["id"]: "FulfillmentOrder",
    }
    found = await http.post(
        "/admin/api/2026-10/graphql.json",
        json={
            "query": "query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
            "variables": {"ids": [*expected, "gid://shopify/Product/1"]},
        },
        headers={"X-Shopify-Access-Token": DEMO_SHOP.access_token},
    )
    nodes = found.json()["data"]["nodes"]
    assert [n["__typename"] for n in nodes[:-1]] == list(expected.values())
    assert [n["id"] for n in nodes[:-1]] == list(expected)
    assert nodes[-1] is None  # an id of this shop's kind that does not exist

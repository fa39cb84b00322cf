"""Products and variants through GraphQL: productSet, lookups by SKU, pagination,
updated_at reconciliation and the webhooks the changes send."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, timedelta

import pytest

from tests.unit.shopify_sim.graphql_harness import (
    PRODUCT_SET,
    Api,
    create_tee,
    make_api,
    tee_input,
)
from tests.unit.shopify_sim.sim_factory import T0

BY_SKU = """
query BySku($query: String!) {
  productVariants(first: 10, query: $query) {
    nodes { sku price product { title } inventoryItem { id tracked } }
  }
}
"""
PAGE = """
query Page($first: Int!, $after: String, $query: String) {
  products(first: $first, after: $after, query: $query) {
    edges { cursor node { title } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    harness, client = make_api()
    async with client:
        yield harness


async def test_product_set_creates_a_product_found_by_sku(api: Api) -> None:
    product = await create_tee(api, ["TEE-S", "TEE-M"])
    assert [v["sku"] for v in product["variants"]["nodes"]] == ["TEE-S", "TEE-M"]
    assert product["handle"] == "tee"
    found = await api.data(BY_SKU, {"query": "sku:TEE-M"})
    assert found["productVariants"]["nodes"] == [
        {
            "sku": "TEE-M",
            "price": "19.99",
            "product": {"title": "Tee"},
            "inventoryItem": {
                "id": product["variants"]["nodes"][1]["inventoryItem"]["id"],
                "tracked": True,
            },
        }
    ]
    assert (await api.data(BY_SKU, {"query": "sku:NOPE"}))["productVariants"]["nodes"] == []


async def test_product_set_stocks_new_variants_and_tells_the_app(api: Api) -> None:
    product = await create_tee(api, ["TEE-S"])
    item = product["variants"]["nodes"][0]["inventoryItem"]["id"]
    levels = await api.data(
        """query($id: ID!) { inventoryItem(id: $id) { inventoryLevels(first: 5) {
             nodes { location { id } quantities(names: ["available", "on_hand"]) { name quantity } }
           } } }""",
        {"id": item},
    )
    [level] = levels["inventoryItem"]["inventoryLevels"]["nodes"]
    assert level["location"]["id"] == api.location_gid
    assert level["quantities"] == [
        {"name": "available", "quantity": 5},
        {"name": "on_hand", "quantity": 5},
    ]
    assert api.hooks.topics() == ["products/create"]
    assert api.hooks.last("products/create")["variants"][0]["sku"] == "TEE-S"


async def test_product_set_replaces_the_variant_list(api: Api) -> None:
    product = await create_tee(api, ["TEE-S", "TEE-M", "TEE-L"])
    kept = product["variants"]["nodes"][0]
    api.hooks.clear()
    data = await api.data(
        PRODUCT_SET,
        {
            "input": tee_input(api.location_gid, ["TEE-S", "TEE-XL"]),
            "identifier": {"id": product["id"]},
        },
    )
    variants = data["productSet"]["product"]["variants"]["nodes"]
    assert [v["sku"] for v in variants] == ["TEE-S", "TEE-XL"]
    assert variants[0]["id"] == kept["id"]  # matched by its option value, not recreated
    assert (await api.data(BY_SKU, {"query": "sku:TEE-M"}))["productVariants"]["nodes"] == []
    assert len(api.shop.inventory_items) == 2  # the deleted variants' items went with them
    assert api.hooks.topics() == ["products/update"]


async def test_product_set_by_handle_upserts(api: Api) -> None:
    first = await api.data(
        PRODUCT_SET,
        {"input": tee_input(api.location_gid, ["A"], "Mug"), "identifier": {"handle": "mug-1"}},
    )
    again = await api.data(
        PRODUCT_SET,
        {"input": tee_input(api.location_gid, ["A"], "Big Mug"), "identifier": {"handle": "mug-1"}},
    )
    assert first["productSet"]["product"]["handle"] == "mug-1"
    assert again["productSet"]["product"]["id"] == first["productSet"]["product"]["id"]
    assert again["productSet"]["product"]["title"] == "Big Mug"
    assert len(api.shop.products) == 1


async def test_product_set_refusals_change_nothing(api: Api) -> None:
    bad_value = tee_input(api.location_gid, ["A"])
    bad_value["variants"][0]["optionValues"] = [{"optionName": "Size", "name": "Huge"}]
    unknown = await api.data(
        PRODUCT_SET,
        {
            "input": tee_input(api.location_gid, ["A"]),
            "identifier": {"id": "gid://shopify/Product/1"},
        },
    )
    refused = await api.data(PRODUCT_SET, {"input": bad_value})
    assert unknown["productSet"]["userErrors"][0]["code"] == "PRODUCT_DOES_NOT_EXIST"
    [error] = refused["productSet"]["userErrors"]
    assert error["code"] == "OPTION_VALUE_DOES_NOT_EXIST"
    assert error["field"] == ["input", "variants", "0", "optionValues"]
    assert refused["productSet"]["product"] is None
    assert api.shop.products == {}
    assert api.hooks.topics() == []


async def test_variants_bulk_update_changes_price_and_sku(api: Api) -> None:
    product = await create_tee(api, ["TEE-S"])
    variant = product["variants"]["nodes"][0]
    api.hooks.clear()
    data = await api.data(
        """mutation($p: ID!, $v: [ProductVariantsBulkInput!]!) {
             productVariantsBulkUpdate(productId: $p, variants: $v) {
               productVariants { sku price compareAtPrice } userErrors { code field }
             } }""",
        {
            "p": product["id"],
            "v": [
                {
                    "id": variant["id"],
                    "price": "24.00",
                    "compareAtPrice": "30.00",
                    "inventoryItem": {"sku": "TEE-SMALL"},
                }
            ],
        },
    )
    assert data["productVariantsBulkUpdate"]["productVariants"] == [
        {"sku": "TEE-SMALL", "price": "24.00", "compareAtPrice": "30.00"}
    ]
    body = api.hooks.last("products/update")
    assert (body["variants"][0]["sku"], body["variants"][0]["price"]) == ("TEE-SMALL", "24.00")
    missing = await api.data(
        """mutation($p: ID!, $v: [ProductVariantsBulkInput!]!) {
             productVariantsBulkUpdate(productId: $p, variants: $v) { userErrors { code } } }""",
        {"p": product["id"], "v": [{"id": "gid://shopify/ProductVariant/1", "price": "1.00"}]},
    )
    assert missing["productVariantsBulkUpdate"]["userErrors"] == [
        {"code": "PRODUCT_VARIANT_DOES_NOT_EXIST"}
    ]


async def test_pagination_walks_every_product_once(api: Api) -> None:
    for i in range(7):
        await create_tee(api, [f"SKU-{i}"], title=f"Product {i}")
    titles: list[str] = []
    after = None
    pages = 0
    while True:
        data = await api.data(PAGE, {"first": 3, "after": after})
        connection = data["products"]
        titles += [edge["node"]["title"] for edge in connection["edges"]]
        pages += 1
        assert connection["pageInfo"]["endCursor"] == connection["edges"][-1]["cursor"]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert titles == [f"Product {i}" for i in range(7)]
    assert pages == 3


async def test_updated_at_filter_finds_what_changed_since(api: Api) -> None:
    clock = api.state.clock
    await create_tee(api, ["OLD"], title="Old")
    clock.set(T0 + timedelta(hours=2))
    await create_tee(api, ["NEW"], title="New")
    since = (T0 + timedelta(hours=1)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    newer = await api.data(PAGE, {"first": 10, "query": f"updated_at:>'{since}'"})
    older = await api.data(PAGE, {"first": 10, "query": f"updated_at:<{since}"})

    assert [e["node"]["title"] for e in newer["products"]["edges"]] == ["New"]
    assert [e["node"]["title"] for e in older["products"]["edges"]] == ["Old"]
    clock.set(T0 + timedelta(hours=3))
    old_id = next(p.id for p in api.shop.products.values() if p.title == "Old")
    await api.data(
        """mutation($p: ID!, $v: [ProductVariantsBulkInput!]!) {
             productVariantsBulkUpdate(productId: $p, variants: $v) { userErrors { code } } }""",
        {
            "p": f"gid://shopify/Product/{old_id}",
            "v": [
                {
                    "id": f"gid://shopify/ProductVariant/{api.shop.products[old_id].variants[0].id}",
                    "price": "2.00",
                }
            ],
        },
    )
    touched = await api.data(PAGE, {"first": 10, "query": f"updated_at:>'{since}'"})
    assert sorted(e["node"]["title"] for e in touched["products"]["edges"]) == ["New", "Old"]


async def test_product_and_node_lookups(api: Api) -> None:
    product = await create_tee(api, ["X"])
    variant_id = product["variants"]["nodes"][0]["id"]
    data = await api.data(
        """query($p: ID!, $v: ID!) {
             product(id: $p) { title totalInventory variantsCount { count } }
             productVariant(id: $v) { displayName inventoryQuantity }
             nodes(ids: [$p, $v]) { id ... on Product { handle } ... on ProductVariant { sku } }
           }""",
        {"p": product["id"], "v": variant_id},
    )
    assert data["product"] == {"title": "Tee", "totalInventory": 5, "variantsCount": {"count": 1}}
    assert data["productVariant"] == {"displayName": "Tee - X", "inventoryQuantity": 5}
    assert data["nodes"] == [
        {"id": product["id"], "handle": "tee"},
        {"id": variant_id, "sku": "X"},
    ]


async def test_product_set_takes_up_to_2048_variants_but_other_lists_stop_at_250(api: Api) -> None:
    skus = [f"V-{i}" for i in range(300)]
    many = await api.answer(PRODUCT_SET, {"input": tee_input(api.location_gid, skus)})
    assert "errors" not in many
    assert len(many["data"]["productSet"]["product"]["variants"]["nodes"]) == 250  # one page
    tags = {**tee_input(api.location_gid, ["A"], "Tagged"), "tags": [f"t{i}" for i in range(251)]}
    refused = await api.answer(PRODUCT_SET, {"input": tags})
    assert refused["errors"][0]["extensions"]["code"] == "MAX_INPUT_SIZE_EXCEEDED"
    assert refused["errors"][0]["path"] == ["productSet", "input", "tags"]

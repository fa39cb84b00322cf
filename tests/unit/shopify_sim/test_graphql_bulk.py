"""Bulk query operations: CREATED -> RUNNING -> COMPLETED, JSONL with __parentId at a URL
of the emulator, the bulk_operations/finish webhook, and Shopify's refusals."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.unit.shopify_sim.graphql_harness import Api, make_api
from tests.unit.shopify_sim.sim_factory import add_product

RUN = """
mutation($q: String!) {
  bulkOperationRunQuery(query: $q) { bulkOperation { id status } userErrors { field message code } }
}
"""
CURRENT = """
{ currentBulkOperation { id status objectCount rootObjectCount fileSize url errorCode } }
"""
PRODUCTS_WITH_VARIANTS = """
{ products { edges { node { id title variants { edges { node { id sku } } } } } } }
"""


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    harness, client = make_api()
    async with client:
        add_product(
            harness.state, harness.shop, "Tee", [("TEE-S", "10.00", 1), ("TEE-M", "10.00", 1)]
        )
        add_product(harness.state, harness.shop, "Mug", [("MUG", "8.00", 1)])
        yield harness


async def finished(api: Api) -> dict[str, Any]:
    for _ in range(100):
        current: dict[str, Any] = (await api.data(CURRENT))["currentBulkOperation"]
        if current["status"] not in ("CREATED", "RUNNING"):
            return current
        await asyncio.sleep(0)
    raise AssertionError("the bulk operation never finished")


async def test_a_bulk_query_writes_jsonl_with_parent_ids(api: Api) -> None:
    started = await api.data(RUN, {"q": PRODUCTS_WITH_VARIANTS})
    operation = started["bulkOperationRunQuery"]["bulkOperation"]
    assert operation["status"] == "CREATED"
    done = await finished(api)
    assert done["id"] == operation["id"]
    assert (done["status"], done["objectCount"], done["rootObjectCount"]) == ("COMPLETED", "5", "2")
    assert done["url"].startswith("http://127.0.0.1:8081/_sim/bulk/")

    response = await api.client.get(done["url"])  # no token: a signed-URL stand-in
    assert response.status_code == 200
    assert int(done["fileSize"]) == len(response.content)
    rows = [json.loads(line) for line in response.text.splitlines()]
    products = {p.title: p for p in api.shop.products.values()}
    tee = products["Tee"]
    assert rows[0] == {"id": f"gid://shopify/Product/{tee.id}", "title": "Tee"}
    assert rows[1:3] == [
        {
            "id": f"gid://shopify/ProductVariant/{v.id}",
            "sku": v.sku,
            "__parentId": f"gid://shopify/Product/{tee.id}",
        }
        for v in tee.variants
    ]
    assert [r.get("__parentId") for r in rows[3:]] == [
        None,
        f"gid://shopify/Product/{products['Mug'].id}",
    ]


async def test_the_finish_webhook_is_sent(api: Api) -> None:
    await api.data(RUN, {"q": PRODUCTS_WITH_VARIANTS})
    done = await finished(api)
    body = api.hooks.last("bulk_operations/finish")
    assert body["admin_graphql_api_id"] == done["id"]
    assert (body["status"], body["type"], body["error_code"]) == ("completed", "query", None)
    assert set(body) == {
        "admin_graphql_api_id",
        "completed_at",
        "created_at",
        "error_code",
        "status",
        "type",
    }


async def test_bulk_queries_ignore_page_sizes_and_node_finds_them(api: Api) -> None:
    for i in range(3):
        add_product(api.state, api.shop, f"Extra {i}", [(f"X-{i}", "1.00", 1)])
    started = await api.data(RUN, {"q": "{ products(first: 1) { nodes { id } } }"})
    operation_id = started["bulkOperationRunQuery"]["bulkOperation"]["id"]
    await finished(api)
    node = await api.data(
        """query($id: ID!) { node(id: $id) { ... on BulkOperation { status objectCount } } }""",
        {"id": operation_id},
    )
    assert node["node"] == {"status": "COMPLETED", "objectCount": "5"}


async def test_an_empty_result_has_no_url(api: Api) -> None:
    await api.data(RUN, {"q": "{ customers { edges { node { id email } } } }"})
    done = await finished(api)
    assert (done["status"], done["objectCount"], done["url"]) == ("COMPLETED", "0", None)


@pytest.mark.parametrize(
    ("query", "needle"),
    [
        ("{ shop { name } }", "at least one connection"),
        ("{ products { edges { node { title variants { edges { node { sku } } } } } } }", "'id'"),
        ("{ products { nodes { nope } } }", "Invalid bulk query"),
    ],
)
async def test_malformed_bulk_queries_are_user_errors(api: Api, query: str, needle: str) -> None:
    data = await api.data(RUN, {"q": query})
    payload = data["bulkOperationRunQuery"]
    assert payload["bulkOperation"] is None
    [error] = payload["userErrors"]
    assert error["code"] == "INVALID"
    assert needle in error["message"]


async def test_one_bulk_query_at_a_time_before_2026_01(api: Api) -> None:
    variables = {"query": RUN, "variables": {"q": PRODUCTS_WITH_VARIANTS}}
    first = (await api.post(variables, version="2025-10")).json()["data"]
    second = (await api.post(variables, version="2025-10")).json()["data"]
    assert first["bulkOperationRunQuery"]["userErrors"] == []
    assert second["bulkOperationRunQuery"]["userErrors"][0]["code"] == "OPERATION_IN_PROGRESS"
    await finished(api)

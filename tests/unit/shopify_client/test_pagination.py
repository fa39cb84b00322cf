"""Cursor pagination follows pageInfo until hasNextPage is false."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest
from shopify_client import paginate, updated_since
from shopify_client.documents import INVENTORY_ITEM_LEVELS, ORDERS_UPDATED_SINCE, PRODUCTS_PAGE

from .fakes import Call, Recorder, make_client, ok

PAGES = {
    None: (["p1", "p2"], "c1", True),
    "c1": (["p3", "p4"], "c2", True),
    "c2": (["p5"], "c3", False),
}


def _products(call: Call) -> httpx.Response:
    ids, cursor, more = PAGES[call.variables["after"]]
    return ok(
        {
            "products": {
                "nodes": [{"id": i} for i in ids],
                "pageInfo": {"hasNextPage": more, "endCursor": cursor},
            }
        }
    )


async def test_three_pages_yield_every_node_in_order() -> None:
    recorder = Recorder([_products])
    client = make_client(recorder)

    nodes = [
        n["id"]
        async for n in paginate(
            client, PRODUCTS_PAGE, {"query": "status:active"}, connection="products"
        )
    ]

    assert nodes == ["p1", "p2", "p3", "p4", "p5"]
    assert [c.variables["after"] for c in recorder.calls] == [None, "c1", "c2"]
    assert {c.variables["first"] for c in recorder.calls} == {250}
    assert {c.variables["query"] for c in recorder.calls} == {"status:active"}


async def test_nested_connection_and_missing_parent() -> None:
    levels = {
        "inventoryItem": {
            "id": "gid://shopify/InventoryItem/1",
            "inventoryLevels": {
                "nodes": [{"id": "L1"}],
                "pageInfo": {"hasNextPage": False, "endCursor": None},
            },
        }
    }
    client = make_client(Recorder([ok(levels)]))
    path = ("inventoryItem", "inventoryLevels")
    found = [n async for n in paginate(client, INVENTORY_ITEM_LEVELS, {"id": "x"}, connection=path)]
    assert found == [{"id": "L1"}]

    client = make_client(Recorder([ok({"inventoryItem": None})]))
    assert [
        n async for n in paginate(client, INVENTORY_ITEM_LEVELS, {"id": "x"}, connection=path)
    ] == []


async def test_page_size_is_bounded_by_shopify_limit() -> None:
    client = make_client(Recorder([_products]))
    with pytest.raises(ValueError, match="between 1 and 250"):
        _ = [n async for n in paginate(client, PRODUCTS_PAGE, connection="products", page_size=251)]


async def test_orders_updated_since_builds_the_search_query() -> None:
    moment = datetime(2026, 11, 1, 2, 0, tzinfo=timezone(timedelta(hours=2)))
    assert updated_since(moment) == "updated_at:>'2026-11-01T00:00:00Z'"
    page = {
        "orders": {"nodes": [{"id": "o1"}], "pageInfo": {"hasNextPage": False, "endCursor": "x"}}
    }
    recorder = Recorder([ok(page)])
    client = make_client(recorder)
    query = updated_since(datetime(2026, 11, 1, tzinfo=UTC))
    orders = [
        o
        async for o in paginate(client, ORDERS_UPDATED_SINCE, {"query": query}, connection="orders")
    ]
    assert orders == [{"id": "o1"}]
    assert recorder.calls[0].variables["query"] == "updated_at:>'2026-11-01T00:00:00Z'"
    with pytest.raises(ValueError, match="aware"):
        updated_since(datetime(2026, 11, 1))

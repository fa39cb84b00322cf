"""Bulk queries: start, poll until done (bounded), download, reassemble by __parentId."""

from __future__ import annotations

import json

import httpx
import pytest
from shopify_client import BulkOperationError, reassemble, run_bulk_query

from .fakes import TOKEN, FakeClock, make_client, ok

RESULT_URL = "https://storage.googleapis.com/shopify-bulk/result.jsonl?sig=abc"
ROWS = [
    {"id": "gid://shopify/Product/1", "title": "Shirt"},
    {
        "id": "gid://shopify/ProductVariant/11",
        "sku": "SH-S",
        "__parentId": "gid://shopify/Product/1",
    },
    {"id": "gid://shopify/Product/2", "title": "Mug"},
    {
        "id": "gid://shopify/ProductVariant/12",
        "sku": "SH-M",
        "__parentId": "gid://shopify/Product/1",
    },
    {
        "id": "gid://shopify/ProductVariant/21",
        "sku": "MUG",
        "__parentId": "gid://shopify/Product/2",
    },
    {
        "id": "gid://shopify/InventoryLevel/5?inventory_item_id=9",
        "__typename": "InventoryLevel",
        "__parentId": "gid://shopify/ProductVariant/21",
    },
]


class FakeBulk:
    def __init__(
        self, statuses: list[str], *, url: str | None = RESULT_URL, error: str | None = None
    ) -> None:
        self.statuses = statuses
        self.url, self.error = url, error
        self.requests: list[httpx.Request] = []
        self.started_with: str | None = None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.host == "storage.googleapis.com":
            return httpx.Response(200, text="\n".join(json.dumps(r) for r in ROWS) + "\n")
        body = json.loads(request.content)
        if body["operationName"] == "BulkOperationRunQuery":
            self.started_with = body["variables"]["query"]
            op = {"id": "gid://shopify/BulkOperation/77", "status": "CREATED"}
            return ok({"bulkOperationRunQuery": {"bulkOperation": op, "userErrors": []}})
        assert body["operationName"] == "BulkOperationById"
        assert body["variables"] == {"id": "gid://shopify/BulkOperation/77"}
        status = self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]
        done = status == "COMPLETED"
        node = {
            "id": "gid://shopify/BulkOperation/77",
            "status": status,
            "errorCode": self.error,
            "url": self.url if done else None,
        }
        return ok({"node": node})


def test_children_are_hung_under_their_parents_by_type() -> None:
    roots = reassemble(json.dumps(r) for r in ROWS)

    assert [r["title"] for r in roots] == ["Shirt", "Mug"]
    shirt, mug = roots
    assert [v["sku"] for v in shirt["__children"]["ProductVariant"]] == ["SH-S", "SH-M"]
    (mug_variant,) = mug["__children"]["ProductVariant"]
    assert mug_variant["__children"]["InventoryLevel"][0]["id"].startswith(
        "gid://shopify/InventoryLevel/5"
    )


def test_an_orphan_row_is_an_error() -> None:
    with pytest.raises(BulkOperationError, match="unknown parent"):
        reassemble(
            [
                json.dumps(
                    {
                        "id": "gid://shopify/ProductVariant/1",
                        "__parentId": "gid://shopify/Product/404",
                    }
                )
            ]
        )


async def test_run_polls_until_completed_then_downloads_without_the_token() -> None:
    clock = FakeClock()
    fake = FakeBulk(["CREATED", "RUNNING", "RUNNING", "COMPLETED"])
    client = make_client(fake, clock=clock)

    roots = await run_bulk_query(
        client, "{ products { edges { node { id } } } }", poll_interval_s=1
    )

    assert fake.started_with == "{ products { edges { node { id } } } }"
    assert [r["title"] for r in roots] == ["Shirt", "Mug"]
    polls = [r for r in fake.requests if r.url.host != "storage.googleapis.com"][1:]
    assert len(polls) == 4
    assert clock.sleeps == [1, 2, 4]  # backing off between polls
    (download,) = [r for r in fake.requests if r.url.host == "storage.googleapis.com"]
    assert "X-Shopify-Access-Token" not in download.headers
    assert TOKEN not in str(download.headers)


async def test_failed_operation_raises_with_the_error_code() -> None:
    client = make_client(FakeBulk(["RUNNING", "FAILED"], error="ACCESS_DENIED"))
    with pytest.raises(BulkOperationError, match="ended FAILED") as caught:
        await run_bulk_query(client, "{ products { edges { node { id } } } }", poll_interval_s=1)
    assert caught.value.error_code == "ACCESS_DENIED"


async def test_waiting_is_bounded() -> None:
    clock = FakeClock()
    client = make_client(FakeBulk(["RUNNING"]), clock=clock)
    with pytest.raises(BulkOperationError, match="still RUNNING after 60 s"):
        await run_bulk_query(
            client, "{ products { edges { node { id } } } }", poll_interval_s=5, timeout_s=60
        )
    assert clock.now - 1000.0 == pytest.approx(60)


async def test_completed_without_objects_has_no_file() -> None:
    client = make_client(FakeBulk(["COMPLETED"], url=None))
    assert await run_bulk_query(client, "{ products { edges { node { id } } } }") == []

"""Bulk queries: start, wait (bounded), download the JSONL, put children back under parents.

A bulk result is one JSON object per line; nested connection rows come as separate lines
carrying ``__parentId`` (the id of their parent row). ``reassemble`` hangs each child
under its parent in ``__children``, grouped by type (``__typename`` when selected, else
the type named in the child's gid), so a product comes back with
``row["__children"]["ProductVariant"]``.

The result URL is a signed storage link, not the Admin API: it is fetched without the
access token.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import httpx

from shopify_client.client import ShopifyClient
from shopify_client.documents import BULK_OPERATION_BY_ID, BULK_OPERATION_RUN_QUERY
from shopify_client.errors import BulkOperationError

TERMINAL = frozenset({"COMPLETED", "FAILED", "CANCELED", "EXPIRED"})
CHILDREN = "__children"


def _kind(row: dict[str, Any]) -> str:
    if isinstance(row.get("__typename"), str):
        return str(row["__typename"])
    gid = row.get("id")
    if isinstance(gid, str) and gid.startswith("gid://shopify/"):
        return gid.removeprefix("gid://shopify/").split("/", 1)[0]
    return "rows"


def reassemble(lines: Iterable[str]) -> list[dict[str, Any]]:
    """Top-level rows in file order, each child appended under its parent."""
    rows = [json.loads(line) for line in lines if line.strip()]
    by_id = {row["id"]: row for row in rows if isinstance(row.get("id"), str)}
    roots: list[dict[str, Any]] = []
    for row in rows:
        parent_id = row.get("__parentId")
        if parent_id is None:
            roots.append(row)
            continue
        parent = by_id.get(parent_id)
        if parent is None:
            msg = f"bulk row {row.get('id')!r} names an unknown parent {parent_id!r}"
            raise BulkOperationError(msg)
        parent.setdefault(CHILDREN, {}).setdefault(_kind(row), []).append(row)
    return roots


async def start_bulk_query(client: ShopifyClient, query: str) -> str:
    """Start a bulk query; return the BulkOperation id."""
    payload = await client.mutate(BULK_OPERATION_RUN_QUERY, {"query": query})
    operation = payload.get("bulkOperation") or {}
    if not operation.get("id"):
        msg = "bulkOperationRunQuery answered without an operation id"
        raise BulkOperationError(msg, shop=client.shop, operation=BULK_OPERATION_RUN_QUERY.name)
    return str(operation["id"])


async def wait_for_bulk_operation(
    client: ShopifyClient,
    operation_id: str,
    *,
    poll_interval_s: float = 2.0,
    max_poll_interval_s: float = 30.0,
    timeout_s: float = 3600.0,
) -> dict[str, Any]:
    """Poll ``node(id)`` until the operation ends; raise unless it COMPLETED."""
    clock = client.pacer.clock
    deadline = clock.monotonic() + timeout_s
    interval = poll_interval_s
    while True:
        data = await client.execute(BULK_OPERATION_BY_ID, {"id": operation_id})
        operation = data.get("node") or {}
        status = operation.get("status")
        if status == "COMPLETED":
            return dict(operation)
        if status in TERMINAL:
            code = operation.get("errorCode")
            msg = f"bulk operation {operation_id} ended {status} (errorCode {code})"
            raise BulkOperationError(msg, error_code=code, shop=client.shop)
        if not operation:
            msg = f"bulk operation {operation_id} not found"
            raise BulkOperationError(msg, shop=client.shop)
        remaining = deadline - clock.monotonic()
        if remaining <= 0:
            msg = f"bulk operation {operation_id} still {status} after {timeout_s:.0f} s"
            raise BulkOperationError(msg, shop=client.shop)
        await clock.sleep(min(interval, remaining))
        interval = min(interval * 2, max_poll_interval_s)


async def download_lines(http: httpx.AsyncClient, url: str) -> list[str]:
    async with http.stream("GET", url) as response:
        response.raise_for_status()
        return [line async for line in response.aiter_lines()]


async def run_bulk_query(
    client: ShopifyClient,
    query: str,
    *,
    poll_interval_s: float = 2.0,
    timeout_s: float = 3600.0,
) -> list[dict[str, Any]]:
    """Run ``query`` as a bulk operation and return its reassembled rows."""
    operation_id = await start_bulk_query(client, query)
    operation = await wait_for_bulk_operation(
        client, operation_id, poll_interval_s=poll_interval_s, timeout_s=timeout_s
    )
    url = operation.get("url")
    if not url:  # COMPLETED with no objects: Shopify gives no file
        return []
    try:
        lines = await download_lines(client.http, str(url))
    except httpx.HTTPError as exc:
        msg = f"bulk operation {operation_id}: downloading the result failed ({type(exc).__name__})"
        raise BulkOperationError(msg, shop=client.shop) from exc
    return reassemble(lines)

"""Cursor pagination over a connection, as an async iterator of nodes.

The page document takes ``$first`` and ``$after`` and selects ``nodes`` and
``pageInfo { hasNextPage endCursor }`` on the connection found at ``connection`` (a path
of field names under ``data``). Shopify stops paginating at 25,000 objects; for more,
filter with ``query`` (e.g. ``updated_since``) or use a bulk operation.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from shopify_client.client import ShopifyClient
from shopify_client.document import Document
from shopify_client.errors import ShopifyGraphQLError

MAX_PAGE_SIZE = 250


def _connection(
    data: Mapping[str, Any], path: Sequence[str], document: Document
) -> Mapping[str, Any] | None:
    node: Any = data
    for key in path:
        if node is None:
            return None  # e.g. inventoryItem(id:) of an unknown id: nothing to page
        if not isinstance(node, Mapping) or key not in node:
            msg = f"{document.name}: no connection at {'.'.join(path)}"
            raise ShopifyGraphQLError([{"message": msg}], operation=document.name)
        node = node[key]
    return node if isinstance(node, Mapping) else None


async def paginate(
    client: ShopifyClient,
    document: Document,
    variables: Mapping[str, Any] | None = None,
    *,
    connection: str | Sequence[str],
    page_size: int = MAX_PAGE_SIZE,
    estimated_cost: float | None = None,
) -> AsyncIterator[dict[str, Any]]:
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        msg = f"page_size must be between 1 and {MAX_PAGE_SIZE}"
        raise ValueError(msg)
    path = (connection,) if isinstance(connection, str) else tuple(connection)
    after: str | None = None
    while True:
        page_vars = {**(variables or {}), "first": page_size, "after": after}
        data = await client.execute(document, page_vars, estimated_cost=estimated_cost)
        page = _connection(data, path, document)
        if page is None:
            return
        for node in page.get("nodes") or []:
            yield node
        info = page.get("pageInfo") or {}
        after = info.get("endCursor")
        if not info.get("hasNextPage") or not after:
            return


def updated_since(moment: datetime) -> str:
    """Search syntax for objects updated after ``moment`` (reconciliation queries)."""
    if moment.tzinfo is None:
        msg = "updated_since needs an aware datetime"
        raise ValueError(msg)
    stamp = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return f"updated_at:>'{stamp}'"

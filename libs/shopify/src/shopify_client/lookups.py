"""Finding variants by SKU, the key the ERP and Shopify share.

Shopify's ``sku:`` search is tokenised, not exact (``sku:AB-1`` can match ``AB-10``), so
the value is quoted and the answer filtered to exact matches. More than one exact match
is possible: Shopify does not enforce unique SKUs.
"""

from __future__ import annotations

from typing import Any

from shopify_client.client import ShopifyClient
from shopify_client.documents import PRODUCT_VARIANTS_BY_SKU


def sku_search(sku: str) -> str:
    escaped = sku.replace("\\", "\\\\").replace('"', '\\"')
    return f'sku:"{escaped}"'


async def variants_by_sku(
    client: ShopifyClient, sku: str, *, limit: int = 10
) -> list[dict[str, Any]]:
    """Variants whose SKU is exactly ``sku`` (usually zero or one)."""
    if not sku:
        msg = "sku must not be empty: an empty search matches every variant"
        raise ValueError(msg)
    data = await client.execute(PRODUCT_VARIANTS_BY_SKU, {"query": sku_search(sku), "first": limit})
    nodes = (data.get("productVariants") or {}).get("nodes") or []
    return [node for node in nodes if node.get("sku") == sku]

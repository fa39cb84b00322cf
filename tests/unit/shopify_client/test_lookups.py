"""Variant lookup by SKU: quoted search, exact matches only."""

from __future__ import annotations

import pytest
from shopify_client import variants_by_sku

from .fakes import Recorder, make_client, ok


async def test_returns_only_exact_sku_matches() -> None:
    nodes = [
        {"id": "gid://shopify/ProductVariant/1", "sku": "AB-1"},
        {"id": "gid://shopify/ProductVariant/2", "sku": "AB-10"},
    ]
    recorder = Recorder([ok({"productVariants": {"nodes": nodes}})])
    found = await variants_by_sku(make_client(recorder), "AB-1")

    assert [v["id"] for v in found] == ["gid://shopify/ProductVariant/1"]
    (call,) = recorder.calls
    assert call.body["operationName"] == "ProductVariantsBySku"
    assert call.variables == {"query": 'sku:"AB-1"', "first": 10}


async def test_quotes_in_a_sku_are_escaped_and_empty_sku_refused() -> None:
    recorder = Recorder([ok({"productVariants": {"nodes": []}})])
    assert await variants_by_sku(make_client(recorder), 'A"B') == []
    assert recorder.calls[0].variables["query"] == 'sku:"A\\"B"'
    with pytest.raises(ValueError, match="empty"):
        await variants_by_sku(make_client(recorder), "")

"""webhooks register against the Shopify emulator, in process."""

from __future__ import annotations

import argparse

import httpx
import pytest
from shopify_client import ShopifyClient
from shopify_sim.app import build_state, create_app
from shopify_sim.settings import DEMO_SHOP, SimSettings
from syncctl.webhooks import check_callback, choose_topics, consumed_topics, register

CALLBACK = "http://127.0.0.1:8080/webhooks/shopify"


def test_every_consumed_shopify_topic_but_compliance() -> None:
    topics = consumed_topics()
    assert "orders/create" in topics
    assert "inventory_levels/update" in topics
    assert "customers/redact" not in topics
    assert "stock.changed" not in topics
    assert choose_topics(None)[0] == "ORDERS_CREATE"
    assert choose_topics(["orders/paid", "ORDERS_PAID", "products/update"]) == [
        "ORDERS_PAID",
        "PRODUCTS_UPDATE",
    ]
    with pytest.raises(ValueError, match="shop/redact"):
        choose_topics(["shop/redact"])


def test_the_callback_must_be_an_absolute_http_url() -> None:
    assert check_callback(CALLBACK) == CALLBACK
    for bad in ("127.0.0.1:8080/webhooks", "ftp://x/y", "/webhooks/shopify"):
        with pytest.raises(argparse.ArgumentTypeError, match="--callback"):
            check_callback(bad)


async def test_register_creates_then_reports_existing_subscriptions() -> None:
    settings = SimSettings(time_factor=1e6)
    state = build_state(settings)
    app = create_app(state, settings)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app)) as http:
        client = ShopifyClient(
            DEMO_SHOP.domain, DEMO_SHOP.access_token, base_url="http://sim", http=http
        )
        topics = choose_topics(None)
        first = await register(client, CALLBACK, topics)
        second = await register(client, CALLBACK, topics)

    assert [o.status for o in first] == ["created"] * len(topics)
    assert all(o.detail.startswith("gid://shopify/WebhookSubscription/") for o in first)
    assert [o.status for o in second] == ["exists"] * len(topics)
    [shop] = state.shops.values()
    subscribed = sorted(s.topic for s in shop.webhook_subscriptions.values() if s.uri == CALLBACK)
    assert subscribed == sorted(consumed_topics())

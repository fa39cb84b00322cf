"""Fakes and builders for the gateway's unit tests."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from typing import Any

from erp_connector.signatures import sign as erp_sign
from gateway.adapters.replay import LruReplayGuard
from gateway.domain import Record
from gateway.handlers import Gateway
from gateway.ports import PublishFailed
from gateway.tenants import Tenant, Tenants
from shopify_client.webhooks import sign_webhook

from tests import erp_events

SECRET = "acme-app-secret"
OLD_SECRET = "acme-old-secret"
ERP_SECRET = "acme-erp-secret"
SHOP = "acme.myshopify.com"
NOW = 1_800_000_000.0


class FakePublisher:
    def __init__(self, *, fail: bool = False) -> None:
        self.records: list[Record] = []
        self.fail = fail

    async def publish(self, records: Sequence[Record]) -> None:
        if self.fail:
            raise PublishFailed("down")
        self.records.extend(records)


def gateway(publisher: FakePublisher | None = None) -> Gateway:
    tenants = Tenants([Tenant("acme", SHOP, (SECRET, OLD_SECRET), (ERP_SECRET,))])
    return Gateway(
        tenants=tenants,
        publisher=publisher or FakePublisher(),
        replay=LruReplayGuard(max_entries=100, window_s=600),
        clock=lambda: NOW,
    )


def shopify_headers(
    body: bytes, topic: str = "orders/create", *, secret: str = SECRET, **extra: str
) -> dict[str, str]:
    headers = {
        "x-shopify-topic": topic,
        "x-shopify-shop-domain": SHOP,
        "x-shopify-hmac-sha256": sign_webhook(body, secret),
        "x-shopify-webhook-id": str(uuid.uuid4()),
        "x-shopify-triggered-at": "2026-01-15T10:00:00.123456789Z",
        "x-shopify-api-version": "2026-10",
        "x-shopify-event-id": "98765",
    }
    headers.update(extra)
    return headers


def erp_request(
    document: Any, *, at: float = NOW, secret: str = ERP_SECRET
) -> tuple[dict[str, str], bytes]:
    body = json.dumps(document).encode()
    timestamp = int(at)
    return {
        "x-erp-timestamp": str(timestamp),
        "x-erp-signature": erp_sign(body, secret, timestamp),
    }, body


def stock_event(sku: str = "SKU-1", **changes: Any) -> dict[str, Any]:
    return erp_events.stock_event(
        sku, movement_type="purchase_entry", reserved=1, available=4,
        **{"occurred_at": "2026-01-15T10:00:00+00:00", **changes},
    )  # fmt: skip

"""Every real Shopify webhook body we hold, sent signed through the gateway, lands on its
topic with the right key and envelope (read back from Kafka); with a wrong HMAC it gets
401 and nothing is published.

Bodies are sent as the files hold them, unwrapped where the file wraps the resource
(``{"order": {...}}``, as the REST API returns it). File 15 is a GraphQL query answer,
not a webhook body, so it is not sent. A tenant of this run's own keeps older records
out of the comparison.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from contracts import Envelope, route_for

from tests.integration.test_gateway_support import (
    Merchant,
    end_offsets,
    of_tenant,
    records_between,
    serving,
)

TOPICS = {  # file number -> the webhook topic its body belongs to
    "01": "orders/create",
    "02": "orders/edited",
    "03": "refunds/create",
    "04": "products/update",
    "05": "customers/create",
    "06": "inventory_levels/update",
    "07": "fulfillments/create",
    "08": "order_transactions/create",
    "09": "orders/cancelled",
    "10": "orders/create",
    "11": "refunds/create",
    "12": "orders/paid",
    "13": "customers/update",
    "14": "products/create",
}
WRAPPERS = ("order", "refund", "customer", "product")


def webhook_bodies(shared: Path) -> list[tuple[str, str, bytes]]:
    """(file name, topic, body bytes) for every webhook fixture, unwrapped."""
    found = []
    for path in sorted((shared / "shopify" / "fixtures").glob("*.json")):
        topic = TOPICS.get(path.name[:2])
        if topic is None:
            assert path.name.startswith("15_graphql"), f"a new fixture needs a topic: {path.name}"
            continue
        raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
        document = json.loads(raw)
        if len(document) == 1 and next(iter(document)) in WRAPPERS:
            raw = json.dumps(next(iter(document.values()))).encode()
        found.append((path.name, topic, raw))
    return found


async def test_real_bodies_land_on_their_topics(shared_dir: Path, kafka_bootstrap: str) -> None:
    bodies = webhook_bodies(shared_dir)
    assert len(bodies) == 14
    merchant = Merchant.fresh()
    sent: dict[str, tuple[str, str, bytes, dict[str, str]]] = {}
    async with serving(kafka_bootstrap, merchant.tenants()) as base_url:
        before = await end_offsets(kafka_bootstrap)
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
            for name, topic, body in bodies:
                headers = merchant.headers(body, topic)
                answer = await client.post("/webhooks/shopify", content=body, headers=headers)
                route = route_for(topic)
                assert route is not None
                assert answer.status_code == 200, (name, answer.text)
                webhook_id = headers["X-Shopify-Webhook-Id"]
                assert answer.json() == {
                    "status": "accepted",
                    "id": webhook_id,
                    "topic": route.topic.name,
                }
                sent[webhook_id] = (name, topic, body, headers)
        after = await end_offsets(kafka_bootstrap)
    records = of_tenant(await records_between(kafka_bootstrap, before, after), merchant.slug)

    assert len(records) == len(sent)
    for record in records:
        env = Envelope.from_bytes(record.value)
        name, topic, body, headers = sent[env.id]
        route = route_for(topic)
        assert route is not None
        payload: dict[str, Any] = json.loads(body)
        entity = route.entity_id(payload)
        assert record.topic == route.topic.name, name
        assert record.key == f"{merchant.slug}:{entity}".encode(), name
        assert env.key == f"{merchant.slug}:{entity}"
        assert (env.type, env.source, env.tenant) == (topic, "shopify", merchant.slug)
        assert env.payload == payload, name
        assert env.meta["api_version"] == "2026-10"
        assert env.meta["event_id"] == headers["X-Shopify-Event-Id"]
        assert env.occurred_at.isoformat() == "2026-01-15T15:00:00.123456+00:00"


@pytest.mark.parametrize("wrong", ["another-secret", "garbage"])
async def test_a_wrong_hmac_gets_401_and_publishes_nothing(
    shared_dir: Path, kafka_bootstrap: str, wrong: str
) -> None:
    merchant = Merchant.fresh()
    async with serving(kafka_bootstrap, merchant.tenants()) as base_url:
        before = await end_offsets(kafka_bootstrap)
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
            for name, topic, body in webhook_bodies(shared_dir):
                signature = merchant.sign(body, wrong) if wrong != "garbage" else "bm90IGFuIGhtYWM="
                headers = merchant.headers(body, topic, **{"X-Shopify-Hmac-Sha256": signature})
                answer = await client.post("/webhooks/shopify", content=body, headers=headers)
                assert answer.status_code == 401, name
                assert answer.json() == {
                    "error": "unauthorized",
                    "message": "invalid signature or unknown shop",
                }
        after = await end_offsets(kafka_bootstrap)
    assert of_tenant(await records_between(kafka_bootstrap, before, after), merchant.slug) == []

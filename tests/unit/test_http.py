from __future__ import annotations

import httpx
from faststream.kafka import KafkaBroker
from plumbing.http import build_app
from plumbing.metrics import ConsumerMetrics
from prometheus_client import CollectorRegistry


async def _ok() -> None:
    return None


async def _down() -> None:
    raise ConnectionRefusedError


def _client(checks: dict[str, object]) -> httpx.AsyncClient:
    registry = CollectorRegistry()
    metrics = ConsumerMetrics.create(registry)
    metrics.lag.labels("orders", "shopify.orders.v1", "0").set(7)
    app = build_app(
        service="orders",
        broker=KafkaBroker("127.0.0.1:1"),
        registry=registry,
        checks=checks,  # type: ignore[arg-type]
    )
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc")


async def test_health_answers_while_the_process_lives() -> None:
    async with _client({"kafka": _down}) as client:
        response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["service"] == "orders"


async def test_ready_is_503_naming_the_failing_dependency() -> None:
    async with _client({"kafka": _ok, "postgres": _down}) as client:
        response = await client.get("/ready")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "kafka": "ok",
        "postgres": "failing: ConnectionRefusedError",
    }


async def test_ready_is_200_when_every_dependency_answers() -> None:
    async with _client({"kafka": _ok, "postgres": _ok}) as client:
        response = await client.get("/ready")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"


async def test_metrics_are_prometheus_text() -> None:
    async with _client({}) as client:
        response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert (
        'sync_consumer_lag{group="orders",partition="0",topic="shopify.orders.v1"} 7.0'
        in response.text
    )

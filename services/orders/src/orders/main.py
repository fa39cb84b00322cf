"""Composition root of the orders service: the only place that reads settings and builds
the broker, the pool and the app."""

from __future__ import annotations

from pathlib import Path

from contracts.topics import ERP_DOCUMENTS, SHOPIFY_COMPLIANCE, SHOPIFY_ORDERS
from faststream.asgi import AsgiFastStream
from plumbing.http import serve
from plumbing.logging import configure_logging
from plumbing.runtime import ConsumerRuntime

from orders.settings import OrdersSettings

SERVICE = "orders"
TOPICS = [
    t.name
    for t in (
        ERP_DOCUMENTS,
        SHOPIFY_COMPLIANCE,
        SHOPIFY_ORDERS,
    )
]
MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: OrdersSettings) -> AsgiFastStream:
    runtime = ConsumerRuntime(
        service=SERVICE, settings=settings, topics=TOPICS, migrations=MIGRATIONS
    )
    return runtime.app()


def run() -> None:
    settings = OrdersSettings()
    configure_logging(SERVICE, settings.log_level, json=settings.log_json)
    serve(build(settings), host=settings.http_host, port=settings.http_port)

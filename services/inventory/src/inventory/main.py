"""Composition root of the inventory service: the only place that reads settings and builds
the broker, the pool and the app."""

from __future__ import annotations

from pathlib import Path

from contracts.topics import ERP_STOCK, SHOPIFY_INVENTORY
from faststream.asgi import AsgiFastStream
from plumbing.http import serve
from plumbing.logging import configure_logging
from plumbing.runtime import ConsumerRuntime

from inventory.settings import InventorySettings

SERVICE = "inventory"
TOPICS = [
    t.name
    for t in (
        ERP_STOCK,
        SHOPIFY_INVENTORY,
    )
]
MIGRATIONS = Path(__file__).parent / "migrations"


def build(settings: InventorySettings) -> AsgiFastStream:
    runtime = ConsumerRuntime(
        service=SERVICE, settings=settings, topics=TOPICS, migrations=MIGRATIONS
    )
    return runtime.app()


def run() -> None:
    settings = InventorySettings()
    configure_logging(SERVICE, settings.log_level, json=settings.log_json)
    serve(build(settings), host=settings.http_host, port=settings.http_port)

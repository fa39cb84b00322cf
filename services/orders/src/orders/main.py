"""Composition root of the orders service: the only place that reads settings and builds
the broker, the pool, the tenants' clients and the app."""

from __future__ import annotations

import os
from pathlib import Path

from contracts.topics import ERP_DOCUMENTS, SHOPIFY_COMPLIANCE, SHOPIFY_ORDERS
from faststream.asgi import AsgiFastStream
from plumbing.http import serve
from plumbing.logging import configure_logging
from plumbing.runtime import ConsumerRuntime

from orders.clients import TenantClients
from orders.settings import OrdersSettings
from orders.store import PgOrderStore
from orders.subscribers import OrderEvents
from orders.tenants import TenantDirectory

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
    tenants = TenantDirectory(settings.tenants_file, os.environ)
    clients = TenantClients(erp_timeout_s=settings.erp_timeout_s)
    orders = OrderEvents(
        pool=lambda: runtime.pool,
        tenants=tenants.get,
        erp_for=clients.erp,
        store=PgOrderStore(),
    )
    runtime.consume(SHOPIFY_ORDERS.name, orders.handle, max_workers=settings.consumers)
    return runtime.app(on_shutdown=[clients.aclose])


def run() -> None:
    settings = OrdersSettings()
    configure_logging(SERVICE, settings.log_level, json=settings.log_json)
    serve(build(settings), host=settings.http_host, port=settings.http_port)

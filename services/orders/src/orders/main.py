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

from orders.admin import reconcile_route
from orders.clients import TenantClients
from orders.reconciler import Reconciler, window
from orders.settings import OrdersSettings
from orders.store import PgOrderStore
from orders.store_aftersale import PgAftersaleStore
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
    events = OrderEvents(
        pool=lambda: runtime.pool,
        tenants=tenants.get,
        erp_for=clients.erp,
        shopify_for=clients.shopify,
        store=PgOrderStore(),
        aftersale=PgAftersaleStore(),
        unknown_tenants=settings.unknown_tenants,
    )
    runtime.consume(SHOPIFY_ORDERS.name, events.handle, max_workers=settings.consumers)
    runtime.consume(ERP_DOCUMENTS.name, events.handle_document)
    reconciler = Reconciler(
        pool=lambda: runtime.pool,
        tenants=tenants,
        clients=clients,
        pipeline=runtime.pipeline(events.handle),
        topic=SHOPIFY_ORDERS.name,
        window=window(settings.reconcile_overlap_s, settings.reconcile_first_window_s),
        interval_s=settings.reconcile_interval_s,
    )
    return runtime.app(
        routes=[reconcile_route(reconciler)],
        after_startup=[reconciler.start],
        on_shutdown=[reconciler.stop, clients.aclose],
    )


def run() -> None:
    settings = OrdersSettings()
    configure_logging(SERVICE, settings.log_level, json=settings.log_json)
    serve(build(settings), host=settings.http_host, port=settings.http_port)

"""Composition root of the gateway: the only place that reads settings and builds the
broker and the app. The gateway is stateless (no database; the ERP replay memory is per
process and only an optimisation), so it scales by copies."""

from __future__ import annotations

import os

from faststream.asgi.types import ASGIApp
from plumbing.broker import make_broker
from plumbing.http import broker_check, build_app, serve
from plumbing.logging import configure_logging, get_logger
from plumbing.topic_admin import ensure_topics
from prometheus_client import CollectorRegistry

from gateway.adapters.publisher import KafkaPublisher
from gateway.adapters.replay import LruReplayGuard
from gateway.handlers import Gateway
from gateway.metrics import GatewayMetrics
from gateway.routes import GatewayRoutes
from gateway.settings import GatewaySettings
from gateway.tenants import TenantConfigError, Tenants, load_tenants

SERVICE = "gateway"
log = get_logger("gateway.main")


def tenants_from(settings: GatewaySettings) -> Tenants:
    """The tenants file's tenants with their secrets from the environment. Without
    GATEWAY_TENANTS_FILE the gateway has no tenant and refuses every request (401); it
    says so loudly at start (a health-only boot stays possible)."""
    if settings.tenants_file is None:
        log.warning("service.no_tenants", hint="set GATEWAY_TENANTS_FILE; every request gets 401")
        return Tenants()
    return load_tenants(settings.tenants_file, os.environ)


def build(settings: GatewaySettings, tenants: Tenants | None = None) -> ASGIApp:
    """The gateway's ASGI app (lifespan starts the broker); ``tenants`` defaults to
    the file named by the settings, with secrets from the environment."""
    if tenants is None:
        tenants = tenants_from(settings)
    registry = CollectorRegistry()
    broker = make_broker(settings.kafka_bootstrap_servers, client_id=SERVICE)
    gateway = Gateway(
        tenants=tenants,
        publisher=KafkaPublisher(broker, timeout_s=settings.publish_timeout_s),
        replay=LruReplayGuard(
            max_entries=settings.replay_cache_size, window_s=2 * settings.erp_tolerance_s
        ),
        retry_after_s=settings.retry_after_s,
        erp_tolerance_s=settings.erp_tolerance_s,
    )

    async def startup() -> None:
        await ensure_topics(settings.kafka_bootstrap_servers)

    async def started() -> None:
        log.info(
            "service.started",
            http=f"http://{settings.http_host}:{settings.http_port}",
            tenants=tenants.slugs(),
        )

    inner = build_app(
        service=SERVICE,
        broker=broker,
        registry=registry,
        checks={"kafka": broker_check(broker)},
        on_startup=[startup],
        after_startup=[started],
    )
    metrics = GatewayMetrics.create(registry)
    return GatewayRoutes(inner, gateway, metrics, max_body_bytes=settings.max_body_bytes)


def run() -> None:
    settings = GatewaySettings()
    configure_logging(SERVICE, settings.log_level, json=settings.log_json)
    try:
        tenants = tenants_from(settings)
    except TenantConfigError as exc:
        log.error("service.bad_tenants", error=str(exc))
        raise SystemExit(f"gateway: {exc}") from None
    serve(build(settings, tenants), host=settings.http_host, port=settings.http_port)

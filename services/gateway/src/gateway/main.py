"""Composition root of the gateway: the only place that reads settings and builds the
broker and the app. The gateway is stateless: no database, so it scales by copies."""

from __future__ import annotations

from faststream.asgi import AsgiFastStream
from plumbing.broker import make_broker
from plumbing.http import broker_check, build_app, serve
from plumbing.logging import configure_logging, get_logger
from plumbing.topic_admin import ensure_topics
from prometheus_client import CollectorRegistry

from gateway.settings import GatewaySettings

SERVICE = "gateway"
log = get_logger("gateway.main")


def build(settings: GatewaySettings) -> AsgiFastStream:
    registry = CollectorRegistry()
    broker = make_broker(settings.kafka_bootstrap_servers, client_id=SERVICE)

    async def startup() -> None:
        await ensure_topics(settings.kafka_bootstrap_servers)

    async def started() -> None:
        log.info("service.started", http=f"http://{settings.http_host}:{settings.http_port}")

    return build_app(
        service=SERVICE,
        broker=broker,
        registry=registry,
        checks={"kafka": broker_check(broker)},
        on_startup=[startup],
        after_startup=[started],
    )


def run() -> None:
    settings = GatewaySettings()
    configure_logging(SERVICE, settings.log_level, json=settings.log_json)
    serve(build(settings), host=settings.http_host, port=settings.http_port)

"""The HTTP face every service shares: /health, /ready and /metrics.

/health is liveness (the process answers); /ready runs the service's dependency checks
(broker, database) so an orchestrator stops routing to an instance that cannot work.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import uvicorn
from faststream.asgi import AsgiFastStream, AsgiResponse, get
from faststream.asgi.types import ASGIApp, Scope
from faststream.kafka import KafkaBroker
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

ReadinessCheck = Callable[[], Awaitable[None]]
Hook = Callable[[], Awaitable[None]]

_JSON = {"content-type": "application/json"}
READY_TIMEOUT_S = 2.0


def _json(status: int, body: Mapping[str, Any]) -> AsgiResponse:
    return AsgiResponse(json.dumps(body).encode(), status, _JSON)


def health_routes(
    service: str, registry: CollectorRegistry, checks: Mapping[str, ReadinessCheck]
) -> list[tuple[str, ASGIApp]]:
    started = time.monotonic()

    @get(include_in_schema=False)
    async def health(scope: Scope) -> AsgiResponse:
        uptime = round(time.monotonic() - started, 1)
        return _json(200, {"status": "ok", "service": service, "uptime_s": uptime})

    @get(include_in_schema=False)
    async def ready(scope: Scope) -> AsgiResponse:
        results: dict[str, str] = {}
        for name, check in checks.items():
            try:
                await asyncio.wait_for(check(), READY_TIMEOUT_S)
                results[name] = "ok"
            except Exception as exc:
                results[name] = f"failing: {type(exc).__name__}"
        ok = all(v == "ok" for v in results.values())
        body = {"status": "ready" if ok else "not_ready", "service": service, "checks": results}
        return _json(200 if ok else 503, body)

    @get(include_in_schema=False)
    async def metrics(scope: Scope) -> AsgiResponse:
        return AsgiResponse(generate_latest(registry), 200, {"content-type": CONTENT_TYPE_LATEST})

    return [("/health", health), ("/ready", ready), ("/metrics", metrics)]


def broker_check(broker: KafkaBroker) -> ReadinessCheck:
    async def check() -> None:
        if not await broker.ping(timeout=READY_TIMEOUT_S):
            msg = "Kafka did not answer"
            raise ConnectionError(msg)

    return check


def build_app(
    *,
    service: str,
    broker: KafkaBroker,
    registry: CollectorRegistry,
    checks: Mapping[str, ReadinessCheck],
    routes: Sequence[tuple[str, ASGIApp]] = (),
    on_startup: Sequence[Hook] = (),
    after_startup: Sequence[Hook] = (),
    on_shutdown: Sequence[Hook] = (),
) -> AsgiFastStream:
    return AsgiFastStream(
        broker,
        asgi_routes=[*health_routes(service, registry, checks), *routes],
        on_startup=list(on_startup),
        after_startup=list(after_startup),
        on_shutdown=list(on_shutdown),
    )


def serve(app: ASGIApp, *, host: str, port: int) -> None:
    """Run until SIGTERM/SIGINT; shutdown drains the consumers (graceful_timeout)."""
    config = uvicorn.Config(
        app, host=host, port=port, log_config=None, access_log=False, lifespan="on"
    )
    asyncio.run(uvicorn.Server(config).serve())

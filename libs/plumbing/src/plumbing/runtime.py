"""Lifecycle of a consumer service: pool, migrations, topics, lag monitor, HTTP app.

Each service's ``main.py`` (its composition root) reads its settings and hands them
here; this module never reads the environment itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import asyncpg
from faststream.asgi import AsgiFastStream
from faststream.asgi.types import ASGIApp
from faststream.kafka import KafkaBroker
from prometheus_client import CollectorRegistry

from plumbing.broker import BrokerDeadLetterSink, make_broker
from plumbing.consumer import subscribe
from plumbing.db import create_pool
from plumbing.http import Hook, ReadinessCheck, broker_check, build_app
from plumbing.lag import LagMonitor
from plumbing.logging import get_logger
from plumbing.metrics import ConsumerMetrics
from plumbing.migrations import migrate_service
from plumbing.pipeline import Handler, MessagePipeline
from plumbing.settings import ServiceSettings
from plumbing.topic_admin import ensure_topics

log = get_logger("plumbing.runtime")


class ConsumerRuntime:
    """Owns what a consumer service needs between start and stop."""

    def __init__(
        self,
        *,
        service: str,
        settings: ServiceSettings,
        topics: Sequence[str],
        migrations: Path,
    ) -> None:
        self.service = service
        self.settings = settings
        self.group_id = settings.consumer_group or service
        self.topics = list(topics)
        self.migrations = migrations
        self.registry = CollectorRegistry()
        self.metrics = ConsumerMetrics.create(self.registry)
        self.broker: KafkaBroker = make_broker(settings.kafka_bootstrap_servers, client_id=service)
        self.sink = BrokerDeadLetterSink(self.broker)
        self.lag = LagMonitor(
            bootstrap_servers=settings.kafka_bootstrap_servers,
            group_id=self.group_id,
            topics=self.topics,
            metrics=self.metrics,
            interval_s=settings.lag_interval_s,
        )
        self._pool: asyncpg.Pool | None = None

    @property
    def pool(self) -> asyncpg.Pool:
        if self._pool is None:
            msg = "the database pool exists only between startup and shutdown"
            raise RuntimeError(msg)
        return self._pool

    def pipeline(self, handler: Handler) -> MessagePipeline:
        """The retry/DLQ pipeline around ``handler``; also for messages that do not come
        from Kafka (reconciliation), so they are retried, dead-lettered and counted alike."""
        return MessagePipeline(
            consumer=self.group_id,  # the DLQ's consumer header: which group gave up
            handler=handler,
            sink=self.sink,
            metrics=self.metrics,
            retry=self.settings.retry_policy(),
        )

    def consume(self, topic: str, handler: Handler, *, max_workers: int = 1) -> None:
        """Route ``topic`` through the retry/DLQ pipeline to ``handler``."""
        pipeline = self.pipeline(handler)
        subscribe(
            self.broker,
            topic=topic,
            group_id=self.group_id,
            pipeline=pipeline,
            max_workers=max_workers,
        )

    async def _startup(self) -> None:
        dsn = self.settings.require_database_url()
        self._pool = await create_pool(dsn, max_size=self.settings.db_pool_max_size)
        applied = await migrate_service(self._pool, self.service, self.migrations)
        await ensure_topics(self.settings.kafka_bootstrap_servers)
        log.info("service.starting", migrations_applied=len(applied), topics=self.topics)

    async def _after_startup(self) -> None:
        await self.lag.start()
        log.info(
            "service.started",
            http=f"http://{self.settings.http_host}:{self.settings.http_port}",
        )

    async def _shutdown(self) -> None:
        await self.lag.stop()
        if self._pool is not None:
            await self._pool.close()
        log.info("service.stopped")

    async def _db_check(self) -> None:
        await self.pool.fetchval("SELECT 1")

    def app(
        self,
        *,
        routes: Sequence[tuple[str, ASGIApp]] = (),
        after_startup: Sequence[Hook] = (),
        on_shutdown: Sequence[Hook] = (),
    ) -> AsgiFastStream:
        """The service's app; ``after_startup`` hooks run once the pool and the
        consumers are up, ``on_shutdown`` hooks before the pool closes."""
        checks: dict[str, ReadinessCheck] = {
            "kafka": broker_check(self.broker),
            "postgres": self._db_check,
        }
        return build_app(
            service=self.service,
            broker=self.broker,
            registry=self.registry,
            checks=checks,
            routes=routes,
            on_startup=[self._startup],
            after_startup=[self._after_startup, *after_startup],
            on_shutdown=[*on_shutdown, self._shutdown],
        )

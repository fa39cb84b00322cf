"""Transient failures are retried in place; permanent ones go to the DLQ with their
headers and the consumer moves on. Real broker, real offsets."""

from __future__ import annotations

import uuid

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.structs import TopicPartition
from contracts import Envelope
from plumbing.broker import make_broker
from plumbing.db import Connection, create_pool
from plumbing.errors import PermanentError, TransientError
from plumbing.inbox import process_once
from plumbing.migrations import PLUMBING_MIGRATIONS, load, migrate
from prometheus_client import CollectorRegistry

from tests.conftest import TopicFactory
from tests.integration.kafka_helpers import (
    consumer_app,
    envelope,
    eventually,
    publish,
    read_all,
)

EFFECTS = "CREATE TABLE effects (tenant text, message_id text, note text)"


async def _prepare(dsn: str) -> asyncpg.Pool:
    pool = await create_pool(dsn, max_size=4)
    async with pool.acquire() as conn:
        await migrate(conn, load("plumbing", PLUMBING_MIGRATIONS))
        await conn.execute(EFFECTS)
    return pool


async def test_transient_failures_are_retried_until_the_effect_lands(
    kafka_bootstrap: str, new_topic: TopicFactory, fresh_db: str
) -> None:
    topic = await new_topic(partitions=1)
    group = f"retry-{uuid.uuid4().hex[:8]}"
    pool = await _prepare(fresh_db)
    attempts: list[str] = []

    async def handler(env: Envelope) -> str | None:
        async def effect(conn: Connection) -> str | None:
            attempts.append(env.id)
            await conn.execute(
                "INSERT INTO effects VALUES ($1, $2, 'document')", env.tenant, env.id
            )
            if len(attempts) < 3:  # the insert above is rolled back with the claim
                raise TransientError("ERP answered 503")
            return None

        return await process_once(pool, group, env, effect)

    registry = CollectorRegistry()
    broker, _ = consumer_app(kafka_bootstrap, topic, group, handler, registry=registry)
    await broker.start()
    try:
        await publish(broker, topic, envelope("1001"))
        await eventually(lambda: len(attempts) >= 3, what="three attempts")
        await eventually(
            lambda: (registry.get_sample_value("sync_messages_total", _applied(topic)) or 0) == 1,
            what="the applied outcome to be counted",
        )
    finally:
        await broker.stop()

    assert await pool.fetchval("SELECT count(*) FROM effects") == 1
    assert await pool.fetchval("SELECT count(*) FROM inbox") == 1
    retries = {"topic": topic, "error": "TransientError"}
    assert registry.get_sample_value("sync_retries_total", retries) == 2
    assert await read_all(kafka_bootstrap, f"{topic}.dlq", expected=1, within=2) == []
    await pool.close()


def _applied(topic: str) -> dict[str, str]:
    return {"topic": topic, "tenant": "acme", "outcome": "applied"}


async def test_permanent_failure_lands_in_the_dlq_and_the_consumer_moves_on(
    kafka_bootstrap: str, new_topic: TopicFactory
) -> None:
    topic = await new_topic(partitions=1)
    group = f"dlq-{uuid.uuid4().hex[:8]}"
    handled: list[str] = []

    async def handler(env: Envelope) -> str | None:
        if env.payload["id"] == "poison":
            raise PermanentError("SKU TSHIRT-XL is not in the ERP", reason="unknown_sku")
        handled.append(env.payload["id"])
        return None

    producer = make_broker(kafka_bootstrap, client_id=f"{group}-producer")
    await producer.connect()
    poison, good = envelope("poison"), envelope("good")
    await publish(producer, topic, poison)
    await publish(producer, topic, good)
    await producer.stop()

    broker, _ = consumer_app(kafka_bootstrap, topic, group, handler)
    await broker.start()
    try:
        await eventually(lambda: handled == ["good"], what="the good message after the poison")
        [letter] = await read_all(kafka_bootstrap, f"{topic}.dlq", expected=1)
    finally:
        await broker.stop()

    assert letter.key == poison.key.encode()
    assert Envelope.from_bytes(letter.value) == poison
    headers = {name: value.decode() for name, value in letter.headers}
    assert headers["x-dlq-error-class"] == "plumbing.errors.PermanentError"
    assert headers["x-dlq-error-message"] == "SKU TSHIRT-XL is not in the ERP"
    assert headers["x-dlq-error-reason"] == "unknown_sku"
    assert headers["x-dlq-error-kind"] == "permanent"
    assert headers["x-dlq-original-topic"] == topic
    assert headers["x-dlq-original-partition"] == "0"
    assert headers["x-dlq-original-offset"] == "0"
    assert headers["x-dlq-attempts"] == "1"
    assert headers["x-dlq-consumer"] == group
    assert "x-dlq-first-failure-at" in headers

    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        committed = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    assert committed[TopicPartition(topic, 0)].offset == 2, "the group did not move past both"

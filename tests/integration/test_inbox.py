"""Two consumers holding the same message id produce one effect."""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
from contracts import Envelope
from plumbing.broker import make_broker
from plumbing.db import Connection, create_pool
from plumbing.inbox import claim, process_once
from plumbing.migrations import PLUMBING_MIGRATIONS, load, migrate

from tests.conftest import TopicFactory
from tests.integration.kafka_helpers import consumer_app, envelope, eventually, publish


async def _prepare(dsn: str) -> asyncpg.Pool:
    pool = await create_pool(dsn, max_size=8)
    async with pool.acquire() as conn:
        await migrate(conn, load("plumbing", PLUMBING_MIGRATIONS))
        await conn.execute("CREATE TABLE documents (tenant text, order_id text)")
    return pool


def _slow_effect(env: Envelope) -> object:
    async def effect(conn: Connection) -> str | None:
        await conn.execute("INSERT INTO documents VALUES ($1, $2)", env.tenant, env.payload["id"])
        await conn.execute("SELECT pg_sleep(0.3)")  # hold the claim while the other races
        return None

    return effect


async def test_racing_handlers_apply_once(fresh_db: str) -> None:
    pool = await _prepare(fresh_db)
    env = envelope("1001")

    outcomes = await asyncio.gather(
        *(process_once(pool, "orders", env, _slow_effect(env)) for _ in range(5))  # type: ignore[arg-type]
    )

    assert sorted(outcomes) == ["applied"] + ["duplicate"] * 4
    assert await pool.fetchval("SELECT count(*) FROM documents") == 1
    await pool.close()


async def test_two_consumers_racing_on_one_message_id_make_one_effect(
    kafka_bootstrap: str, new_topic: TopicFactory, fresh_db: str
) -> None:
    """A duplicate webhook delivered to two instances at once (as after a rebalance)."""
    topic = await new_topic(partitions=1)
    pool = await _prepare(fresh_db)
    outcomes: list[str] = []

    async def handler(env: Envelope) -> str | None:
        outcome = await process_once(pool, "orders", env, _slow_effect(env))  # type: ignore[arg-type]
        outcomes.append(outcome)
        return outcome

    # Two groups both receive the message: the harshest form of "two consumers have it".
    apps = [
        consumer_app(kafka_bootstrap, topic, f"race-{uuid.uuid4().hex[:8]}", handler)
        for _ in range(2)
    ]
    producer = make_broker(kafka_bootstrap, client_id="race-producer")
    await producer.connect()
    for broker, _ in apps:
        await broker.start()
    try:
        env = envelope("1001", id="webhook-1")
        await publish(producer, topic, env)
        await publish(producer, topic, env)  # Shopify's duplicate delivery
        await eventually(lambda: len(outcomes) == 4, what="both consumers to handle both copies")
    finally:
        for broker, _ in apps:
            await broker.stop()
        await producer.stop()

    assert sorted(outcomes) == ["applied", "duplicate", "duplicate", "duplicate"]
    assert await pool.fetchval("SELECT count(*) FROM documents") == 1
    await pool.close()


async def test_tenants_do_not_share_message_ids(fresh_db: str) -> None:
    pool = await _prepare(fresh_db)
    a = envelope("1", tenant="acme", id="erp-event-7")
    b = envelope("1", tenant="globex", id="erp-event-7")
    assert await process_once(pool, "orders", a, _slow_effect(a)) == "applied"  # type: ignore[arg-type]
    assert await process_once(pool, "orders", b, _slow_effect(b)) == "applied"  # type: ignore[arg-type]
    await pool.close()


async def test_claim_outside_a_transaction_is_refused(fresh_db: str) -> None:
    pool = await _prepare(fresh_db)
    async with pool.acquire() as conn:
        with pytest.raises(RuntimeError, match="inside the transaction"):
            await claim(conn, "orders", envelope("1"))
    await pool.close()

"""The reference ERP's outbox dispatcher against real Postgres and a real HTTP receiver:
order per entity, retries that hold back what follows, a receiver that is down, two
dispatchers on one database, NOTIFY latency, companies without an event_url."""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import AsyncIterator

import asyncpg
import pytest
from erp_sim.delivery import Dispatcher, running

from tests.integration.test_erp_sim_delivery_rig import (
    SECRET,
    Rig,
    add_company,
    insert_events,
    interleaved,
    make_rig,
    pending,
    reserve_port,
    stock_event,
    until,
    until_async,
    url_of,
)


@pytest.fixture
async def rig(fresh_db: str) -> AsyncIterator[Rig]:
    async for r in make_rig(fresh_db):
        yield r


async def delivered_all(rig: Rig, company: str, timeout_s: float = 20) -> None:
    async def done() -> bool:
        return await pending(rig.pool, company) == 0

    await until_async(done, timeout_s, f"{company}'s outbox drained")


async def test_many_events_across_entities_arrive_once_in_order(rig: Rig) -> None:
    rig.receiver.secrets["acme"] = SECRET
    await add_company(rig.pool, "acme", rig.event_url)
    await add_company(rig.pool, "nourl", None)
    await add_company(rig.pool, "nosecret", rig.event_url, None)
    events = interleaved(["TEE", "CAP", "MUG", "BAG"], 75)
    await insert_events(rig.pool, "acme", events[:150])
    await insert_events(rig.pool, "nourl", interleaved(["TEE"], 3))
    await insert_events(rig.pool, "nosecret", interleaved(["TEE"], 3))
    async with running(rig.pool, batch_size=25, poll_interval_s=0.05):
        await insert_events(rig.pool, "acme", events[150:])  # while it runs
        await delivered_all(rig, "acme")

    assert rig.receiver.ids() == [e["id"] for e in events]  # once each, in id order
    assert rig.receiver.first_arrivals_in_order()
    assert rig.receiver.bad_signatures == 0
    assert all(len(r.event_ids) <= 25 for r in rig.receiver.requests)
    assert {r.company for r in rig.receiver.requests} == {"acme"}
    rows = await rig.pool.fetch("SELECT company_id, attempts, delivered_at FROM outbox ORDER BY id")
    assert all(r["attempts"] == 1 and r["delivered_at"] for r in rows if r["company_id"] == "acme")
    # no event_url, or no secret: kept pending, never tried
    others = [r for r in rows if r["company_id"] != "acme"]
    assert len(others) == 6
    assert all(r["attempts"] == 0 and r["delivered_at"] is None for r in others)


async def test_failing_twice_holds_back_what_follows_then_delivers_in_order(rig: Rig) -> None:
    rig.receiver.secrets["acme"] = SECRET
    rig.receiver.fail_next = 2
    await add_company(rig.pool, "acme", rig.event_url)
    events = interleaved(["TEE", "CAP"], 10)
    await insert_events(rig.pool, "acme", events[:5])
    dispatcher = Dispatcher(
        rig.pool, batch_size=5, retry_base_s=0.3, retry_max_s=0.6, rng=random.Random(1)
    )
    try:
        assert await dispatcher.run_once() == 0
        head = await rig.pool.fetchrow(
            "SELECT attempts, last_error, next_attempt_at > now() AS later FROM outbox "
            "ORDER BY id LIMIT 1"
        )
        assert head is not None
        assert (head["attempts"], head["last_error"], head["later"]) == (1, "http 500", True)
        await insert_events(rig.pool, "acme", events[5:])
        # not due yet: nothing at all is sent, not even the rows after the failing one
        assert await dispatcher.run_once() == 0
        assert len(rig.receiver.requests) == 1
        await asyncio.sleep(0.35)
        assert await dispatcher.run_once() == 0  # second failure
        await asyncio.sleep(0.65)
        assert await dispatcher.run_once() == len(events)
    finally:
        await dispatcher.aclose()

    statuses = [r.status for r in rig.receiver.requests]
    assert statuses == [500, 500, 200, 200, 200, 200]
    first = events[0]["id"]
    assert [r.event_ids[0] for r in rig.receiver.requests[:3]] == [first, first, first]
    assert rig.receiver.ids() == [e["id"] for e in events]
    attempts = await rig.pool.fetch("SELECT attempts FROM outbox ORDER BY id")
    assert [a["attempts"] for a in attempts] == [3] * 5 + [1] * 15
    assert dispatcher.metrics["batches_failed"] == 2
    assert dispatcher.metrics["events_delivered"] == len(events)


async def test_a_slow_receiver_times_out_and_the_batch_is_retried(rig: Rig) -> None:
    rig.receiver.secrets["acme"] = SECRET
    rig.receiver.delay_s = 1.0
    await add_company(rig.pool, "acme", rig.event_url)
    events = interleaved(["TEE"], 3)
    await insert_events(rig.pool, "acme", events)
    dispatcher = Dispatcher(rig.pool, timeout_s=0.2, retry_base_s=0.05, retry_max_s=0.1)
    try:
        assert await dispatcher.run_once() == 0
        error = await rig.pool.fetchval("SELECT last_error FROM outbox ORDER BY id LIMIT 1")
        assert error in {"TimeoutError", "ReadTimeout"}
        rig.receiver.delay_s = 0.0
        await asyncio.sleep(0.15)
        assert await dispatcher.run_once() == 3
    finally:
        await dispatcher.aclose()
    assert rig.receiver.first_arrivals_in_order()


async def test_a_receiver_that_is_down_keeps_rows_pending_until_it_is_back(fresh_db: str) -> None:
    async for rig in make_rig(fresh_db, start=False):
        rig.receiver.secrets["acme"] = SECRET
        await add_company(rig.pool, "acme", rig.event_url)
        events = interleaved(["TEE", "CAP"], 20)
        await insert_events(rig.pool, "acme", events)
        async with running(
            rig.pool, batch_size=10, poll_interval_s=0.05, retry_base_s=0.05, retry_max_s=0.2
        ):
            await asyncio.sleep(0.8)
            head = await rig.pool.fetchrow(
                "SELECT attempts, last_error FROM outbox ORDER BY id LIMIT 1"
            )
            assert head is not None
            assert head["attempts"] >= 2
            assert head["last_error"] == "ConnectError"
            assert await pending(rig.pool, "acme") == len(events)
            await rig.serving.start()
            await delivered_all(rig, "acme", 5)
        assert rig.receiver.ids() == [e["id"] for e in events]


async def test_two_dispatchers_never_send_a_row_twice(rig: Rig) -> None:
    companies = [f"co{n}" for n in range(6)]
    every: list[str] = []
    for company in companies:
        rig.receiver.secrets[company] = SECRET
        await add_company(rig.pool, company, rig.event_url)
        events = interleaved(["TEE", "CAP", "MUG"], 20)
        await insert_events(rig.pool, company, events)
        every += [e["id"] for e in events]
    rig.receiver.delay_s = 0.005
    other = await asyncpg.create_pool(rig.url, min_size=1, max_size=10)
    try:
        options = {"batch_size": 7, "poll_interval_s": 0.01, "concurrency": 3}
        async with running(rig.pool, **options) as one, running(other, **options) as two:
            for company in companies:
                await delivered_all(rig, company)
    finally:
        await other.close()

    counts = Counter(rig.receiver.ids())
    assert set(counts) == set(every)
    assert max(counts.values()) == 1  # exactly once without failures
    assert rig.receiver.first_arrivals_in_order()
    assert one.metrics["events_delivered"] + two.metrics["events_delivered"] == len(every)
    assert one.metrics["events_delivered"] > 0  # both took part (3 companies each at most)
    assert two.metrics["events_delivered"] > 0


async def test_notify_wakes_the_dispatcher_long_before_the_poll(rig: Rig) -> None:
    rig.receiver.secrets["acme"] = SECRET
    await add_company(rig.pool, "acme", rig.event_url)
    async with running(rig.pool, poll_interval_s=30):
        await asyncio.sleep(0.2)  # idle, listening
        started = time.monotonic()
        await insert_events(rig.pool, "acme", [stock_event("TEE", "MAIN", 1)])
        await until(lambda: len(rig.receiver.arrivals) == 1, 5, "notified delivery")
        assert time.monotonic() - started < 2
    assert await pending(rig.pool, "acme") == 0


async def test_stopping_an_idle_dispatcher_is_prompt(rig: Rig) -> None:
    started = time.monotonic()
    async with running(rig.pool, poll_interval_s=30):
        await asyncio.sleep(0.1)
    assert time.monotonic() - started < 2


async def test_run_once_with_nothing_to_do(fresh_db: str) -> None:
    async for rig in make_rig(fresh_db):
        unreachable = reserve_port()
        await add_company(rig.pool, "acme", url_of(unreachable))
        dispatcher = Dispatcher(rig.pool)
        try:
            assert await dispatcher.run_once() == 0
        finally:
            await dispatcher.aclose()
            unreachable.close()


async def test_a_retry_falls_due_without_waiting_for_the_poll(rig: Rig) -> None:
    rig.receiver.secrets["acme"] = SECRET
    rig.receiver.fail_next = 1
    await add_company(rig.pool, "acme", rig.event_url)
    await insert_events(rig.pool, "acme", interleaved(["TEE"], 3))
    started = time.monotonic()
    async with running(rig.pool, poll_interval_s=30, retry_base_s=0.1, retry_max_s=0.2):
        await delivered_all(rig, "acme", 5)
    assert time.monotonic() - started < 3
    assert [r.status for r in rig.receiver.requests] == [500, 200]

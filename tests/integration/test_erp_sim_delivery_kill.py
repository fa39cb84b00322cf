"""The acceptance test of the outbox: killing the ERP process mid-delivery and restarting
it loses no event. Real processes: a dispatcher in a child Python process, SIGKILLed
while the receiver holds one of its requests, then started again."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator

import pytest

from tests.integration.test_erp_sim_delivery_rig import (
    SECRET,
    Rig,
    add_company,
    insert_events,
    interleaved,
    make_rig,
    pending,
    until,
    until_async,
)

# Until `python -m erp_sim` runs the dispatcher in its lifespan: the same dispatcher, alone.
RUNNER = """
import asyncio, os
import asyncpg
from erp_sim.delivery import running

async def main() -> None:
    pool = await asyncpg.create_pool(os.environ["DATABASE_URL"], min_size=1, max_size=4)
    async with running(pool, batch_size=5, poll_interval_s=0.05, retry_base_s=0.05,
                       retry_max_s=0.2):
        await asyncio.Event().wait()

asyncio.run(main())
"""


@pytest.fixture
async def rig(fresh_db: str) -> AsyncIterator[Rig]:
    async for r in make_rig(fresh_db):
        yield r


async def start_erp(database_url: str) -> asyncio.subprocess.Process:
    env = {**os.environ, "DATABASE_URL": database_url}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        RUNNER,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )


async def test_killing_the_erp_mid_delivery_and_restarting_loses_no_event(rig: Rig) -> None:
    rig.receiver.secrets["acme"] = SECRET
    rig.receiver.delay_s = 0.01
    rig.receiver.hold_after = 60  # then a request is taken in and never answered
    await add_company(rig.pool, "acme", rig.event_url)
    events = interleaved(["TEE", "CAP", "MUG", "BAG"], 50)
    await insert_events(rig.pool, "acme", events)
    assert len(events) == 200

    first = await start_erp(rig.url)
    try:
        await until(rig.receiver.held.is_set, 30, "a request in flight after 60 events")
    finally:
        first.send_signal(signal.SIGKILL)
        await first.wait()
    assert first.returncode == -signal.SIGKILL
    left = await pending(rig.pool, "acme")
    assert 0 < left <= 200 - 60  # mid-delivery: some delivered, the held batch not
    held_batch = rig.receiver.requests[-1].event_ids
    assert held_batch[0] not in rig.receiver.ids()[:60]

    rig.receiver.hold_after = None
    rig.receiver.release.set()
    second = await start_erp(rig.url)
    try:

        async def drained() -> bool:
            return await pending(rig.pool, "acme") == 0

        await until_async(drained, 60, "the restarted ERP drained the outbox")
    finally:
        second.send_signal(signal.SIGKILL)
        await second.wait()

    arrived = Counter(rig.receiver.ids())
    assert set(arrived) == {e["id"] for e in events}  # every event at least once
    assert all(arrived[i] == 2 for i in held_batch)  # the unacknowledged batch, resent
    assert rig.receiver.first_arrivals_in_order()
    assert rig.receiver.bad_signatures == 0
    undelivered = await rig.pool.fetchval("SELECT count(*) FROM outbox WHERE delivered_at IS NULL")
    assert undelivered == 0

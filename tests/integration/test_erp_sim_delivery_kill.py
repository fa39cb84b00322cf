"""The acceptance test of the outbox: killing the ERP process mid-delivery and restarting
it loses no event. Real processes: ``python -m erp_sim``, SIGKILLed while the receiver
holds one of its requests, then started again on the same database."""

from __future__ import annotations

import asyncio
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
    reserve_port,
    until,
    until_async,
)


@pytest.fixture
async def rig(fresh_db: str) -> AsyncIterator[Rig]:
    async for r in make_rig(fresh_db):
        yield r


async def start_erp(database_url: str) -> asyncio.subprocess.Process:
    """The reference ERP as a user runs it; the company's event URL is in its database."""
    sock = reserve_port()
    port = sock.getsockname()[1]
    sock.close()  # the ERP binds it next; a tiny race, acceptable in a test
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "erp_sim",
        "--database-url",
        database_url,
        "--port",
        str(port),
        "--no-demo",
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

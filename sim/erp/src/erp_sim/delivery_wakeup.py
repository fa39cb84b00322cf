"""What wakes the dispatcher: a NOTIFY on channel ``outbox`` (sent on commit of an
insert by ``migrations/0003_outbox_notify.sql``), ``stop``, or the end of a wait.

The listener holds one pooled connection while it listens; when that connection dies
it is given back and a new one is taken on the next ``ensure``. Without the trigger, or
without a connection, the dispatcher simply polls.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias

import asyncpg
import structlog

from erp_sim.delivery_wire import short_error

log = structlog.get_logger("erp_sim.delivery")

CHANNEL = "outbox"
Listener: TypeAlias = "asyncpg.pool.PoolConnectionProxy[Any]"


class Wakeup:
    def __init__(
        self,
        pool: asyncpg.Pool[Any],
        *,
        listen: bool,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._pool = pool
        self._listen = listen
        self._sleep = sleep
        self._event = asyncio.Event()
        self._conn: Listener | None = None

    def set(self, *_: object) -> None:
        self._event.set()

    def clear(self) -> None:
        self._event.clear()

    async def ensure(self) -> None:
        """Listen (again) if asked to and not listening on a live connection."""
        if not self._listen or (self._conn is not None and not self._conn.is_closed()):
            return
        await self.close()
        try:
            conn = await self._pool.acquire()
        except Exception as exc:
            log.warning("erp_events.listen_failed", error=short_error(exc=exc))
            return
        try:
            await conn.add_listener(CHANNEL, self.set)
        except Exception as exc:
            log.warning("erp_events.listen_failed", error=short_error(exc=exc))
            with contextlib.suppress(Exception):
                await self._pool.release(conn)
            return
        self._conn = conn

    async def wait(self, delay_s: float) -> None:
        """Until ``set`` (or a NOTIFY) or ``delay_s`` passed, whichever comes first."""
        sleeper = asyncio.ensure_future(self._sleep(max(delay_s, 0.0)))
        waker = asyncio.ensure_future(self._event.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            waker.cancel()

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        with contextlib.suppress(Exception):
            if not conn.is_closed():
                await conn.remove_listener(CHANNEL, self.set)
        with contextlib.suppress(Exception):
            await self._pool.release(conn)

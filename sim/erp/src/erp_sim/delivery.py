"""The outbox dispatcher: signed change events to each company's ``event_url``.

Each company's undelivered outbox rows go out as ``POST {"events": [...]}`` (up to
``batch_size``, in id order), signed by ``erp_sim.delivery_wire``. A 2xx marks the batch
delivered in one statement; anything else (non-2xx, timeout, connection error) records
``attempts``, ``last_error`` and ``next_attempt_at`` (exponential backoff with jitter,
capped) on the batch's rows, and nothing after the company's first undelivered row is
sent until it succeeds. Strict id order per company gives order per entity. No row is
ever skipped or dropped: a batch is always "the first N undelivered rows", never "rows
after a cursor", so a row committed late with a lower id is still sent.

Claiming: a session-level ``pg_try_advisory_lock`` per company, taken on a pooled
connection that is held for the company's whole turn (select, POST, mark, next batch)
and unlocked at the end. Each statement is autocommit, so no transaction stays open
across an HTTP call; another dispatcher skips a locked company. The rows are marked
before the lock is released, so two dispatchers never send a row twice concurrently.
A killed process loses nothing: its sessions end (and their locks with them), and since
``delivered_at`` is only set after a 2xx, the next start resends from the first
undelivered row. A receiver may see a batch twice; event ids make that harmless.

Latency: ``run`` listens on channel ``outbox`` (``migrations/0003_outbox_notify.sql``
notifies on commit of an insert) on one pooled connection, and polls every
``poll_interval_s`` anyway (or sooner when a retry falls due).
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import httpx
import structlog

from erp_sim import delivery_store as store
from erp_sim.delivery_wakeup import Wakeup
from erp_sim.delivery_wire import backoff_s, batch_body, headers, short_error

log = structlog.get_logger("erp_sim.delivery")


class Dispatcher:
    """Delivers due outbox rows; ``run_once`` for tests, ``run`` until ``stop``."""

    def __init__(
        self,
        pool: asyncpg.Pool[Any],
        *,
        http: httpx.AsyncClient | None = None,
        poll_interval_s: float = 0.5,
        batch_size: int = 100,
        timeout_s: float = 5.0,
        retry_base_s: float = 0.2,
        retry_max_s: float = 30.0,
        concurrency: int = 4,
        listen: bool = True,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        if not 1 <= batch_size <= 500:
            raise ValueError("batch_size must be within 1..500 (EventBatch's bound)")
        self._pool = pool
        self._own_http = http is None
        self._http = http or httpx.AsyncClient(timeout=timeout_s)
        self._poll_interval_s = poll_interval_s
        self._batch_size = batch_size
        self._timeout_s = timeout_s
        self._retry_base_s = retry_base_s
        self._retry_max_s = retry_max_s
        self._concurrency = max(1, concurrency)
        self._clock = clock
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not a secret
        self._next_due_s: float | None = None
        self._stopping = False
        self._wakeup = Wakeup(pool, listen=listen, sleep=sleep)
        self._finished: asyncio.Event | None = None
        self.metrics: Counter[str] = Counter()

    async def run_once(self) -> int:
        """Deliver what is due now, company by company; the number of events delivered."""
        targets = await store.targets(self._pool)
        waits = [t.wait_s for t in targets if t.wait_s > 0]
        self._next_due_s = min(waits) if waits else None
        due = [t for t in targets if t.wait_s <= 0]
        gate = asyncio.Semaphore(self._concurrency)

        async def turn(target: store.Target) -> int:
            async with gate:
                return await self._company_turn(target)

        return sum(await asyncio.gather(*(turn(t) for t in due)))

    async def _company_turn(self, target: store.Target) -> int:
        delivered = 0
        try:
            async with self._pool.acquire() as conn:
                if not await store.try_claim(conn, target.company_id):
                    return 0  # another dispatcher has it
                try:
                    while not self._stopping:
                        batch = await store.next_batch(conn, target.company_id, self._batch_size)
                        if batch is None:
                            break
                        rows, failures = batch
                        if not await self._deliver(conn, target, rows, failures + 1):
                            break
                        delivered += len(rows)
                finally:
                    await store.release(conn, target.company_id)
        except Exception as exc:  # the database: the rows stay pending, next turn retries
            self.metrics["errors"] += 1
            log.warning(
                "erp_events.turn_failed", company=target.company_id, error=short_error(exc=exc)
            )
        return delivered

    async def _deliver(
        self, conn: store.Conn, target: store.Target, rows: list[store.Row], attempt: int
    ) -> bool:
        body = batch_body([r.body for r in rows])
        sent = headers(target.company_id, target.event_secret, int(self._clock()), body)
        ids = [r.id for r in rows]
        outcome = {
            "company": target.company_id,
            "count": len(rows),
            "first_id": ids[0],
            "last_id": ids[-1],
            "attempt": attempt,
        }
        status: int | None = None
        try:
            async with asyncio.timeout(self._timeout_s):
                response = await self._http.post(target.event_url, content=body, headers=sent)
            status = response.status_code
        except Exception as exc:
            error = short_error(exc=exc)
        else:
            if 200 <= status < 300:
                await store.mark_delivered(conn, ids)
                self.metrics["batches_delivered"] += 1
                self.metrics["events_delivered"] += len(rows)
                log.info("erp_events.delivered", status=status, **outcome)
                return True
            error = short_error(status=status)
        retry_in = backoff_s(attempt, self._retry_base_s, self._retry_max_s, self._rng)
        await store.mark_failed(conn, ids, error, retry_in)
        if self._next_due_s is None or retry_in < self._next_due_s:
            self._next_due_s = retry_in  # so ``run`` wakes for the retry, not the poll
        self.metrics["batches_failed"] += 1
        log.warning("erp_events.failed", error=error, retry_in_s=round(retry_in, 3), **outcome)
        return False

    async def run(self) -> None:
        """Deliver until ``stop``: after every NOTIFY on ``outbox``, every
        ``poll_interval_s``, and as soon as a retry falls due."""
        self._finished = asyncio.Event()
        try:
            while not self._stop_requested():
                await self._wakeup.ensure()
                self._wakeup.clear()
                try:
                    await self.run_once()
                except Exception as exc:
                    self._next_due_s = None
                    self.metrics["errors"] += 1
                    log.warning("erp_events.poll_failed", error=short_error(exc=exc))
                if self._stop_requested():
                    break
                delay = self._poll_interval_s
                if self._next_due_s is not None:
                    delay = min(delay, self._next_due_s)
                await self._wakeup.wait(delay)
        finally:
            await self._wakeup.close()
            self._finished.set()

    def _stop_requested(self) -> bool:
        return self._stopping

    async def stop(self) -> None:
        """Finish the batch in flight, then return from ``run`` (if it is running)."""
        self._stopping = True
        self._wakeup.set()
        if self._finished is not None:
            await self._finished.wait()

    async def aclose(self) -> None:
        """Close the HTTP client if the dispatcher made it."""
        if self._own_http:
            await self._http.aclose()


@asynccontextmanager
async def running(
    pool: asyncpg.Pool[Any], *, stop_timeout_s: float = 10.0, **options: Any
) -> AsyncIterator[Dispatcher]:
    """Run a ``Dispatcher(pool, **options)`` as a task for the duration of the block."""
    dispatcher = Dispatcher(pool, **options)
    task = asyncio.create_task(dispatcher.run(), name="erp-sim-delivery")
    try:
        yield dispatcher
    finally:
        try:
            await asyncio.wait_for(dispatcher.stop(), stop_timeout_s)
        except TimeoutError:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await dispatcher.aclose()

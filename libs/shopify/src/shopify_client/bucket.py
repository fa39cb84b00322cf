"""A model of each shop's leaky bucket, so we wait instead of being THROTTLED.

Shopify deducts a query's requested cost when it starts, refunds the difference to the
actual cost when it ends, and refills at ``restoreRate`` up to ``maximumAvailable``.
Concurrent tasks on one shop reserve points here before sending (in FIFO order: the task
at the head of the line holds the lock while it waits for the refill), and each answer
reconciles the model:

* the reservation is refunded down to what the answer says was charged;
* the server's ``currentlyAvailable`` can only lower the model (someone else is draining
  the bucket, or the model was optimistic). It never raises it: answers travel on
  several connections and arrive out of order, so the figure in an answer may predate
  charges the model already counts. A model that is too low catches up by refilling at
  the server's own rate; the lag is bounded by one answer's latency times the rate.

Before the first answer nothing is known about the bucket (another process may have
drained it), so one request goes alone as a probe and the others wait for its answer.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shopify_client.clock import Clock, SystemClock
from shopify_client.cost import CostEstimates, ThrottleStatus

# Float refill arithmetic can leave a level a hair under what is needed after waiting for
# exactly the deficit, and a wait for that hair can be below the clock's resolution (the
# clock would not move). Waits get a microsecond of headroom and a floor.
_HEADROOM_S = 1e-6
_MIN_WAIT_S = 0.001

WaitHook = Callable[[float, float, float], None]
"""Called before a pacing wait with (seconds, points needed, points available)."""


@dataclass(frozen=True)
class Reservation:
    points: float
    probe: bool


class CostBucket:
    def __init__(self, clock: Clock) -> None:
        self._clock = clock
        self._lock = asyncio.Lock()
        self._changed = asyncio.Event()
        self._probing = False
        self._level = 0.0
        self._stamp = 0.0
        self.maximum: float | None = None
        self.restore_rate = 0.0

    @property
    def synced(self) -> bool:
        return self.maximum is not None

    def available(self) -> float | None:
        """Points the model expects to be free now (None before the first answer)."""
        return self._level_at(self._clock.monotonic()) if self.synced else None

    def _level_at(self, now: float) -> float:
        assert self.maximum is not None
        refill = max(0.0, now - self._stamp) * self.restore_rate
        return min(self.maximum, self._level + refill)

    def _take(self, points: float, *, probe: bool = False) -> Reservation:
        reservation = Reservation(points, probe)
        if probe:
            self._probing = True
        return reservation

    async def reserve(
        self, cost: Callable[[], float], on_wait: WaitHook | None = None
    ) -> Reservation:
        """Wait until ``cost()`` points fit, then take them. ``cost`` is asked again after
        every wait, so an estimate learned meanwhile is used."""
        async with self._lock:
            while True:
                if self.maximum is None:
                    if not self._probing:
                        return self._take(cost(), probe=True)
                    await self._wait_for_change(None)
                    continue
                now = self._clock.monotonic()
                level = self._level_at(now)
                need = min(cost(), self.maximum)
                if level >= need:
                    self._level, self._stamp = level - need, now
                    return self._take(need)
                delay = max(_MIN_WAIT_S, (need - level) / self.restore_rate + _HEADROOM_S)
                if on_wait is not None:
                    on_wait(delay, need, level)
                await self._wait_for_change(delay)

    async def _wait_for_change(self, seconds: float | None) -> None:
        """Sleep ``seconds``, or less if an answer changes the model meanwhile."""
        self._changed.clear()
        tasks: set[asyncio.Future[Any]] = {asyncio.ensure_future(self._changed.wait())}
        if seconds is not None:
            tasks.add(asyncio.ensure_future(self._clock.sleep(seconds)))
        try:
            await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in tasks:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    def settle(
        self, reservation: Reservation, *, charged: float | None, status: ThrottleStatus | None
    ) -> None:
        """Reconcile after an answer. ``charged`` is what the server took for this call
        (actualQueryCost, 0 when THROTTLED), None when unknown (then the reservation stays
        spent, which errs on the safe side)."""
        if reservation.probe:
            self._probing = False
        now = self._clock.monotonic()
        if self.maximum is None:
            if status is None:
                self._changed.set()  # the probe failed: let the next task probe
                return
            level = status.currently_available
        else:
            level = self._level_at(now)
            if charged is not None:
                level += reservation.points - charged
            if status is not None:
                level = min(level, status.currently_available)
        if status is not None:
            self.maximum, self.restore_rate = status.maximum_available, status.restore_rate
        assert self.maximum is not None
        self._level, self._stamp = min(level, self.maximum), now
        self._changed.set()


class Pacer:
    """The buckets of every shop one process talks to, and the learned document costs.

    Share one Pacer between all clients of a process: the bucket is per app and shop, so
    two clients for the same shop must draw from the same model.
    """

    def __init__(self, clock: Clock | None = None, costs: CostEstimates | None = None) -> None:
        self.clock: Clock = clock or SystemClock()
        self.costs = costs or CostEstimates()
        self._buckets: dict[str, CostBucket] = {}

    def bucket(self, shop: str) -> CostBucket:
        if shop not in self._buckets:
            self._buckets[shop] = CostBucket(self.clock)
        return self._buckets[shop]

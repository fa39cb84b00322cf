"""Webhook delivery: signed POSTs with Shopify's headers, timeouts, retries and chaos.

Every ``state.emit`` becomes one webhook per matching subscription. Its body is
serialized once, at emit time, so retries and duplicates carry the original bytes, as
Shopify's do. Each webhook gets an ``X-Shopify-Webhook-Id`` that stays the same on its
retries and on chaos duplicates (a duplicate is the same webhook arriving twice, and the
id is the documented dedup key); the ``X-Shopify-Event-Id`` is shared by every webhook of
one merchant action (``SimState.action``).

Retry schedule: Shopify documents 8 retries over 4 hours and nothing finer. The emulator
doubles the wait from 56.5 s so the eight waits sum to exactly 4 h (56 s, 1.9 min, 3.8 min,
7.5 min, 15 min, 30 min, 1 h, 2 h), with no jitter so runs are reproducible, and divides
every wait by ``time_factor`` (3600 makes the 4 h take 4 s). When a webhook has failed its
original attempt and all 8 retries, and nothing succeeded on its subscription meanwhile
(8+ consecutive failures), the subscription is deleted, as Shopify deletes an
Admin-API-created one.

Chaos (per shop, ``state.Chaos``): a dropped webhook is logged as ``dropped`` and never
sent; duplicates are independent copies (each retried on its own); a shuffle window holds
copies until N are waiting (or ``SHUFFLE_HOLD_S`` passed) and releases them in a seeded
random order; ``delay_s`` is wall-clock seconds before each copy's first attempt (not
divided by ``time_factor``, so a demo sees the delay it asked for).

While a shop has ``previous_app_secret`` set (a rotation in progress) the emulator signs
with the previous secret: Shopify may do so for up to an hour, and a receiver that only
knows the new secret must be caught here, not in production.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import random
import threading
import time
import uuid
from collections import deque
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

import httpx
import structlog

from shopify_sim.state import Shop, SimState

log = structlog.get_logger("shopify_sim.webhooks")

FOUR_HOURS_S = 4 * 3600.0
RETRY_DELAYS_S: tuple[float, ...] = tuple(FOUR_HOURS_S * 2**k / 255 for k in range(8))
MAX_ATTEMPTS = 1 + len(RETRY_DELAYS_S)
FAILURES_BEFORE_DELETE = 8
USER_AGENT = "Shopify-Captain-Hook"
# A shuffle window that is not full is released after this long (wall clock).
SHUFFLE_HOLD_S = 0.2

Outcome = Literal["delivered", "failed", "dropped", "gave_up"]


class DispatcherSettings(Protocol):
    """What the dispatcher reads from ``shopify_sim.settings.SimSettings``."""

    @property
    def time_factor(self) -> float: ...

    @property
    def webhook_timeout_s(self) -> float: ...

    @property
    def webhook_connect_timeout_s(self) -> float: ...


@dataclass(frozen=True)
class DeliveryAttempt:
    """One row of the delivery log: an attempt, or a webhook chaos dropped (attempt 0)."""

    delivery_id: str  # one copy of a webhook: its attempts share this id
    webhook_id: str
    event_id: str
    topic: str
    shop: str
    uri: str
    subscription_id: int
    attempt: int
    outcome: Outcome
    status_code: int | None
    error: str | None
    duration_ms: float
    at: datetime

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["at"] = self.at.isoformat()
        return data


@dataclass(frozen=True)
class _Webhook:
    """One emit for one subscription; chaos may deliver it several times."""

    webhook_id: str
    event_id: str
    triggered_at: datetime
    shop: str
    topic: str
    subscription_id: int
    uri: str
    api_version: str
    body: bytes


@dataclass(frozen=True)
class _Delivery:
    id: str
    webhook: _Webhook
    delay_s: float


def sign(body: bytes, secret: str) -> str:
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _utc_z(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class Dispatcher:
    """Sends every emitted webhook; `deliveries` logs every attempt."""

    def __init__(
        self,
        state: SimState,
        settings: DispatcherSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        log_limit: int = 100_000,
    ) -> None:
        self._state = state
        self._settings = settings
        self._transport = transport
        self.deliveries: deque[DeliveryAttempt] = deque(maxlen=log_limit)
        self._client: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._loop_thread: int | None = None
        self._backlog: list[_Webhook] = []
        self._tasks: set[asyncio.Task[None]] = set()
        self._windows: dict[str, list[_Delivery]] = {}
        self._window_timers: dict[str, asyncio.TimerHandle] = {}
        self._rngs: dict[str, tuple[tuple[int, int | None], random.Random]] = {}
        self._pending = 0
        self._idle: asyncio.Event | None = None
        self._closed = False
        state.subscribe(self._on_emit)

    async def start(self) -> None:
        timeout = httpx.Timeout(
            self._settings.webhook_timeout_s, connect=self._settings.webhook_connect_timeout_s
        )
        self._client = httpx.AsyncClient(
            timeout=timeout, follow_redirects=False, transport=self._transport
        )
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        self._idle = asyncio.Event()
        self._idle.set()
        backlog, self._backlog = self._backlog, []
        for webhook in backlog:
            self._accept(webhook)

    async def aclose(self) -> None:
        self._closed = True
        for timer in self._window_timers.values():
            timer.cancel()
        self._window_timers.clear()
        self._windows.clear()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.aclose()

    async def drain(self, timeout: float) -> None:  # noqa: ASYNC109 - the agreed interface
        """Wait until every pending delivery and retry has settled (held windows released)."""
        if self._idle is None:
            raise RuntimeError("Dispatcher.drain() before start()")
        await asyncio.sleep(0)  # let emits handed over from other threads arrive
        for domain in list(self._windows):
            self._release(domain)
        await asyncio.wait_for(self._idle.wait(), timeout)

    def log(
        self, shop: str | None = None, topic: str | None = None, outcome: str | None = None
    ) -> list[DeliveryAttempt]:
        return [
            d
            for d in self.deliveries
            if (shop is None or d.shop == shop)
            and (topic is None or d.topic == topic)
            and (outcome is None or d.outcome == outcome)
        ]

    # -- intake -------------------------------------------------------------------------

    def _on_emit(self, shop: Shop, topic: str, body: dict[str, Any]) -> None:
        if self._closed:
            return
        subscriptions = [s for s in shop.webhook_subscriptions.values() if s.topic == topic]
        if not subscriptions:
            return
        raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        event = self._state.current_event()
        for sub in subscriptions:
            webhook = _Webhook(
                webhook_id=str(uuid.uuid4()),
                event_id=event.id,
                triggered_at=event.triggered_at,
                shop=shop.domain,
                topic=topic,
                subscription_id=sub.id,
                uri=sub.uri,
                api_version=sub.api_version,
                body=raw,
            )
            if self._loop is None:
                self._backlog.append(webhook)
            elif threading.get_ident() == self._loop_thread:
                self._accept(webhook)
            else:
                self._loop.call_soon_threadsafe(self._accept, webhook)

    def _rng(self, shop: Shop) -> random.Random:
        """One generator per shop, reset whenever its chaos settings are replaced."""
        key = (id(shop.chaos), shop.chaos.seed)
        known = self._rngs.get(shop.domain)
        if known is None or known[0] != key:
            known = (key, random.Random(shop.chaos.seed))  # noqa: S311 - chaos, not crypto
            self._rngs[shop.domain] = known
        return known[1]

    def _accept(self, webhook: _Webhook) -> None:
        shop = self._state.shops.get(webhook.shop)
        if shop is None or self._closed:
            return
        chaos, rng = shop.chaos, self._rng(shop)
        if chaos.drop_pct > 0 and rng.random() * 100 < chaos.drop_pct:
            self._record(_Delivery(str(uuid.uuid4()), webhook, 0.0), 0, "dropped")
            return
        copies = [
            _Delivery(str(uuid.uuid4()), webhook, chaos.delay_s)
            for _ in range(max(1, chaos.duplicates))
        ]
        self._pending += len(copies)
        if self._idle is not None:
            self._idle.clear()
        if chaos.shuffle_window <= 1:
            for delivery in copies:
                self._spawn(delivery)
            return
        window = self._windows.setdefault(shop.domain, [])
        window.extend(copies)
        if len(window) >= chaos.shuffle_window:
            self._release(shop.domain, rng)
        elif shop.domain not in self._window_timers and self._loop is not None:
            self._window_timers[shop.domain] = self._loop.call_later(
                SHUFFLE_HOLD_S, self._release, shop.domain
            )

    def _release(self, domain: str, rng: random.Random | None = None) -> None:
        timer = self._window_timers.pop(domain, None)
        if timer is not None:
            timer.cancel()
        held = self._windows.pop(domain, [])
        shop = self._state.shops.get(domain)
        if rng is None and shop is not None:
            rng = self._rng(shop)
        (rng or random.Random()).shuffle(held)  # noqa: S311
        for delivery in held:
            self._spawn(delivery)

    def _spawn(self, delivery: _Delivery) -> None:
        task = asyncio.ensure_future(self._run(delivery))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- delivery -----------------------------------------------------------------------

    async def _run(self, delivery: _Delivery) -> None:
        try:
            if delivery.delay_s > 0:
                await asyncio.sleep(delivery.delay_s)
            for attempt in range(1, MAX_ATTEMPTS + 1):
                if await self._attempt(delivery, attempt):
                    return
                await asyncio.sleep(RETRY_DELAYS_S[attempt - 1] / self._settings.time_factor)
        finally:
            self._pending -= 1
            if self._pending == 0 and self._idle is not None:
                self._idle.set()

    async def _attempt(self, delivery: _Delivery, attempt: int) -> bool:
        """One POST; True when the delivery is settled (delivered or given up)."""
        webhook = delivery.webhook
        shop = self._state.shops.get(webhook.shop)
        sub = shop.webhook_subscriptions.get(webhook.subscription_id) if shop else None
        if shop is None or sub is None:
            self._record(delivery, attempt, "gave_up", error="subscription deleted")
            return True
        started = time.perf_counter()
        status, error = await self._post(shop, webhook)
        duration_ms = (time.perf_counter() - started) * 1000
        if status is not None and 200 <= status < 300:
            sub.consecutive_failures = 0
            self._record(delivery, attempt, "delivered", status=status, duration_ms=duration_ms)
            return True
        sub.consecutive_failures += 1
        last = attempt == MAX_ATTEMPTS
        outcome: Outcome = "gave_up" if last else "failed"
        self._record(
            delivery, attempt, outcome, status=status, error=error, duration_ms=duration_ms
        )
        if last and sub.consecutive_failures >= FAILURES_BEFORE_DELETE:
            shop.webhook_subscriptions.pop(sub.id, None)
            log.warning(
                "webhook_subscription_deleted",
                shop=shop.domain,
                subscription_id=sub.id,
                topic=sub.topic,
                uri=sub.uri,
                consecutive_failures=sub.consecutive_failures,
            )
        return last

    async def _post(self, shop: Shop, webhook: _Webhook) -> tuple[int | None, str | None]:
        if self._client is None:
            return None, "dispatcher not started"
        secret = shop.previous_app_secret or shop.app_secret
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "Accept": "*/*",
            "X-Shopify-Topic": webhook.topic,
            "X-Shopify-Hmac-Sha256": sign(webhook.body, secret),
            "X-Shopify-Shop-Domain": webhook.shop,
            "X-Shopify-API-Version": webhook.api_version,
            "X-Shopify-Webhook-Id": webhook.webhook_id,
            "X-Shopify-Event-Id": webhook.event_id,
            "X-Shopify-Triggered-At": _utc_z(webhook.triggered_at),
        }
        total = self._settings.webhook_timeout_s
        try:
            async with asyncio.timeout(total):
                response = await self._client.post(
                    webhook.uri, content=webhook.body, headers=headers
                )
        except TimeoutError:
            return None, f"timeout: no complete response within {total:g} s"
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        if response.is_success:
            return response.status_code, None
        return response.status_code, f"HTTP {response.status_code}"

    def _record(
        self,
        delivery: _Delivery,
        attempt: int,
        outcome: Outcome,
        *,
        status: int | None = None,
        error: str | None = None,
        duration_ms: float = 0.0,
    ) -> None:
        webhook = delivery.webhook
        row = DeliveryAttempt(
            delivery_id=delivery.id,
            webhook_id=webhook.webhook_id,
            event_id=webhook.event_id,
            topic=webhook.topic,
            shop=webhook.shop,
            uri=webhook.uri,
            subscription_id=webhook.subscription_id,
            attempt=attempt,
            outcome=outcome,
            status_code=status,
            error=error,
            duration_ms=round(duration_ms, 2),
            at=datetime.now(UTC),
        )
        self.deliveries.append(row)
        fields = row.as_dict()
        fields.pop("at")
        if outcome in ("delivered", "dropped"):
            log.info("webhook_delivery", **fields)
        else:
            log.warning("webhook_delivery", **fields)

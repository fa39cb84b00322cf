"""The dispatcher: signed POSTs, Shopify's headers, retries, deletion, chaos (MockTransport)."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import itertools
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

import httpx
import pytest
from shopify_sim.state import Chaos, Shop, SimState
from shopify_sim.webhooks import MAX_ATTEMPTS, RETRY_DELAYS_S, Dispatcher, DispatcherSettings

from tests.unit.shopify_sim.sim_factory import SECRET, FakeSettings, make_state, subscribe

URI = "https://hooks.example.com/shopify"
Handler = Callable[[httpx.Request], Awaitable[httpx.Response]]


@dataclass
class Receiver:
    """Answers with `statuses` in turn (the last one repeats) and keeps every request."""

    statuses: list[int] = field(default_factory=lambda: [200])
    requests: list[httpx.Request] = field(default_factory=list)
    delay_s: float = 0.0

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        self.requests.append(request)
        status = self.statuses[min(len(self.requests), len(self.statuses)) - 1]
        return httpx.Response(status, headers={"Location": "https://elsewhere.example"})

    def bodies(self) -> list[dict[str, object]]:
        return [json.loads(r.content) for r in self.requests]


@dataclass
class Rig:
    state: SimState
    shop: Shop
    receiver: Receiver
    dispatcher: Dispatcher


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    state, shop = make_state()
    receiver = Receiver()
    dispatcher = Dispatcher(state, FakeSettings(), transport=httpx.MockTransport(receiver))
    await dispatcher.start()
    yield Rig(state, shop, receiver, dispatcher)
    await dispatcher.aclose()


def _expected_hmac(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


async def test_a_webhook_carries_shopify_headers_and_a_valid_hmac(rig: Rig) -> None:
    sub = subscribe(rig.state, rig.shop, "products/update", URI, api_version="2025-04")
    rig.state.emit(rig.shop, "products/update", {"id": 1, "title": "Café crème"})
    await rig.dispatcher.drain(2)

    [request] = rig.receiver.requests
    assert request.method == "POST"
    assert str(request.url) == URI
    assert json.loads(request.content) == {"id": 1, "title": "Café crème"}
    assert "Café".encode() in request.content  # raw UTF-8, not \u escapes
    h = request.headers
    assert h["X-Shopify-Hmac-Sha256"] == _expected_hmac(request.content)
    assert h["X-Shopify-Topic"] == "products/update"
    assert h["X-Shopify-Shop-Domain"] == rig.shop.domain
    assert h["X-Shopify-API-Version"] == sub.api_version
    assert h["Content-Type"] == "application/json"
    assert h["User-Agent"] == "Shopify-Captain-Hook"
    assert h["X-Shopify-Triggered-At"].endswith("Z")
    assert h["X-Shopify-Webhook-Id"]
    assert h["X-Shopify-Event-Id"]
    [row] = rig.dispatcher.deliveries
    assert (row.attempt, row.outcome, row.status_code) == (1, "delivered", 200)
    assert row.webhook_id == h["X-Shopify-Webhook-Id"]


async def test_only_subscribed_topics_are_sent(rig: Rig) -> None:
    subscribe(rig.state, rig.shop, "orders/create", URI)
    rig.state.emit(rig.shop, "products/update", {"id": 1})
    await rig.dispatcher.drain(2)
    assert rig.receiver.requests == []


async def test_one_action_shares_an_event_id_and_each_webhook_has_its_own_id(rig: Rig) -> None:
    for topic in ("orders/create", "orders/paid"):
        subscribe(rig.state, rig.shop, topic, URI)
    with rig.state.action():
        rig.state.emit(rig.shop, "orders/create", {"id": 1})
        rig.state.emit(rig.shop, "orders/paid", {"id": 1})
    rig.state.emit(rig.shop, "orders/create", {"id": 2})
    await rig.dispatcher.drain(2)

    by_body = {
        (r.headers["X-Shopify-Topic"], json.loads(r.content)["id"]): r.headers
        for r in rig.receiver.requests
    }
    create1, paid1, create2 = (
        by_body[("orders/create", 1)],
        by_body[("orders/paid", 1)],
        by_body[("orders/create", 2)],
    )
    assert create1["X-Shopify-Event-Id"] == paid1["X-Shopify-Event-Id"]
    assert create2["X-Shopify-Event-Id"] != create1["X-Shopify-Event-Id"]
    webhook_ids = {h["X-Shopify-Webhook-Id"] for h in (create1, paid1, create2)}
    assert len(webhook_ids) == 3


async def test_the_body_is_the_one_emitted_even_if_the_dict_changes_later(rig: Rig) -> None:
    subscribe(rig.state, rig.shop, "orders/updated", URI)
    body: dict[str, object] = {"id": 7, "note": "before"}
    rig.state.emit(rig.shop, "orders/updated", body)
    body["note"] = "after"
    await rig.dispatcher.drain(2)
    assert rig.receiver.bodies() == [{"id": 7, "note": "before"}]


async def test_a_redirect_is_a_failure_and_the_retry_carries_the_same_ids(rig: Rig) -> None:
    rig.receiver.statuses = [302, 200]
    subscribe(rig.state, rig.shop, "orders/create", URI)
    rig.state.emit(rig.shop, "orders/create", {"id": 1})
    await rig.dispatcher.drain(2)

    first, second = rig.receiver.requests
    assert first.content == second.content
    for header in ("X-Shopify-Webhook-Id", "X-Shopify-Event-Id", "X-Shopify-Hmac-Sha256"):
        assert first.headers[header] == second.headers[header]
    rows = list(rig.dispatcher.deliveries)
    assert [(r.attempt, r.outcome, r.status_code) for r in rows] == [
        (1, "failed", 302),
        (2, "delivered", 200),
    ]
    assert rows[0].delivery_id == rows[1].delivery_id


def test_retry_schedule_is_eight_doubling_waits_summing_to_four_hours() -> None:
    assert len(RETRY_DELAYS_S) == 8
    assert sum(RETRY_DELAYS_S) == pytest.approx(4 * 3600)
    assert all(b == pytest.approx(2 * a) for a, b in itertools.pairwise(RETRY_DELAYS_S))
    assert MAX_ATTEMPTS == 9


async def test_time_factor_compresses_the_retry_waits() -> None:
    state, shop = make_state()
    receiver = Receiver(statuses=[500, 500, 200])
    # 3600x: the first two waits (56 s + 113 s) take about 47 ms.
    dispatcher = Dispatcher(
        state, FakeSettings(time_factor=3600), transport=httpx.MockTransport(receiver)
    )
    await dispatcher.start()
    try:
        subscribe(state, shop, "orders/create", URI)
        loop = asyncio.get_running_loop()
        started = loop.time()
        state.emit(shop, "orders/create", {"id": 1})
        await dispatcher.drain(5)
        elapsed = loop.time() - started
    finally:
        await dispatcher.aclose()
    expected = (RETRY_DELAYS_S[0] + RETRY_DELAYS_S[1]) / 3600
    assert expected * 0.9 <= elapsed < expected + 1.0
    assert [r.outcome for r in dispatcher.deliveries] == ["failed", "failed", "delivered"]


async def test_always_failing_endpoint_loses_its_subscription_after_all_retries(
    rig: Rig,
) -> None:
    rig.receiver.statuses = [503]
    sub = subscribe(rig.state, rig.shop, "orders/create", URI)
    rig.state.emit(rig.shop, "orders/create", {"id": 1})
    await rig.dispatcher.drain(5)

    rows = list(rig.dispatcher.deliveries)
    assert [r.attempt for r in rows] == list(range(1, 10))
    assert [r.outcome for r in rows] == ["failed"] * 8 + ["gave_up"]
    assert sub.id not in rig.shop.webhook_subscriptions
    rig.state.emit(rig.shop, "orders/create", {"id": 2})
    await rig.dispatcher.drain(2)
    assert len(rig.receiver.requests) == 9  # nothing more is sent


async def test_a_success_in_between_resets_the_failure_count(rig: Rig) -> None:
    sub = subscribe(rig.state, rig.shop, "orders/create", URI)
    rig.receiver.statuses = [500, 500, 200]
    rig.state.emit(rig.shop, "orders/create", {"id": 1})
    await rig.dispatcher.drain(2)
    assert sub.consecutive_failures == 0
    assert sub.id in rig.shop.webhook_subscriptions


async def test_a_slow_receiver_times_out_and_is_retried() -> None:
    state, shop = make_state()
    receiver = Receiver(delay_s=0.3)
    settings = FakeSettings(webhook_timeout_s=0.05)
    dispatcher = Dispatcher(state, settings, transport=httpx.MockTransport(receiver))
    await dispatcher.start()
    try:
        subscribe(state, shop, "orders/create", URI)
        state.emit(shop, "orders/create", {"id": 1})
        await asyncio.sleep(0.2)
        first = dispatcher.deliveries[0]
    finally:
        await dispatcher.aclose()
    assert first.outcome == "failed"
    assert first.status_code is None
    assert first.error is not None
    assert "timeout" in first.error


async def test_an_unreachable_receiver_is_a_failure_with_the_error_logged() -> None:
    state, shop = make_state()

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    dispatcher = Dispatcher(state, FakeSettings(), transport=httpx.MockTransport(refuse))
    await dispatcher.start()
    try:
        subscribe(state, shop, "orders/create", URI)
        state.emit(shop, "orders/create", {"id": 1})
        await dispatcher.drain(5)
    finally:
        await dispatcher.aclose()
    assert dispatcher.deliveries[0].error == "ConnectError: connection refused"
    assert dispatcher.deliveries[-1].outcome == "gave_up"


async def test_emits_before_start_are_delivered_once_started() -> None:
    state, shop = make_state()
    receiver = Receiver()
    dispatcher = Dispatcher(state, FakeSettings(), transport=httpx.MockTransport(receiver))
    subscribe(state, shop, "orders/create", URI)
    state.emit(shop, "orders/create", {"id": 1})
    await dispatcher.start()
    try:
        await dispatcher.drain(2)
    finally:
        await dispatcher.aclose()
    assert receiver.bodies() == [{"id": 1}]


async def test_during_a_secret_rotation_the_previous_secret_signs(rig: Rig) -> None:
    rig.shop.previous_app_secret, rig.shop.app_secret = SECRET, "shpss_new"
    subscribe(rig.state, rig.shop, "orders/create", URI)
    rig.state.emit(rig.shop, "orders/create", {"id": 1})
    await rig.dispatcher.drain(2)
    [request] = rig.receiver.requests
    assert request.headers["X-Shopify-Hmac-Sha256"] == _expected_hmac(request.content, SECRET)


async def test_chaos_duplicates_carry_the_same_webhook_id(rig: Rig) -> None:
    rig.shop.chaos = Chaos(duplicates=3, seed=1)
    subscribe(rig.state, rig.shop, "orders/create", URI)
    rig.state.emit(rig.shop, "orders/create", {"id": 1})
    await rig.dispatcher.drain(2)
    ids = [r.headers["X-Shopify-Webhook-Id"] for r in rig.receiver.requests]
    assert len(ids) == 3
    assert len(set(ids)) == 1
    assert len({r.delivery_id for r in rig.dispatcher.deliveries}) == 3


async def test_dropped_webhooks_are_logged_and_never_sent(rig: Rig) -> None:
    rig.shop.chaos = Chaos(drop_pct=100, seed=1)
    subscribe(rig.state, rig.shop, "orders/create", URI)
    rig.state.emit(rig.shop, "orders/create", {"id": 1})
    await rig.dispatcher.drain(2)
    assert rig.receiver.requests == []
    [row] = rig.dispatcher.deliveries
    assert (row.outcome, row.attempt) == ("dropped", 0)


async def _dropped_ids(seed: int) -> list[int]:
    state, shop = make_state()
    receiver = Receiver()
    dispatcher = Dispatcher(state, FakeSettings(), transport=httpx.MockTransport(receiver))
    await dispatcher.start()
    try:
        shop.chaos = Chaos(drop_pct=30, seed=seed)
        subscribe(state, shop, "orders/create", URI)
        for i in range(60):
            state.emit(shop, "orders/create", {"id": i})
        await dispatcher.drain(5)
    finally:
        await dispatcher.aclose()
    sent = {b["id"] for b in receiver.bodies()}
    return [i for i in range(60) if i not in sent]


async def test_a_seed_makes_the_drops_reproducible() -> None:
    first, again, other = await _dropped_ids(7), await _dropped_ids(7), await _dropped_ids(8)
    assert first == again
    assert first != other
    assert 5 <= len(first) <= 35  # 30% of 60, loosely


async def test_a_shuffle_window_reorders_but_delivers_everything(rig: Rig) -> None:
    rig.shop.chaos = Chaos(shuffle_window=10, seed=3)
    subscribe(rig.state, rig.shop, "orders/create", URI)
    for i in range(25):  # two full windows and a partial one released by drain
        rig.state.emit(rig.shop, "orders/create", {"id": i})
    await rig.dispatcher.drain(2)
    received = [b["id"] for b in rig.receiver.bodies()]
    assert sorted(received) == list(range(25))  # type: ignore[type-var]
    assert received != list(range(25))


async def test_a_partial_shuffle_window_is_released_without_drain(rig: Rig) -> None:
    rig.shop.chaos = Chaos(shuffle_window=50, seed=3)
    subscribe(rig.state, rig.shop, "orders/create", URI)
    rig.state.emit(rig.shop, "orders/create", {"id": 1})
    for _ in range(50):
        if rig.receiver.requests:
            break
        await asyncio.sleep(0.02)
    assert rig.receiver.bodies() == [{"id": 1}]


async def test_delivery_log_filters(rig: Rig) -> None:
    subscribe(rig.state, rig.shop, "orders/create", URI)
    subscribe(rig.state, rig.shop, "orders/paid", URI)
    rig.state.emit(rig.shop, "orders/create", {"id": 1})
    rig.state.emit(rig.shop, "orders/paid", {"id": 1})
    await rig.dispatcher.drain(2)
    assert [r.topic for r in rig.dispatcher.log(topic="orders/paid")] == ["orders/paid"]
    assert rig.dispatcher.log(shop="other.myshopify.com") == []
    assert len(rig.dispatcher.log(outcome="delivered")) == 2


async def test_the_emulators_own_settings_drive_the_dispatcher() -> None:
    from shopify_sim.settings import SimSettings  # noqa: PLC0415

    settings: DispatcherSettings = SimSettings(time_factor=1_000_000, demo=False)
    state, shop = make_state()
    receiver = Receiver(statuses=[500, 200])
    dispatcher = Dispatcher(state, settings, transport=httpx.MockTransport(receiver))
    await dispatcher.start()
    try:
        subscribe(state, shop, "orders/create", URI)
        state.emit(shop, "orders/create", {"id": 1})
        await dispatcher.drain(5)
    finally:
        await dispatcher.aclose()
    assert [r.outcome for r in dispatcher.deliveries] == ["failed", "delivered"]

"""Webhooks over real HTTP: a uvicorn receiver on 127.0.0.1, the emulator's dispatcher,
the client's HMAC check. Chaos (duplicates, shuffling, drops) with a fixed seed, retries
on Shopify's schedule compressed by time_factor, subscription deletion, secret rotation.
Needs no Kafka or Postgres.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections import Counter, defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
import uvicorn
from shopify_client.webhooks import verify_webhook
from shopify_sim.orders import OrderInput, place_order
from shopify_sim.state import Chaos, Shop, SimState
from shopify_sim.webhooks import MAX_ATTEMPTS, Dispatcher
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.unit.shopify_sim.sim_factory import (
    SECRET,
    FakeSettings,
    add_product,
    make_state,
    subscribe,
)


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """/ok answers 200; /flaky 500 to a webhook's first two attempts; /down always 500."""

    got: list[Received] = field(default_factory=list)
    attempts: Counter[str] = field(default_factory=Counter)

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        path = request.url.path
        self.got.append(Received(path, dict(request.headers), body))
        webhook_id = request.headers.get("x-shopify-webhook-id", "")
        self.attempts[webhook_id] += 1
        if path == "/down" or (path == "/flaky" and self.attempts[webhook_id] <= 2):
            return Response(status_code=500)
        return Response(status_code=200)

    def at(self, path: str) -> list[Received]:
        return [r for r in self.got if r.path == path]


@dataclass
class Rig:
    state: SimState
    shop: Shop
    dispatcher: Dispatcher
    receiver: Receiver
    base: str


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    receiver = Receiver()
    app = Starlette(routes=[Route("/{path:path}", receiver.handle, methods=["POST"])])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    )
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    for _ in range(200):
        if server.started:
            break
        await asyncio.sleep(0.01)
    assert server.started, "the receiver did not start"

    state, shop = make_state()
    add_product(state, shop, "Tee", [("TEE", "10.00", 1_000)])
    # 10^6: Shopify's 4 h of retries take about 15 ms.
    dispatcher = Dispatcher(state, FakeSettings(time_factor=1_000_000))
    await dispatcher.start()
    try:
        yield Rig(state, shop, dispatcher, receiver, f"http://127.0.0.1:{port}")
    finally:
        await dispatcher.aclose()
        server.should_exit = True
        await serving
        sock.close()


def _buy(rig: Rig, n: int) -> None:
    for _ in range(n):
        place_order(
            rig.state,
            rig.shop,
            OrderInput.model_validate({"lines": [{"sku": "TEE", "quantity": 1}]}),
        )


async def test_chaos_duplicates_shuffles_and_drops_reproducibly(rig: Rig) -> None:
    rig.shop.chaos = Chaos(duplicates=3, shuffle_window=16, drop_pct=10, seed=20250301)
    subscribe(rig.state, rig.shop, "orders/create", rig.base + "/ok")
    subscribe(rig.state, rig.shop, "orders/paid", rig.base + "/ok")
    _buy(rig, 50)
    await rig.dispatcher.drain(30)

    got = rig.receiver.at("/ok")
    for r in got:
        assert verify_webhook(r.body, r.headers["x-shopify-hmac-sha256"], [SECRET])

    emitted = {row.webhook_id for row in rig.dispatcher.deliveries}
    dropped = {row.webhook_id for row in rig.dispatcher.log(outcome="dropped")}
    assert len(emitted) == 100  # 50 actions x 2 topics
    assert 3 <= len(dropped) <= 20, f"{len(dropped)} of 100 dropped at 10 %"

    copies = Counter(r.headers["x-shopify-webhook-id"] for r in got)
    assert set(copies) == emitted - dropped  # a dropped webhook never arrives
    assert set(copies.values()) == {3}  # every other one exactly three times, same id
    bodies: dict[str, set[bytes]] = defaultdict(set)
    for r in got:
        bodies[r.headers["x-shopify-webhook-id"]].add(r.body)
    assert all(len(b) == 1 for b in bodies.values())  # duplicates are byte-identical

    # Both webhooks of one checkout share the event id; different checkouts do not.
    events = defaultdict(set)
    for r in got:
        events[r.headers["x-shopify-event-id"]].add(json.loads(r.body)["id"])
    assert all(len(order_ids) == 1 for order_ids in events.values())

    first_seen: list[int] = []
    for r in got:
        if r.headers["x-shopify-topic"] == "orders/create":
            number = json.loads(r.body)["order_number"]
            if number not in first_seen:
                first_seen.append(number)
    assert first_seen != sorted(first_seen), "arrivals kept the emission order"
    assert {r.outcome for r in rig.dispatcher.deliveries} == {"delivered", "dropped"}


async def test_a_receiver_failing_twice_gets_it_on_the_third_attempt(rig: Rig) -> None:
    subscribe(rig.state, rig.shop, "orders/create", rig.base + "/flaky")
    _buy(rig, 1)
    await rig.dispatcher.drain(10)

    rows = rig.dispatcher.log(topic="orders/create")
    assert [(r.attempt, r.outcome, r.status_code) for r in rows] == [
        (1, "failed", 500),
        (2, "failed", 500),
        (3, "delivered", 200),
    ]
    arrivals = rig.receiver.at("/flaky")
    assert len({r.headers["x-shopify-webhook-id"] for r in arrivals}) == 1
    assert len({r.body for r in arrivals}) == 1  # retries carry the original payload


async def test_an_endpoint_that_always_fails_loses_its_subscription(rig: Rig) -> None:
    sub = subscribe(rig.state, rig.shop, "orders/create", rig.base + "/down")
    _buy(rig, 1)
    await rig.dispatcher.drain(10)

    rows = rig.dispatcher.log(topic="orders/create")
    assert [r.attempt for r in rows] == list(range(1, MAX_ATTEMPTS + 1))
    assert rows[-1].outcome == "gave_up"
    assert len(rig.receiver.at("/down")) == MAX_ATTEMPTS
    assert sub.id not in rig.shop.webhook_subscriptions
    _buy(rig, 1)
    await rig.dispatcher.drain(5)
    assert len(rig.receiver.at("/down")) == MAX_ATTEMPTS  # nobody is listening any more


async def test_during_a_secret_rotation_both_secrets_must_be_accepted(rig: Rig) -> None:
    rig.shop.previous_app_secret, rig.shop.app_secret = SECRET, "shpss_rotated"
    subscribe(rig.state, rig.shop, "orders/create", rig.base + "/ok")
    _buy(rig, 1)
    await rig.dispatcher.drain(10)

    [hook] = rig.receiver.at("/ok")
    signature = hook.headers["x-shopify-hmac-sha256"]
    assert verify_webhook(hook.body, signature, ["shpss_rotated", SECRET])
    assert not verify_webhook(hook.body, signature, ["shpss_rotated"])

    rig.shop.previous_app_secret = None  # the overlap is over: the new secret signs
    _buy(rig, 1)
    await rig.dispatcher.drain(10)
    latest = rig.receiver.at("/ok")[-1]
    assert verify_webhook(latest.body, latest.headers["x-shopify-hmac-sha256"], ["shpss_rotated"])

"""Pacing: many tasks on one shop wait for the bucket instead of being THROTTLED."""

from __future__ import annotations

import asyncio

import pytest
from prometheus_client import CollectorRegistry
from shopify_client import CostBucket, Pacer, ThrottleStatus
from shopify_client.documents import LOCATIONS_PAGE

from .fakes import SHOP, FakeClock, FakeShop, make_client

VARS = {"first": 10, "after": None}


async def _burst(client_count: int, shop: FakeShop, clock: FakeClock, **kw: object) -> float:
    client = make_client(shop, clock=clock, **kw)  # type: ignore[arg-type]
    start = clock.now
    await asyncio.gather(*(client.execute(LOCATIONS_PAGE, VARS) for _ in range(client_count)))
    return clock.now - start


async def test_a_burst_waits_for_the_refill_and_is_never_throttled() -> None:
    clock = FakeClock()
    shop = FakeShop(clock, maximum=2000, rate=100, cost=50)

    elapsed = await _burst(100, shop, clock)

    assert shop.served == 100
    assert shop.throttled == 0
    floor = (100 * 50 - 2000) / 100  # 30 s of refill once the full bucket is spent
    assert floor <= elapsed <= floor * 1.02


async def test_a_plus_shop_burst_is_shorter_in_proportion() -> None:
    clock = FakeClock()
    shop = FakeShop(clock, maximum=20_000, rate=1000, cost=50)

    elapsed = await _burst(500, shop, clock)

    assert shop.throttled == 0
    assert elapsed == pytest.approx((500 * 50 - 20_000) / 1000, rel=0.02)


async def test_the_first_request_probes_alone_when_the_bucket_is_unknown() -> None:
    """Another process left 120 points: only the probe goes before the model knows it."""
    clock = FakeClock()
    shop = FakeShop(clock, maximum=2000, rate=100, cost=50, available=120)

    elapsed = await _burst(10, shop, clock)

    assert shop.throttled == 0
    assert shop.served == 10
    assert elapsed == pytest.approx((10 * 50 - 120) / 100, rel=0.02)


async def test_when_someone_else_drains_the_bucket_throttled_resyncs_and_recovers() -> None:
    clock = FakeClock()
    shop = FakeShop(clock, maximum=2000, rate=100, cost=50)
    client = make_client(shop, clock=clock)
    await client.execute(LOCATIONS_PAGE, VARS)
    shop.drain(1940)  # our model still believes ~1950 points are free

    await asyncio.gather(*(client.execute(LOCATIONS_PAGE, VARS) for _ in range(20)))

    assert shop.served == 21
    assert shop.throttled == 1  # one surprise, then the model follows the server again


async def test_pacing_waits_are_measured() -> None:
    clock = FakeClock()
    registry = CollectorRegistry()
    shop = FakeShop(clock, maximum=100, rate=10, cost=50)
    await _burst(4, shop, clock, registry=registry)
    waited = registry.get_sample_value("shopify_client_throttle_wait_seconds_sum", {"shop": SHOP})
    assert waited == pytest.approx(10.0)  # 200 points, 100 in the bucket, 10 per second


async def test_learned_costs_replace_the_conservative_first_estimate() -> None:
    clock = FakeClock()
    pacer = Pacer(clock)
    shop = FakeShop(clock, maximum=2000, rate=100, cost=50)
    client = make_client(shop, clock=clock, pacer=pacer)
    assert pacer.costs.estimate("LocationsPage") == 1000  # never seen: the single-query max
    await client.execute(LOCATIONS_PAGE, VARS)
    assert pacer.costs.estimate("LocationsPage") == 50
    assert pacer.costs.estimate("LocationsPage", hint=7) == 7


async def test_a_refund_of_an_overestimate_returns_the_points() -> None:
    clock = FakeClock()
    bucket = CostBucket(clock)
    probe = await bucket.reserve(lambda: 100)
    bucket.settle(probe, charged=100, status=ThrottleStatus(1000, 900, 50))
    reservation = await bucket.reserve(lambda: 300)
    assert bucket.available() == pytest.approx(600)

    bucket.settle(reservation, charged=20, status=None)

    assert bucket.available() == pytest.approx(880)


async def test_the_server_figure_corrects_an_optimistic_model_down() -> None:
    clock = FakeClock()
    bucket = CostBucket(clock)
    probe = await bucket.reserve(lambda: 10)
    bucket.settle(probe, charged=10, status=ThrottleStatus(1000, 990, 50))
    first = await bucket.reserve(lambda: 10)
    second = await bucket.reserve(lambda: 10)  # still in flight when `first` is answered

    bucket.settle(first, charged=10, status=ThrottleStatus(1000, 400, 50))

    assert bucket.available() == pytest.approx(400)  # someone else spent ~570 points
    bucket.settle(second, charged=10, status=ThrottleStatus(1000, 390, 50))
    assert bucket.available() == pytest.approx(390)


async def test_a_late_answer_with_an_older_figure_does_not_raise_the_model() -> None:
    """Answers arrive out of order: B (processed second) is answered before A, whose
    figure predates B's charge. Believing A would hand out points that are gone."""
    clock = FakeClock()
    bucket = CostBucket(clock)
    probe = await bucket.reserve(lambda: 100)
    bucket.settle(probe, charged=100, status=ThrottleStatus(1000, 200, 50))
    a = await bucket.reserve(lambda: 100)
    b = await bucket.reserve(lambda: 100)
    assert bucket.available() == pytest.approx(0)

    bucket.settle(b, charged=100, status=ThrottleStatus(1000, 0, 50))
    bucket.settle(a, charged=100, status=ThrottleStatus(1000, 100, 50))

    assert bucket.available() == pytest.approx(0)


async def test_queued_tasks_are_served_in_arrival_order() -> None:
    clock = FakeClock()
    bucket = CostBucket(clock)
    probe = await bucket.reserve(lambda: 10)
    bucket.settle(probe, charged=10, status=ThrottleStatus(100, 0, 10))
    order: list[int] = []

    async def take(i: int) -> None:
        reservation = await bucket.reserve(lambda: 20)
        order.append(i)
        bucket.settle(reservation, charged=20, status=None)

    await asyncio.gather(*(take(i) for i in range(6)))
    assert order == list(range(6))
    assert clock.now - 1000.0 == pytest.approx(12.0)  # 6 x 20 points at 10 per second

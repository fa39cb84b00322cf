"""The leaky bucket: exact arithmetic, plan sizes, time factor, and no lost update
when many threads spend from it at once."""

from __future__ import annotations

import threading

import pytest
from shopify_sim.bucket import Buckets, LeakyBucket

from tests.unit.shopify_sim.graphql_harness import ManualClock
from tests.unit.shopify_sim.sim_factory import make_state


def test_take_spends_and_refuses_without_spending() -> None:
    clock = ManualClock()
    bucket = LeakyBucket(100.0, 10.0, clock)
    assert bucket.take(60) == (True, bucket.status())
    taken, status = bucket.take(60)
    assert not taken
    assert status.currently_available == 40.0  # a refusal costs nothing


def test_it_refills_at_the_rate_up_to_the_maximum() -> None:
    clock = ManualClock()
    bucket = LeakyBucket(100.0, 10.0, clock)
    bucket.take(100)
    clock.advance(2.5)
    assert bucket.status().currently_available == 25.0
    clock.advance(60)
    assert bucket.status().currently_available == 100.0


def test_refund_gives_back_but_never_above_the_maximum() -> None:
    clock = ManualClock()
    bucket = LeakyBucket(100.0, 10.0, clock)
    bucket.take(50)
    assert bucket.refund(30).currently_available == 80.0
    assert bucket.refund(500).currently_available == 100.0
    assert bucket.refund(-5).currently_available == 100.0  # a negative refund is ignored


def test_buckets_follow_the_plan_and_the_time_factor() -> None:
    state, shop = make_state()
    plus = state.add_shop("plus.myshopify.com", "t", "s", plan="plus")
    buckets = Buckets(time_factor=4.0, clock=ManualClock())
    assert (buckets.for_shop(shop).maximum, buckets.for_shop(shop).restore_rate) == (2000.0, 400.0)
    assert (buckets.for_shop(plus).maximum, buckets.for_shop(plus).restore_rate) == (
        20000.0,
        4000.0,
    )
    assert buckets.for_shop(shop) is buckets.for_shop(shop)
    with pytest.raises(ValueError, match="positive"):
        Buckets(time_factor=0)


def test_concurrent_spending_is_exact() -> None:
    bucket = LeakyBucket(10_000.0, 0.0, ManualClock())
    granted: list[bool] = []
    lock = threading.Lock()

    def spend() -> None:
        for _ in range(250):
            taken, _ = bucket.take(3)
            with lock:
                granted.append(taken)

    threads = [threading.Thread(target=spend) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert granted.count(True) == 2000  # 8 x 250 x 3 = 6,000 <= 10,000: all granted
    assert bucket.status().currently_available == 10_000 - 6_000
    for _ in range(2000):
        bucket.take(3)
    assert bucket.status().currently_available == 1.0  # 4,000 / 3 = 1,333 more, 1 left


def test_the_reported_status_has_shopifys_types() -> None:
    bucket = LeakyBucket(2000.0, 100.0, ManualClock())
    bucket.take(10.5)
    assert bucket.status().as_json() == {
        "maximumAvailable": 2000.0,
        "currentlyAvailable": 1989,
        "restoreRate": 100.0,
    }

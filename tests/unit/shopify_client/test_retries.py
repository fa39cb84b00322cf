"""What the client retries, how long it waits, and when it gives up."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from prometheus_client import CollectorRegistry
from shopify_client import (
    RetryPolicy,
    ShopifyAuthError,
    ShopifyClient,
    ShopifyGraphQLError,
    ShopifyHTTPError,
    ShopifyThrottledError,
    ShopifyUnavailableError,
)
from shopify_client.documents import LOCATIONS_PAGE
from structlog.testing import capture_logs

from .fakes import SHOP, TOKEN, FakeClock, Recorder, make_client, ok, throttled

VARS = {"first": 10, "after": None}


async def test_sends_the_document_to_the_pinned_version_with_the_token() -> None:
    recorder = Recorder([ok({"locations": {"nodes": []}})])
    async with make_client(recorder) as client:
        data = await client.execute(LOCATIONS_PAGE, VARS)

    assert data == {"locations": {"nodes": []}}
    (call,) = recorder.calls
    assert call.url == f"https://{SHOP}/admin/api/2026-10/graphql.json"
    assert call.headers["X-Shopify-Access-Token"] == TOKEN
    assert call.body["operationName"] == "LocationsPage"
    assert call.body["variables"] == VARS
    assert "query LocationsPage" in call.body["query"]


async def test_throttled_then_success_waits_for_the_deficit_and_returns_the_data() -> None:
    clock = FakeClock()
    recorder = Recorder([throttled(cost=50, available=10), ok({"locations": {"nodes": [1]}})])
    async with make_client(recorder, clock=clock) as client:
        data = await client.execute(LOCATIONS_PAGE, VARS)

    assert data == {"locations": {"nodes": [1]}}
    assert len(recorder.calls) == 2
    # 40 points short at 100 points/s: the retry waits 0.4 s for the refill, no guessing.
    assert clock.sleeps == [pytest.approx(0.4, abs=1e-3)]


async def test_throttled_forever_gives_up_with_a_throttled_error() -> None:
    recorder = Recorder([throttled(cost=50, available=0)])
    client = make_client(recorder, retry=RetryPolicy(max_throttled=3))
    with pytest.raises(ShopifyThrottledError, match=r"LocationsPage on .*THROTTLED 4 times"):
        await client.execute(LOCATIONS_PAGE, VARS)
    assert len(recorder.calls) == 4


async def test_429_honours_retry_after() -> None:
    clock = FakeClock()
    recorder = Recorder(
        [httpx.Response(429, headers={"Retry-After": "3"}), ok({"locations": {"nodes": []}})]
    )
    client = make_client(recorder, clock=clock)
    await client.execute(LOCATIONS_PAGE, VARS)

    assert len(recorder.calls) == 2
    assert clock.sleeps == [3.0]


async def test_5xx_is_retried_with_bounded_jittered_backoff_then_gives_up() -> None:
    clock = FakeClock()
    recorder = Recorder([httpx.Response(503, text="upstream down")])
    client = make_client(recorder, clock=clock, retry=RetryPolicy(max_attempts=3, base_delay_s=1))

    with pytest.raises(ShopifyUnavailableError) as caught:
        await client.execute(LOCATIONS_PAGE, VARS)

    assert len(recorder.calls) == 3
    assert caught.value.attempts == 3
    assert caught.value.transient
    assert "LocationsPage on test-shop.myshopify.com failed 3 times" in str(caught.value)
    assert "server_error (HTTP 503)" in str(caught.value)
    assert len(clock.sleeps) == 2
    assert 0 <= clock.sleeps[0] <= 1.0
    assert 0 <= clock.sleeps[1] <= 2.0


async def test_5xx_then_success_returns_the_data() -> None:
    recorder = Recorder(
        [httpx.Response(502), httpx.Response(500), ok({"locations": {"nodes": []}})]
    )
    client = make_client(recorder)
    assert await client.execute(LOCATIONS_PAGE, VARS) == {"locations": {"nodes": []}}
    assert len(recorder.calls) == 3


@pytest.mark.parametrize(
    "failure",
    [httpx.ConnectError("refused"), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("eof")],
)
async def test_network_errors_and_timeouts_are_retried(failure: Exception) -> None:
    recorder = Recorder([failure, ok({"locations": {"nodes": []}})])
    client = make_client(recorder)
    assert await client.execute(LOCATIONS_PAGE, VARS) == {"locations": {"nodes": []}}
    assert len(recorder.calls) == 2


async def test_network_error_every_time_names_the_cause() -> None:
    recorder = Recorder([httpx.ConnectError("refused")])
    client = make_client(recorder, retry=RetryPolicy(max_attempts=2))
    with pytest.raises(ShopifyUnavailableError, match=r"network_error \(ConnectError\)") as caught:
        await client.execute(LOCATIONS_PAGE, VARS)
    assert isinstance(caught.value.__cause__, httpx.ConnectError)


@pytest.mark.parametrize("status", [401, 403])
async def test_auth_errors_are_not_retried(status: int) -> None:
    clock = FakeClock()
    recorder = Recorder([httpx.Response(status, json={"errors": "[API] Invalid API key"})])
    client = make_client(recorder, clock=clock)
    with pytest.raises(ShopifyAuthError, match=f"HTTP {status}") as caught:
        await client.execute(LOCATIONS_PAGE, VARS)
    assert caught.value.status == status
    assert not caught.value.transient
    assert len(recorder.calls) == 1
    assert clock.sleeps == []


async def test_other_4xx_is_not_retried() -> None:
    recorder = Recorder([httpx.Response(404, text="Not Found")])
    client = make_client(recorder)
    with pytest.raises(ShopifyHTTPError, match="HTTP 404"):
        await client.execute(LOCATIONS_PAGE, VARS)
    assert len(recorder.calls) == 1


async def test_top_level_graphql_errors_raise_with_the_message() -> None:
    body = {
        "errors": [{"message": "Field 'nope' doesn't exist on type 'Location'"}],
        "extensions": {"cost": {"requestedQueryCost": 1, "actualQueryCost": 1}},
    }
    recorder = Recorder([httpx.Response(200, json=body)])
    client = make_client(recorder)
    with pytest.raises(ShopifyGraphQLError, match="Field 'nope' doesn't exist"):
        await client.execute(LOCATIONS_PAGE, VARS)
    assert len(recorder.calls) == 1


async def test_logs_each_retry_without_the_token_or_the_body() -> None:
    recorder = Recorder(
        [httpx.Response(503, text="customer jane@example.com"), ok({"locations": {"nodes": []}})]
    )
    client = make_client(recorder)
    with capture_logs() as logs:
        await client.execute(LOCATIONS_PAGE, VARS)

    (line,) = [entry for entry in logs if entry["event"] == "shopify.retry"]
    assert line["shop"] == SHOP
    assert line["operation"] == "LocationsPage"
    assert line["reason"] == "server_error"
    assert TOKEN not in repr(logs)
    assert "jane@example.com" not in repr(logs)
    assert TOKEN not in repr(client)


async def test_metrics_count_outcomes_cost_and_retries() -> None:
    registry = CollectorRegistry()
    recorder = Recorder([httpx.Response(500), ok({"locations": {"nodes": []}}, cost=12)])
    client = make_client(recorder, registry=registry)
    await client.execute(LOCATIONS_PAGE, VARS)

    def sample(name: str, **labels: str) -> float | None:
        return registry.get_sample_value(name, labels)

    base = {"shop": SHOP, "operation": "LocationsPage"}
    assert sample("shopify_client_requests_total", **base, outcome="server_error") == 1
    assert sample("shopify_client_requests_total", **base, outcome="ok") == 1
    assert sample("shopify_client_cost_points_total", shop=SHOP) == 12
    assert sample("shopify_client_retries_total", shop=SHOP, reason="server_error") == 1


def test_unsupported_or_old_versions_are_refused() -> None:
    for version, reason in [("2025-10", "predates 2026-01"), ("2026-13", "not a stable")]:
        with pytest.raises(ValueError, match=reason):
            ShopifyClient(SHOP, TOKEN, api_version=version)
    assert ShopifyClient(SHOP, TOKEN, api_version="2026-04").endpoint.endswith(
        "/admin/api/2026-04/graphql.json"
    )


async def test_429_without_retry_after_backs_off_within_the_cap() -> None:
    clock = FakeClock()
    recorder = Recorder([httpx.Response(429), ok({"locations": {"nodes": []}})])
    client = make_client(recorder, clock=clock, retry=RetryPolicy(base_delay_s=2))
    await client.execute(LOCATIONS_PAGE, VARS)
    assert len(recorder.calls) == 2
    assert len(clock.sleeps) == 1
    assert 0 <= clock.sleeps[0] <= 2


async def test_a_cancelled_first_request_does_not_wedge_the_shop() -> None:
    """The probe is cancelled mid-flight: the next caller must be able to probe."""
    started = asyncio.Event()
    release = asyncio.Event()

    async def slow_then_ok(request: httpx.Request) -> httpx.Response:
        if not started.is_set():
            started.set()
            await release.wait()
        return ok({"locations": {"nodes": []}})

    client = ShopifyClient(
        SHOP, TOKEN, http=httpx.AsyncClient(transport=httpx.MockTransport(slow_then_ok))
    )
    first = asyncio.create_task(client.execute(LOCATIONS_PAGE, VARS))
    await started.wait()
    second = asyncio.create_task(client.execute(LOCATIONS_PAGE, VARS))
    await asyncio.sleep(0)
    first.cancel()
    assert await asyncio.wait_for(second, 2) == {"locations": {"nodes": []}}
    release.set()

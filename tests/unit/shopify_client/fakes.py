"""Fakes for the Shopify client tests: a virtual clock and a scripted Admin API.

The fake shop keeps a real leaky bucket on the same virtual clock as the client, so a
test can tell pacing (waiting) from being THROTTLED, without sleeping for real.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from prometheus_client import CollectorRegistry
from shopify_client import ClientMetrics, Pacer, RetryPolicy, ShopifyClient

SHOP = "test-shop.myshopify.com"
TOKEN = "shpat_secret_token_value"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def cost_extensions(
    requested: float,
    actual: float | None,
    available: float,
    maximum: float = 2000,
    rate: float = 100,
) -> dict[str, Any]:
    return {
        "cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": {
                "maximumAvailable": maximum,
                "currentlyAvailable": available,
                "restoreRate": rate,
            },
        }
    }


def ok(data: dict[str, Any], *, cost: float = 10, available: float = 1990) -> httpx.Response:
    return httpx.Response(
        200, json={"data": data, "extensions": cost_extensions(cost, cost, available)}
    )


def throttled(*, cost: float = 50, available: float = 10) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "errors": [
                {
                    "message": "Throttled",
                    "extensions": {
                        "code": "THROTTLED",
                        "documentation": "https://shopify.dev/api/usage/rate-limits",
                    },
                }
            ],
            "extensions": cost_extensions(cost, None, available),
        },
    )


@dataclass
class Call:
    url: str
    headers: httpx.Headers
    body: dict[str, Any]

    @property
    def variables(self) -> dict[str, Any]:
        return dict(self.body.get("variables") or {})


@dataclass
class Recorder:
    """Records each request and answers with the next scripted response (or a function)."""

    script: list[httpx.Response | Exception | Callable[[Call], httpx.Response]]
    calls: list[Call] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content) if request.content else {}
        call = Call(str(request.url), request.headers, body)
        self.calls.append(call)
        step = self.script[0] if len(self.script) == 1 else self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        if isinstance(step, httpx.Response):
            return step
        return step(call)


class FakeShop:
    """A shop with a leaky bucket: charges ``cost`` per query, THROTTLED when it does not fit."""

    def __init__(
        self,
        clock: FakeClock,
        *,
        maximum: float,
        rate: float,
        cost: float,
        available: float | None = None,
    ) -> None:
        self.clock = clock
        self.maximum, self.rate, self.cost = maximum, rate, cost
        self.level = maximum if available is None else available
        self.stamp = clock.now
        self.served = 0
        self.throttled = 0

    def drain(self, points: float) -> None:
        """Another process of the same app spends points."""
        self._refill()
        self.level -= points

    def _refill(self) -> None:
        self.level = min(self.maximum, self.level + (self.clock.now - self.stamp) * self.rate)
        self.stamp = self.clock.now

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self._refill()
        if self.level < self.cost:
            self.throttled += 1
            return throttled(cost=self.cost, available=self.level)
        self.level -= self.cost
        self.served += 1
        ext = cost_extensions(self.cost, self.cost, self.level, self.maximum, self.rate)
        return httpx.Response(200, json={"data": {"shop": {"name": "x"}}, "extensions": ext})


def make_client(
    handler: Callable[[httpx.Request], httpx.Response],
    *,
    clock: FakeClock | None = None,
    registry: CollectorRegistry | None = None,
    retry: RetryPolicy | None = None,
    pacer: Pacer | None = None,
) -> ShopifyClient:
    clock = clock or FakeClock()
    return ShopifyClient(
        SHOP,
        TOKEN,
        http=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
        pacer=pacer or Pacer(clock),
        retry=retry or RetryPolicy(max_attempts=4, base_delay_s=0.5, max_delay_s=8),
        metrics=ClientMetrics.create(registry or CollectorRegistry()),
    )

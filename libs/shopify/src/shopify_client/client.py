"""The Admin GraphQL client: one shop, paced by its cost bucket, retried within bounds.

What is retried, and how:

* THROTTLED (HTTP 200, ``errors[0].extensions.code``): resync the bucket model from the
  answer's throttleStatus and wait for the deficit (bounded by ``max_throttled``);
* 429: wait ``Retry-After`` (or a backoff delay when absent); 5xx, network errors and
  timeouts: exponential backoff with full jitter (bounded by ``max_attempts``);
* 401/403, other 4xx, top-level GraphQL errors and userErrors are not retried.

Logs name the shop, the operation and the reason; never the token nor a response body,
which may hold customer data.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import TracebackType
from typing import Any

import httpx
import structlog

from shopify_client.answers import read_answer
from shopify_client.backoff import RetryPolicy
from shopify_client.bucket import CostBucket, Pacer, Reservation
from shopify_client.document import Document
from shopify_client.errors import (
    ShopifyGraphQLError,
    ShopifyThrottledError,
    ShopifyUnavailableError,
    UserError,
    user_error_for,
)
from shopify_client.metrics import ClientMetrics
from shopify_client.versions import DEFAULT_API_VERSION, check_api_version

log = structlog.get_logger("shopify_client")

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)


class _Retry(Exception):
    """One attempt failed in a way worth retrying (after ``delay`` seconds, if given)."""

    def __init__(self, reason: str, detail: str, delay: float | None = None) -> None:
        super().__init__(detail)
        self.reason = reason
        self.delay = delay


class ShopifyClient:
    """Talks to one shop. Share a ``Pacer`` (and an httpx client) between all clients of
    a process so that every task on a shop draws from one bucket model."""

    def __init__(
        self,
        shop: str,
        access_token: str,
        *,
        api_version: str = DEFAULT_API_VERSION,
        base_url: str | None = None,
        http: httpx.AsyncClient | None = None,
        pacer: Pacer | None = None,
        retry: RetryPolicy | None = None,
        metrics: ClientMetrics | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    ) -> None:
        self.shop = shop
        self.api_version = check_api_version(api_version)
        root = (base_url or f"https://{shop}").rstrip("/")
        self.endpoint = f"{root}/admin/api/{self.api_version}/graphql.json"
        self._headers = {
            "X-Shopify-Access-Token": access_token,
            "Content-Type": "application/json",
            "Accept": "application/json",
        }
        self._owns_http = http is None
        self.http = http or httpx.AsyncClient(timeout=timeout)
        self.pacer = pacer or Pacer()
        self.retry = retry or RetryPolicy()
        self.metrics = metrics or ClientMetrics.create()
        self._bucket: CostBucket = self.pacer.bucket(shop)

    def __repr__(self) -> str:  # the token must not leak through a repr in a traceback
        return f"ShopifyClient(shop={self.shop!r}, api_version={self.api_version!r})"

    async def __aenter__(self) -> ShopifyClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_http:
            await self.http.aclose()

    async def execute(
        self,
        document: Document,
        variables: Mapping[str, Any] | None = None,
        *,
        estimated_cost: float | None = None,
    ) -> dict[str, Any]:
        """Run ``document`` and return its ``data``; raise a ShopifyError otherwise.

        ``estimated_cost`` overrides what the client learned about this operation's
        requested cost (useful when ``$first`` varies a lot between calls).
        """
        payload = {
            "query": document.text,
            "operationName": document.name,
            "variables": dict(variables or {}),
        }
        content = json.dumps(payload, separators=(",", ":")).encode()
        failures = 0
        throttled = 0
        while True:
            reservation = await self._bucket.reserve(
                lambda: self.pacer.costs.estimate(document.name, estimated_cost),
                on_wait=lambda s, need, have: self._on_pacing_wait(document, s, need, have),
            )
            try:
                return await self._attempt(document, content, reservation)
            except _Retry as retry:
                if retry.reason == "throttled":
                    throttled += 1
                    if throttled > self.retry.max_throttled:
                        msg = f"{document.name} on {self.shop}: THROTTLED {throttled} times"
                        raise ShopifyThrottledError(
                            msg, shop=self.shop, operation=document.name
                        ) from None
                    self._log_retry(document, retry, attempt=throttled, delay=0.0)
                    continue  # the next reserve() waits for the deficit
                failures += 1
                if failures >= self.retry.max_attempts:
                    msg = (
                        f"{document.name} on {self.shop} failed {failures} times; "
                        f"last: {retry.reason} ({retry})"
                    )
                    raise ShopifyUnavailableError(
                        msg, attempts=failures, shop=self.shop, operation=document.name
                    ) from retry.__cause__
                delay = retry.delay if retry.delay is not None else self.retry.delay(failures)
                self._log_retry(document, retry, attempt=failures, delay=delay)
                await self.pacer.clock.sleep(delay)

    async def mutate(
        self,
        document: Document,
        variables: Mapping[str, Any] | None = None,
        *,
        estimated_cost: float | None = None,
    ) -> dict[str, Any]:
        """Run a one-field mutation and return its payload; userErrors raise
        ShopifyUserError (ChangeFromQuantityStale for a stale compare-and-swap)."""
        data = await self.execute(document, variables, estimated_cost=estimated_cost)
        payload = next(iter(data.values()), None) if len(data) == 1 else None
        if not isinstance(payload, dict):
            msg = f"{document.name}: expected one mutation payload, got {sorted(data)}"
            raise ShopifyGraphQLError([{"message": msg}], shop=self.shop, operation=document.name)
        raw_errors = payload.get("userErrors") or []
        if raw_errors:
            errors = [UserError.parse(e) for e in raw_errors if isinstance(e, Mapping)]
            self._count(document, "user_error")
            raise user_error_for(errors, shop=self.shop, operation=document.name)
        return payload

    async def _attempt(
        self, document: Document, content: bytes, reservation: Reservation
    ) -> dict[str, Any]:
        try:
            response = await self.http.post(self.endpoint, content=content, headers=self._headers)
        except httpx.TransportError as exc:
            self._bucket.settle(reservation, charged=None, status=None)
            self._count(document, "network_error")
            raise _Retry("network_error", type(exc).__name__) from exc
        except BaseException:  # cancelled: the points stay spent, the queue moves on
            self._bucket.settle(reservation, charged=None, status=None)
            raise
        answer = read_answer(response, shop=self.shop, operation=document.name)
        cost = answer.cost
        if cost is not None and cost.requested and answer.outcome in ("ok", "throttled"):
            # Refusals (validation, MAX_COST_EXCEEDED) report 0 or a cost never charged.
            self.pacer.costs.learn(document.name, cost.requested)
        self._bucket.settle(
            reservation, charged=answer.charged, status=cost.throttle if cost else None
        )
        self._count(document, answer.outcome)
        if answer.charged:
            self.metrics.cost_points.labels(self.shop).inc(answer.charged)
        if answer.error is not None:
            raise answer.error
        if answer.retry_reason is not None:
            detail = (
                "THROTTLED" if answer.outcome == "throttled" else f"HTTP {response.status_code}"
            )
            raise _Retry(answer.retry_reason, detail, delay=answer.retry_after)
        assert answer.data is not None
        return answer.data

    def _count(self, document: Document, outcome: str) -> None:
        self.metrics.requests.labels(self.shop, document.name, outcome).inc()

    def _on_pacing_wait(self, document: Document, seconds: float, need: float, have: float) -> None:
        self.metrics.throttle_wait_seconds.labels(self.shop).observe(seconds)
        log.info(
            "shopify.pacing_wait",
            shop=self.shop,
            operation=document.name,
            wait_s=round(seconds, 3),
            points_needed=need,
            points_available=round(have, 1),
        )

    def _log_retry(self, document: Document, retry: _Retry, *, attempt: int, delay: float) -> None:
        self.metrics.retries.labels(self.shop, retry.reason).inc()
        log.warning(
            "shopify.retry",
            shop=self.shop,
            operation=document.name,
            reason=retry.reason,
            detail=str(retry),
            attempt=attempt,
            delay_s=round(delay, 3),
        )

"""What one HTTP answer from the Admin API means, decided without side effects.

The client turns this into bucket reconciliation, metrics, a retry or an exception.
``charged`` is what the server took from the bucket for the call: the actual cost on a
normal answer, nothing when THROTTLED or 429, unknown (None) when the answer does not
say (5xx, garbage), in which case the model keeps the reservation spent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from shopify_client.cost import QueryCost
from shopify_client.errors import (
    ShopifyAuthError,
    ShopifyError,
    ShopifyGraphQLError,
    ShopifyHTTPError,
)


@dataclass(frozen=True)
class Answer:
    outcome: str  # the metric label: ok, throttled, rate_limited, server_error, ...
    cost: QueryCost | None
    charged: float | None
    data: dict[str, Any] | None = None
    retry_reason: str | None = None  # set when another attempt may succeed
    retry_after: float | None = None
    error: ShopifyError | None = None  # set when it will not


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return max(0.0, float(response.headers["Retry-After"]))
    except (KeyError, ValueError):
        return None


def is_throttled(body: Mapping[str, Any]) -> bool:
    errors = body.get("errors")
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], Mapping):
        return False
    extensions = errors[0].get("extensions")
    return isinstance(extensions, Mapping) and extensions.get("code") == "THROTTLED"


def _http_failure(
    response: httpx.Response, cost: QueryCost | None, shop: str, operation: str
) -> Answer:
    status = response.status_code
    where = f"{operation} on {shop}"
    if status in (401, 403):
        msg = f"{where}: HTTP {status} (token invalid or scope missing)"
        auth = ShopifyAuthError(msg, status=status, shop=shop, operation=operation)
        return Answer("auth_error", cost, None, error=auth)
    if status == 429:
        delay = _retry_after(response)
        return Answer("rate_limited", cost, 0.0, retry_reason="rate_limited", retry_after=delay)
    if status >= 500:
        return Answer("server_error", cost, None, retry_reason="server_error")
    refused = ShopifyHTTPError(
        f"{where}: HTTP {status}", status=status, shop=shop, operation=operation
    )
    return Answer("http_error", cost, None, error=refused)


def read_answer(response: httpx.Response, *, shop: str, operation: str) -> Answer:
    try:
        body: Any = response.json()
    except ValueError:
        body = None
    cost = QueryCost.parse(body)
    if response.status_code >= 400:
        return _http_failure(response, cost, shop, operation)
    if not isinstance(body, dict):
        return Answer("bad_response", cost, None, retry_reason="bad_response")
    if is_throttled(body):
        return Answer("throttled", cost, 0.0, retry_reason="throttled")
    charged = cost.actual if cost is not None else None
    errors, data = body.get("errors"), body.get("data")
    if errors or not isinstance(data, dict):
        raw = errors if isinstance(errors, list) else [{"message": str(errors or "no data")}]
        partial = data if isinstance(data, dict) else None
        error = ShopifyGraphQLError(raw, data=partial, shop=shop, operation=operation)
        return Answer("graphql_error", cost, charged, error=error)
    return Answer("ok", cost, charged, data=data)

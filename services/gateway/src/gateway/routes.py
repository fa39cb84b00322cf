"""HTTP ingress of the gateway: ``POST /webhooks/shopify`` and ``POST /erp/{tenant}/events``.

Every other path (``/health``, ``/ready``, ``/metrics``, the lifespan) goes to the
FastStream app. Bodies are read with a limit: a ``Content-Length`` over the limit is
refused before a byte of the body is read, and a body streamed without one is counted
while it arrives; either way the answer is 413 and the connection is closed.

Answers (JSON; errors are ``{"error": code, "message": text}``; nothing is published
unless the answer is 200):

  status  error code           when
  200     -                    Shopify: {"status": "accepted", "id", "topic"} once Kafka
                               acknowledged (acks=all); {"status": "ignored"} for a verified
                               topic no service consumes. ERP: {"results": [{"index", "id",
                               "status"}]} once every event is acknowledged; status is
                               "accepted", or "duplicate" for an id seen earlier in the
                               batch (published once)
  400     missing_header       X-Shopify-Shop-Domain, -Topic or -Webhook-Id missing (named)
  400     bad_header           topic or webhook id malformed
  400     empty_body, not_utf8, not_json, not_an_object
                               the body (checked after the signature)
  401     unauthorized         Shopify: HMAC missing or wrong, or unknown shop, one message:
                               "invalid signature or unknown shop". ERP: wrong signature or
                               unknown tenant: "invalid signature or unknown tenant"
  401     missing_signature    ERP: X-ERP-Signature or X-ERP-Timestamp missing
  401     stale_timestamp      ERP: X-ERP-Timestamp more than 300 s from our clock
  401     replayed             ERP: the same signature (same timestamp and body) seen again
                               by this process within twice the tolerance (bounded LRU;
                               across instances the consumers' inboxes drop the duplicate)
  404     not_found            no such route (405 method_not_allowed: not a POST)
  413     body_too_large       over GATEWAY_MAX_BODY_BYTES (5 MiB); never kept in memory;
                               the rest is read and dropped (at most 64 MiB or
                               2 s), then the connection is closed
  422     no_entity_id         Shopify: a consumed topic whose body lacks its key field
  422     invalid_batch        ERP: not one event nor {"events": [1..500 events]}
  422     invalid_events       ERP: an event breaks its contract. All or nothing: "results"
                               lists every event, "rejected" with "events[i].field:
                               problem", the valid ones "not_published"
  503     unavailable          Kafka did not acknowledge within GATEWAY_PUBLISH_TIMEOUT_S
                               (2.5 s); Retry-After set. A record may still land later: the
                               sender's retry has the same envelope id; consumers dedupe

Shopify's required headers are the topic, shop domain, HMAC and webhook id;
`X-Shopify-Triggered-At` becomes `occurred_at` and falls back to the receipt time when
absent or unreadable; `X-Shopify-API-Version` and `X-Shopify-Event-Id` go to the
envelope's meta. Integers in bodies stay exact (ids beyond 2^53 included).
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from typing import Any

from faststream.asgi.types import ASGIApp, Receive, Scope, Send
from plumbing.logging import get_logger

from gateway import domain
from gateway.handlers import Answer, Gateway
from gateway.metrics import GatewayMetrics

SHOPIFY_PATH = "/webhooks/shopify"
_ERP_PATH = re.compile(r"^/erp/([^/]{1,100})/events$")
log = get_logger("gateway.request")


# After a 413 the rest of the body is read and dropped (never kept), up to these bounds,
# before the connection is closed: closing a socket with unread data makes the kernel
# send a reset, and the sender would see a broken pipe instead of the 413.
DRAIN_MAX_BYTES = 64 * 1024 * 1024
DRAIN_MAX_S = 2.0


class _TooLarge(Exception):
    pass


async def discard_body(receive: Receive) -> None:
    """Read and drop what the sender still sends, within DRAIN_MAX_BYTES/DRAIN_MAX_S."""
    dropped = 0
    try:
        async with asyncio.timeout(DRAIN_MAX_S):
            while dropped < DRAIN_MAX_BYTES:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                dropped += len(message.get("body", b""))
                if not message.get("more_body", False):
                    return
    except TimeoutError:
        return


async def read_body(scope: Scope, receive: Receive, limit: int) -> bytes:
    """The whole body, refused (``_TooLarge``) as soon as it is known to exceed ``limit``."""
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                declared = int(value)
            except ValueError:
                declared = -1
            if declared > limit:
                raise _TooLarge
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _send_json(
    send: Send, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> None:
    payload = json.dumps(body).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    raw += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": payload})


class GatewayRoutes:
    """The gateway's ASGI app: its two POST routes in front of the FastStream app."""

    def __init__(
        self, inner: ASGIApp, gateway: Gateway, metrics: GatewayMetrics, *, max_body_bytes: int
    ) -> None:
        self.inner = inner
        self.gateway = gateway
        self.metrics = metrics
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.inner(scope, receive, send)
            return
        path = scope["path"]
        erp = _ERP_PATH.match(path)
        if path != SHOPIFY_PATH and erp is None:
            await self.inner(scope, receive, send)
            return
        if scope["method"] != "POST":
            body = {"error": "method_not_allowed", "message": "use POST"}
            await _send_json(send, 405, body, {"allow": "POST"})
            return
        await self._handle(scope, receive, send, erp[1] if erp else None)

    async def _handle(self, scope: Scope, receive: Receive, send: Send, slug: str | None) -> None:
        started = time.perf_counter()
        source = "erp" if slug is not None else "shopify"
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        try:
            body = await read_body(scope, receive, self.max_body_bytes)
        except _TooLarge:
            await discard_body(receive)
            answer = Answer(tenant=slug).reject(domain.too_large(self.max_body_bytes))
            answer.headers = {"connection": "close"}
        else:
            if slug is None:
                answer = await self.gateway.shopify(headers, body)
            else:
                answer = await self.gateway.erp(slug, headers, body)
        await _send_json(send, answer.status, answer.body, answer.headers)
        elapsed = time.perf_counter() - started
        self._record(source, answer, elapsed, headers)

    def _record(self, source: str, answer: Answer, elapsed: float, headers: dict[str, str]) -> None:
        verified = answer.tenant is not None and answer.outcome != "unauthorized"
        topic = answer.topic if verified and answer.topic else "unknown"
        self.metrics.requests.labels(source, topic, answer.outcome).inc()
        self.metrics.duration.labels(source).observe(elapsed)
        if answer.outcome == "unavailable":
            self.metrics.publish_failures.labels(source).inc()
        elif answer.outcome == "ignored":
            self.metrics.ignored.labels(topic).inc()
        line = log.warning if answer.status >= 500 else log.info
        line(
            "gateway.request",
            source=source,
            tenant=answer.tenant if verified else None,
            topic=answer.topic,
            webhook_id=answer.event_id,
            events=answer.events,
            status=answer.status,
            outcome=answer.outcome,
            error=answer.body.get("error"),
            detail=answer.detail,
            latency_ms=round(elapsed * 1000, 2),
        )

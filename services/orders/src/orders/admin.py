"""``POST /admin/reconcile/orders``: a reconciliation run on demand, for support.

Body ``{"tenant": "acme", "since": "2026-11-23T08:00:00Z"}``; ``since`` null (or absent)
continues from the last complete run. Answers the run's report (200), or a problem:
400 for a body it cannot read, 404 for an unknown tenant, 409 while the tenant's run is
already going. Bound to the service's HTTP address, which is internal: no secrets pass.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from faststream.asgi.types import ASGIApp, Receive, Scope, Send
from plumbing.logging import get_logger

from orders.reconciler import AlreadyRunning, Reconciler, UnknownTenant

PATH = "/admin/reconcile/orders"
MAX_BODY = 64 * 1024
log = get_logger("orders.admin")


class BadRequest(ValueError):
    pass


async def _send(send: Send, status: int, body: dict[str, Any]) -> None:
    raw = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": raw})


async def _body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            msg = f"the body is over {MAX_BODY} bytes"
            raise BadRequest(msg)
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def parse_request(raw: bytes) -> tuple[str, datetime | None]:
    """(tenant, since) from the body; BadRequest names what is wrong."""
    try:
        body = json.loads(raw or b"{}")
    except ValueError as exc:
        msg = f"the body is not JSON: {exc}"
        raise BadRequest(msg) from None
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    unknown = set(body) - {"tenant", "since"}
    if unknown:
        msg = f"unknown field(s) {sorted(unknown)}; expected 'tenant' and 'since'"
        raise BadRequest(msg)
    tenant = body.get("tenant")
    if not isinstance(tenant, str) or not tenant:
        raise BadRequest("'tenant' is required: the tenant's slug")
    raw_since = body.get("since")
    if raw_since is None:
        return tenant, None
    if not isinstance(raw_since, str):
        raise BadRequest("'since' must be an ISO-8601 timestamp or null")
    try:
        since = datetime.fromisoformat(raw_since)
    except ValueError:
        msg = f"'since' is not an ISO-8601 timestamp: {raw_since!r}"
        raise BadRequest(msg) from None
    return tenant, since if since.tzinfo else since.replace(tzinfo=UTC)


def reconcile_route(reconciler: Reconciler) -> tuple[str, ASGIApp]:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope.get("method") != "POST":
            await _send(send, 405, {"detail": "use POST"})
            return
        try:
            tenant, since = parse_request(await _body(receive))
            report = await reconciler.run(tenant, since)
        except BadRequest as exc:
            await _send(send, 400, {"detail": str(exc)})
            return
        except UnknownTenant as exc:
            await _send(send, 404, {"detail": str(exc.args[0])})
            return
        except AlreadyRunning as exc:
            await _send(send, 409, {"detail": str(exc)})
            return
        answer = {
            "tenant": tenant,
            "since": since.isoformat() if since else None,
            **report.as_json(),
        }
        log.info("orders.reconcile.requested", tenant=tenant, **report.as_json())
        await _send(send, 200, answer)

    return PATH, app

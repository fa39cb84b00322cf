"""A table of bad inputs: each gets its documented status, error code and message, and
nothing of any of them reaches Kafka (the gateway's topics are read between their end
offsets before and after, and no record of this run's tenant is there). Ids beyond 2^53
are not an error: they are accepted and kept exact.

The 20 MB bodies go over a raw socket, once with a Content-Length (refused before a
byte of the body is read) and once chunked (counted while it streams): the gateway
keeps at most its limit, drops the rest and answers 413.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from contracts import Envelope
from erp_connector.signatures import sign as erp_sign

from tests import erp_events
from tests.integration.test_gateway_support import (
    Merchant,
    end_offsets,
    of_tenant,
    records_between,
    serving,
)

ORDER = json.dumps({"id": 450789469, "line_items": []}).encode()
BIG_ID = 2**53 + 12345  # not representable as a float
MB20 = 20 * 1024 * 1024


@dataclass
class Case:
    name: str
    status: int
    error: str
    message: str | None = None  # exact when given
    path: str = "/webhooks/shopify"
    body: bytes = ORDER
    headers: dict[str, str] = field(default_factory=dict)


def erp_headers(body: bytes, secret: str, at: float | None = None) -> dict[str, str]:
    timestamp = int(time.time() if at is None else at)
    return {"X-ERP-Timestamp": str(timestamp), "X-ERP-Signature": erp_sign(body, secret, timestamp)}


def cases(m: Merchant) -> list[Case]:
    def signed(body: bytes, topic: str = "orders/create", **extra: str) -> dict[str, str]:
        return m.headers(body, topic, **extra)

    erp = f"/erp/{m.slug}/events"
    no_id = json.dumps({"events": [{k: v for k, v in stock_event().items() if k != "id"}]})
    unknown_type = json.dumps(stock_event(type="price.changed")).encode()
    stale = json.dumps(stock_event()).encode()
    bad_json_erp = b'{"events": ['
    unauthorized = "invalid signature or unknown shop"
    return [
        Case("empty body", 400, "empty_body", "the body is empty", body=b"", headers=signed(b"")),
        Case(
            "not JSON",
            400,
            "not_json",
            "the body is not JSON",
            body=b"{oops",
            headers=signed(b"{oops"),
        ),
        Case(
            "JSON array",
            400,
            "not_an_object",
            "the body is not a JSON object",
            body=b"[1]",
            headers=signed(b"[1]"),
        ),
        Case(
            "not UTF-8",
            400,
            "not_utf8",
            None,
            body=b'{"a": "\xff"}',
            headers=signed(b'{"a": "\xff"}'),
        ),
        Case("NaN", 400, "not_json", None, body=b'{"id": NaN}', headers=signed(b'{"id": NaN}')),
        Case(
            "no topic",
            400,
            "missing_header",
            "X-Shopify-Topic header is missing",
            headers=signed(ORDER, **{"X-Shopify-Topic": ""}),
        ),
        Case(
            "no shop",
            400,
            "missing_header",
            "X-Shopify-Shop-Domain header is missing",
            headers=signed(ORDER, **{"X-Shopify-Shop-Domain": ""}),
        ),
        Case(
            "no webhook id",
            400,
            "missing_header",
            "X-Shopify-Webhook-Id header is missing",
            headers=signed(ORDER, **{"X-Shopify-Webhook-Id": ""}),
        ),
        Case(
            "no HMAC",
            401,
            "unauthorized",
            unauthorized,
            headers=signed(ORDER, **{"X-Shopify-Hmac-Sha256": ""}),
        ),
        Case(
            "wrong secret",
            401,
            "unauthorized",
            unauthorized,
            headers=signed(ORDER, **{"X-Shopify-Hmac-Sha256": m.sign(ORDER, "wrong")}),
        ),
        Case(
            "unknown shop",
            401,
            "unauthorized",
            unauthorized,
            headers=signed(ORDER, **{"X-Shopify-Shop-Domain": "nobody.myshopify.com"}),
        ),
        Case(
            "bad topic",
            400,
            "bad_header",
            "X-Shopify-Topic is not a webhook topic",
            headers=signed(ORDER, "Orders Create"),
        ),
        Case(
            "no key field",
            422,
            "no_entity_id",
            "refunds/create: payload has no order_id",
            headers=signed(ORDER, "refunds/create"),
        ),
        Case(
            "ERP no signature",
            401,
            "missing_signature",
            "X-ERP-Signature header is missing",
            path=erp,
            body=stale,
        ),
        Case(
            "ERP stale timestamp",
            401,
            "stale_timestamp",
            None,
            path=erp,
            body=stale,
            headers=erp_headers(stale, m.erp_secret, time.time() - 301),
        ),
        Case(
            "ERP wrong secret",
            401,
            "unauthorized",
            "invalid signature or unknown tenant",
            path=erp,
            body=stale,
            headers=erp_headers(stale, "wrong"),
        ),
        Case(
            "ERP unknown tenant",
            401,
            "unauthorized",
            "invalid signature or unknown tenant",
            path="/erp/nobody/events",
            body=stale,
            headers=erp_headers(stale, m.erp_secret),
        ),
        Case(
            "ERP not JSON",
            400,
            "not_json",
            "the body is not JSON",
            path=erp,
            body=bad_json_erp,
            headers=erp_headers(bad_json_erp, m.erp_secret),
        ),
        Case(
            "ERP event without id",
            422,
            "invalid_events",
            None,
            path=erp,
            body=no_id.encode(),
            headers=erp_headers(no_id.encode(), m.erp_secret),
        ),
        Case(
            "ERP unknown type",
            422,
            "invalid_events",
            None,
            path=erp,
            body=unknown_type,
            headers=erp_headers(unknown_type, m.erp_secret),
        ),
    ]


async def raw_post(
    base_url: str, head: str, body_chunks: Callable[[], Any]
) -> tuple[int, dict[str, Any]]:
    """Send a request head and as much body as the server reads; return its answer."""
    host, port = base_url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(head.encode())
    sender = asyncio.create_task(body_chunks(writer))
    try:
        async with asyncio.timeout(10):
            answer = await reader.read(-1)  # the server closes after a 413
    finally:
        sender.cancel()
        writer.close()
    status = int(answer[9:12])
    return status, json.loads(answer.split(b"\r\n\r\n", 1)[1])


async def _drip(writer: asyncio.StreamWriter, *, chunked: bool) -> None:
    piece = b"x" * 65536
    for _ in range(MB20 // len(piece)):
        writer.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
        try:
            await writer.drain()
        except ConnectionError:
            return


async def test_bad_inputs_get_their_status_and_publish_nothing(kafka_bootstrap: str) -> None:
    m = Merchant.fresh()
    async with (
        serving(kafka_bootstrap, m.tenants()) as base_url,
        httpx.AsyncClient(base_url=base_url, timeout=10) as client,
    ):
        # A replay needs a first delivery: accepted (and published) before the window.
        first = json.dumps(stock_event()).encode()
        replayed = erp_headers(first, m.erp_secret)
        ok = await client.post(f"/erp/{m.slug}/events", content=first, headers=replayed)
        assert ok.status_code == 200, ok.text
        before = await end_offsets(kafka_bootstrap)

        replay = Case("ERP replayed signature", 401, "replayed", "this signature was already used")
        replay.path, replay.body, replay.headers = f"/erp/{m.slug}/events", first, replayed
        table = [*cases(m), replay]
        assert len(table) >= 15
        for case in table:
            answer = await client.post(case.path, content=case.body, headers=case.headers)
            got = (answer.status_code, answer.json().get("error"))
            assert got == (case.status, case.error), (case.name, answer.text)
            if case.message is not None:
                assert answer.json()["message"] == case.message, case.name
            if case.status == 422 and case.path.startswith("/erp"):
                (result,) = answer.json()["results"]
                assert result["status"] == "rejected"
                assert result["error"].startswith("events[0]."), result

        head = "POST /webhooks/shopify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        for name, extra, chunked in (
            ("20 MB, Content-Length", f"Content-Length: {MB20}\r\n\r\n", False),
            ("20 MB, chunked", "Transfer-Encoding: chunked\r\n\r\n", True),
        ):
            status, body = await raw_post(
                base_url, head + extra, lambda w, c=chunked: _drip(w, chunked=c)
            )
            assert (status, body["error"]) == (413, "body_too_large"), name
            assert body["message"] == "the body is larger than 5242880 bytes"

        # The gateway still works, and the records are readable: a positive control.
        control = m.headers(ORDER, "orders/create")
        last = await client.post("/webhooks/shopify", content=ORDER, headers=control)
        assert last.status_code == 200
        after = await end_offsets(kafka_bootstrap)
    records = of_tenant(await records_between(kafka_bootstrap, before, after), m.slug)
    assert [Envelope.from_bytes(r.value).id for r in records] == [control["X-Shopify-Webhook-Id"]]


async def test_ids_beyond_2_53_are_accepted_and_exact(kafka_bootstrap: str) -> None:
    m = Merchant.fresh()
    body = b'{"id": %d, "line_items": [{"id": %d, "price": "1.10"}]}' % (BIG_ID, BIG_ID + 1)
    headers = m.headers(body, "orders/paid")
    async with serving(kafka_bootstrap, m.tenants()) as base_url:
        before = await end_offsets(kafka_bootstrap)
        async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
            answer = await client.post("/webhooks/shopify", content=body, headers=headers)
        assert answer.status_code == 200, answer.text
        after = await end_offsets(kafka_bootstrap)
    (record,) = of_tenant(await records_between(kafka_bootstrap, before, after), m.slug)
    assert record.key == f"{m.slug}:{BIG_ID}".encode()
    raw = json.loads(record.value)  # Python's json keeps integers exact
    assert raw["payload"]["id"] == BIG_ID
    assert raw["payload"]["line_items"][0]["id"] == BIG_ID + 1
    assert str(BIG_ID).encode() in record.value
    assert Envelope.from_bytes(record.value).key == f"{m.slug}:{BIG_ID}"


def stock_event(**changes: Any) -> dict[str, Any]:
    return erp_events.stock_event(
        movement_id=3, movement_type="purchase_entry",
        **{"occurred_at": "2026-01-15T10:00:00+00:00", **changes},
    )  # fmt: skip

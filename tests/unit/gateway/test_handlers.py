"""The two use cases against a fake publisher: statuses, messages and what is published."""

from __future__ import annotations

import json
import uuid

import pytest
from contracts import Envelope

from tests.unit.gateway.fakes import (
    NOW,
    OLD_SECRET,
    FakePublisher,
    erp_request,
    gateway,
    shopify_headers,
    stock_event,
)

BODY = json.dumps({"id": 9007199254740993123, "line_items": []}).encode()


async def test_a_signed_webhook_is_published_and_accepted() -> None:
    publisher = FakePublisher()
    headers = shopify_headers(BODY)
    answer = await gateway(publisher).shopify(headers, BODY)
    assert answer.status == 200
    webhook_id = headers["x-shopify-webhook-id"]
    assert answer.body == {"status": "accepted", "id": webhook_id, "topic": "shopify.orders.v1"}
    (record,) = publisher.records
    assert record.key == b"acme:9007199254740993123"
    env = Envelope.from_bytes(record.value)
    assert (env.id, env.type, env.tenant, env.source) == (
        webhook_id,
        "orders/create",
        "acme",
        "shopify",
    )
    assert env.payload["id"] == 9007199254740993123
    assert env.meta["api_version"] == "2026-10"
    assert env.meta["event_id"] == "98765"
    assert env.occurred_at.isoformat() == "2026-01-15T10:00:00.123456+00:00"


async def test_the_old_secret_is_accepted_during_a_rotation() -> None:
    answer = await gateway().shopify(shopify_headers(BODY, secret=OLD_SECRET), BODY)
    assert answer.status == 200


@pytest.mark.parametrize("topic", ["customers/redact", "customers/data_request", "shop/redact"])
async def test_compliance_topics_are_published(topic: str) -> None:
    publisher = FakePublisher()
    body = json.dumps({"shop_id": 9, "customer": {"id": 5}}).encode()
    answer = await gateway(publisher).shopify(shopify_headers(body, topic), body)
    assert answer.status == 200
    assert publisher.records[0].topic == "shopify.compliance.v1"


async def test_unconsumed_topics_are_ignored_not_published() -> None:
    publisher = FakePublisher()
    answer = await gateway(publisher).shopify(shopify_headers(BODY, "carts/update"), BODY)
    assert (answer.status, answer.body, answer.outcome) == (200, {"status": "ignored"}, "ignored")
    assert publisher.records == []


async def test_wrong_secret_and_unknown_shop_get_the_same_answer() -> None:
    wrong = await gateway().shopify(shopify_headers(BODY, secret="nope"), BODY)
    unknown = await gateway().shopify(
        shopify_headers(BODY, **{"x-shopify-shop-domain": "other.myshopify.com"}), BODY
    )
    missing = shopify_headers(BODY)
    del missing["x-shopify-hmac-sha256"]
    absent = await gateway().shopify(missing, BODY)
    for answer in (wrong, unknown, absent):
        assert answer.status == 401
        assert answer.body == {
            "error": "unauthorized",
            "message": "invalid signature or unknown shop",
        }


async def test_kafka_down_is_a_503_with_retry_after() -> None:
    answer = await gateway(FakePublisher(fail=True)).shopify(shopify_headers(BODY), BODY)
    assert answer.status == 503
    assert answer.headers == {"retry-after": "2"}
    assert answer.body["error"] == "unavailable"


# --- ERP ----------------------------------------------------------------------------------


async def test_one_event_or_a_batch() -> None:
    publisher = FakePublisher()
    gw = gateway(publisher)
    single = stock_event()
    answer = await gw.erp("acme", *erp_request(single))
    assert answer.status == 200
    assert answer.body == {"results": [{"index": 0, "id": single["id"], "status": "accepted"}]}
    events = [stock_event("A"), stock_event("B")]
    answer = await gw.erp("acme", *erp_request({"events": events}))
    assert [r["status"] for r in answer.body["results"]] == ["accepted", "accepted"]
    assert [r.key for r in publisher.records] == [b"acme:SKU-1", b"acme:A", b"acme:B"]
    env = Envelope.from_bytes(publisher.records[1].value)
    assert (env.id, env.type, env.source, env.meta) == (
        events[0]["id"],
        "stock.changed",
        "erp",
        {"version": "7"},
    )
    assert env.payload == events[0]


async def test_a_repeated_id_in_a_batch_is_published_once() -> None:
    publisher = FakePublisher()
    event = stock_event()
    answer = await gateway(publisher).erp("acme", *erp_request({"events": [event, event]}))
    assert [r["status"] for r in answer.body["results"]] == ["accepted", "duplicate"]
    assert len(publisher.records) == 1


async def test_one_bad_event_rejects_the_whole_batch_and_names_index_and_field() -> None:
    publisher = FakePublisher()
    bad_data = stock_event()
    del bad_data["data"]["sku"]
    events = [
        stock_event(),
        bad_data,
        stock_event(type="stock.exploded"),
        {"type": "stock.changed"},
    ]
    answer = await gateway(publisher).erp("acme", *erp_request({"events": events}))
    assert answer.status == 422
    assert answer.body["error"] == "invalid_events"
    assert answer.body["message"] == "3 of 4 event(s) break the contract; nothing was published"
    results = answer.body["results"]
    assert [r["status"] for r in results] == ["not_published", "rejected", "rejected", "rejected"]
    assert results[1]["error"] == "events[1].data.sku: field required"
    assert results[2]["error"] == "events[2].type: unknown event type"
    assert results[3]["error"].startswith("events[3].id: field required")
    assert publisher.records == []


async def test_a_naive_occurred_at_is_rejected() -> None:
    answer = await gateway().erp(
        "acme", *erp_request(stock_event(occurred_at="2026-01-15T10:00:00"))
    )
    assert answer.status == 422
    assert answer.body["results"][0]["error"] == "events[0].occurred_at: must carry a UTC offset"


@pytest.mark.parametrize(
    ("document", "code"),
    [({"events": []}, "invalid_batch"), ({"events": [{}], "x": 1}, "invalid_batch")],
)
async def test_malformed_batches(document: object, code: str) -> None:
    answer = await gateway().erp("acme", *erp_request(document))
    assert (answer.status, answer.body["error"]) == (422, code)


async def test_signatures_stale_timestamps_replays_and_unknown_tenants() -> None:
    gw = gateway()
    headers, body = erp_request(stock_event())
    assert (await gw.erp("acme", headers, body)).status == 200
    replay = await gw.erp("acme", headers, body)
    assert (replay.status, replay.body["error"]) == (401, "replayed")
    stale = await gw.erp("acme", *erp_request(stock_event(), at=NOW - 301))
    assert (stale.status, stale.body["error"]) == (401, "stale_timestamp")
    wrong = await gw.erp("acme", *erp_request(stock_event(), secret="nope"))
    unknown = await gw.erp("nobody", *erp_request(stock_event()))
    for answer in (wrong, unknown):
        assert answer.status == 401
        assert answer.body == {
            "error": "unauthorized",
            "message": "invalid signature or unknown tenant",
        }
    missing = await gw.erp("acme", {}, body)
    assert missing.body == {
        "error": "missing_signature",
        "message": "X-ERP-Signature header is missing",
    }


async def test_a_503_forgets_the_signature_so_the_retry_is_not_a_replay() -> None:
    publisher = FakePublisher(fail=True)
    gw = gateway(publisher)
    headers, body = erp_request({"events": [stock_event()]})
    assert (await gw.erp("acme", headers, body)).status == 503
    publisher.fail = False
    assert (await gw.erp("acme", headers, body)).status == 200
    assert len(publisher.records) == 1


async def test_ids_are_uuids() -> None:
    answer = await gateway().erp("acme", *erp_request(stock_event(id="not-a-uuid")))
    assert answer.status == 422
    assert answer.body["results"][0]["error"].startswith("events[0].id: ")
    assert str(uuid.UUID(stock_event()["id"]))

"""Pure rules: headers, bodies, envelopes."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from contracts import Envelope, route_for
from gateway import domain
from gateway.domain import Rejection

RECEIVED = datetime(2026, 1, 1, tzinfo=UTC)


def rejection(call: object, *args: object) -> Rejection:
    with pytest.raises(Rejection) as caught:
        call(*args)  # type: ignore[operator]
    return caught.value


def test_missing_and_blank_headers_are_named() -> None:
    r = rejection(domain.require_header, {}, domain.TOPIC)
    assert (r.status, r.code, r.message) == (
        400,
        "missing_header",
        "X-Shopify-Topic header is missing",
    )
    r = rejection(domain.require_header, {domain.WEBHOOK_ID: "  "}, domain.WEBHOOK_ID)
    assert r.message == "X-Shopify-Webhook-Id header is missing"


@pytest.mark.parametrize("topic", ["orders create", "ORDERS/CREATE", "orders", "../x"])
def test_malformed_topics_are_refused(topic: str) -> None:
    assert rejection(domain.shopify_topic, {domain.TOPIC: topic}).code == "bad_header"


def test_webhook_ids_are_printable_and_bounded() -> None:
    assert domain.shopify_id({domain.WEBHOOK_ID: " b54557e4-bdd9 "}, domain.WEBHOOK_ID) == (
        "b54557e4-bdd9"
    )
    for bad in ("a b", "x" * 201, "é"):
        assert rejection(domain.shopify_id, {domain.WEBHOOK_ID: bad}, domain.WEBHOOK_ID).code == (
            "bad_header"
        )


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", "empty_body"),
        (b"  \n", "empty_body"),
        (b"\xff\xfe{}", "not_utf8"),
        (b"\xef\xbb\xbf{}", "not_json"),  # a BOM is not JSON
        (b"{", "not_json"),
        (b'{"a": NaN}', "not_json"),
        (b"[1, 2]", "not_an_object"),
        (b"42", "not_an_object"),
    ],
)
def test_bad_bodies(body: bytes, code: str) -> None:
    r = rejection(domain.parse_json_object, body)
    assert (r.status, r.code) == (400, code)


def test_big_integers_stay_exact() -> None:
    assert domain.parse_json_object(b'{"id": 9007199254740993}')["id"] == 2**53 + 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, RECEIVED),
        ("", RECEIVED),
        ("not a time", RECEIVED),
        ("2026-01-15T10:00:00.123456789Z", datetime(2026, 1, 15, 10, 0, 0, 123456, tzinfo=UTC)),
        ("2026-01-15T10:00:00", datetime(2026, 1, 15, 10, tzinfo=UTC)),
    ],
)
def test_triggered_at(value: str | None, expected: datetime) -> None:
    assert domain.parse_triggered_at(value, RECEIVED) == expected


def test_a_shopify_record_keys_by_the_route_and_keeps_ids_exact() -> None:
    order_id = 2**60 + 7
    route = route_for("orders/create")
    assert route is not None
    record = domain.shopify_record(
        tenant="acme",
        topic="orders/create",
        route=route,
        headers={
            domain.SHOP_DOMAIN: "Acme.myshopify.com",
            domain.API_VERSION: "2026-10",
            domain.EVENT_ID: "e1",
        },
        webhook_id="w1",
        payload={"id": order_id},
        received_at=RECEIVED,
    )
    assert record.topic == "shopify.orders.v1"
    assert record.key == f"acme:{order_id}".encode()
    env = Envelope.from_bytes(record.value)
    assert env.id == "w1"
    assert env.occurred_at == RECEIVED
    assert env.meta == {
        "shop_domain": "acme.myshopify.com",
        "api_version": "2026-10",
        "event_id": "e1",
    }
    assert json.loads(record.value)["payload"]["id"] == order_id


def test_a_body_without_its_key_field_is_422() -> None:
    route = route_for("refunds/create")
    assert route is not None
    r = rejection(
        lambda: domain.shopify_record(
            tenant="acme",
            topic="refunds/create",
            route=route,
            headers={},
            webhook_id="w",
            payload={"id": 1},
            received_at=RECEIVED,
        )
    )
    assert (r.status, r.code, r.message) == (
        422,
        "no_entity_id",
        "refunds/create: payload has no order_id",
    )

"""The pure parts of the reference ERP's event delivery: body, signature, headers,
backoff, error text. The signature is checked against a computation written here with
``hmac`` directly, not against the gateway's verifier."""

from __future__ import annotations

import hashlib
import hmac
import json
import random

import pytest
from erp_connector.models.events import EventBatch, entity_key
from erp_sim.delivery_wire import (
    USER_AGENT,
    backoff_s,
    batch_body,
    headers,
    short_error,
    sign,
)

from tests import erp_events

SECRET = "test-secret-erp"


def test_batch_body_is_an_event_batch_in_the_given_order() -> None:
    bodies = [stock_event("TEE", "MAIN", n, 10 - n) for n in range(1, 6)]
    raw = batch_body(bodies)
    parsed = json.loads(raw)
    assert list(parsed) == ["events"]
    assert parsed["events"] == [json.loads(b) for b in bodies]
    batch = EventBatch.model_validate_json(raw)
    assert [e.version for e in batch.events] == [1, 2, 3, 4, 5]
    assert {entity_key(e) for e in batch.events} == {"stock:TEE@MAIN"}


def test_batch_body_keeps_each_body_byte_for_byte() -> None:
    # jsonb::text spacing and key order: the batch must not re-serialize them
    bodies = ['{"id": "a", "version": 1}', b'{"id":"b","version":2}']
    assert batch_body(bodies) == b'{"events":[{"id": "a", "version": 1},{"id":"b","version":2}]}'


def test_an_empty_batch_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        batch_body([])


def test_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    body = batch_body([stock_event("TEE", "MAIN", 1, 3)])
    expected = hmac.new(SECRET.encode(), b"1767322800." + body, hashlib.sha256).hexdigest()
    assert sign(SECRET, 1767322800, body) == expected
    assert sign(SECRET, 1767322801, body) != expected
    assert sign("other-secret", 1767322800, body) != expected
    assert sign(SECRET, 1767322800, body + b" ") != expected


def test_signature_covers_non_ascii_bytes_as_sent() -> None:
    body = '{"events":[{"name":"Camiseta añil"}]}'.encode()
    expected = hmac.new(SECRET.encode(), b"5." + body, hashlib.sha256).hexdigest()
    assert sign(SECRET, 5, body) == expected


def test_headers_carry_timestamp_signature_company_and_agent() -> None:
    body = batch_body([stock_event("TEE", "MAIN", 1, 3)])
    sent = headers("acme", SECRET, 1700000000, body)
    assert sent["Content-Type"] == "application/json"
    assert sent["X-ERP-Timestamp"] == "1700000000"
    assert sent["X-ERP-Company"] == "acme"
    assert sent["User-Agent"] == USER_AGENT == "erp-sim"
    signed = hmac.new(SECRET.encode(), b"1700000000." + body, hashlib.sha256).hexdigest()
    assert sent["X-ERP-Signature"] == signed
    assert SECRET not in json.dumps(sent)


@pytest.mark.parametrize("attempt", [1, 2, 3, 5, 8, 12, 40, 1000])
def test_backoff_stays_within_half_and_full_of_the_capped_delay(attempt: int) -> None:
    rng = random.Random(attempt)
    capped = min(30.0, 0.2 * 2 ** min(attempt - 1, 62))
    for _ in range(200):
        wait = backoff_s(attempt, 0.2, 30.0, rng)
        assert capped / 2 <= wait <= capped <= 30.0


def test_backoff_grows_then_stops_at_the_cap() -> None:
    upper = [backoff_s(n, 0.2, 30.0, random.Random(0)) for n in range(1, 20)]
    lows = [min(backoff_s(n, 0.2, 30.0, random.Random(s)) for s in range(50)) for n in (1, 4)]
    assert lows[1] > lows[0]
    assert max(upper) <= 30.0
    assert all(15.0 <= w <= 30.0 for w in upper[9:])


def test_backoff_is_jittered() -> None:
    rng = random.Random(7)
    assert len({backoff_s(3, 0.2, 30.0, rng) for _ in range(20)}) > 1


def test_backoff_treats_attempt_zero_as_the_first() -> None:
    assert 0.1 <= backoff_s(0, 0.2, 30.0, random.Random(1)) <= 0.2


def test_short_error_names_the_status_or_the_class_only() -> None:
    assert short_error(status=503) == "http 503"
    secret_text = "https://erp.example/hook?token=s3cr3t body={...}"
    assert short_error(exc=ConnectionError(secret_text)) == "ConnectionError"
    assert short_error() == "unknown error"


def stock_event(sku: str, warehouse: str, movement_id: int, available: int) -> str:
    return json.dumps(erp_events.stock_event(sku, warehouse, movement_id, available=available))

"""What ``POST /admin/reconcile/orders`` accepts, and what it answers when it cannot."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from orders.admin import BadRequest, parse_request


def test_tenant_and_since() -> None:
    tenant, since = parse_request(b'{"tenant": "acme", "since": "2026-11-23T08:00:00+01:00"}')
    assert tenant == "acme"
    assert since == datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def test_since_without_zone_is_utc_and_null_continues() -> None:
    assert parse_request(b'{"tenant": "a", "since": "2026-11-23T08:00:00"}')[1] == datetime(
        2026, 11, 23, 8, 0, tzinfo=UTC
    )
    assert parse_request(b'{"tenant": "a", "since": null}') == ("a", None)
    assert parse_request(b'{"tenant": "a"}') == ("a", None)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{", "the body is not JSON"),
        (b"[]", "the body must be a JSON object"),
        (b"{}", "'tenant' is required"),
        (b'{"tenant": "a", "since": "yesterday"}', "'since' is not an ISO-8601 timestamp"),
        (b'{"tenant": "a", "since": 5}', "'since' must be an ISO-8601 timestamp or null"),
        (b'{"tenant": "a", "from": "x"}', "unknown field(s) ['from']"),
    ],
)
def test_bad_bodies_are_named(body: bytes, message: str) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_request(body)
    assert message in str(caught.value)

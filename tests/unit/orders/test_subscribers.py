"""Before any database work: which events and tenants the orders service takes on."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from contracts import Envelope
from orders.subscribers import OrderEvents, order_version
from plumbing.errors import PermanentError


def _unused(*_: Any) -> Any:
    raise AssertionError("must not be reached")


def events(unknown: Any = "dead_letter") -> OrderEvents:
    return OrderEvents(
        pool=_unused,
        tenants=lambda slug: None,
        erp_for=_unused,
        shopify_for=_unused,
        store=_unused,  # type: ignore[arg-type]
        aftersale=_unused,  # type: ignore[arg-type]
        unknown_tenants=unknown,
    )


def envelope(type_: str = "orders/create") -> Envelope:
    return Envelope.new(
        id="w1", type=type_, source="shopify", tenant="ghost", entity_id=1, payload={"id": 1}
    )


async def test_an_unknown_tenant_goes_to_the_dlq_saying_how_to_fix_it() -> None:
    with pytest.raises(PermanentError) as caught:
        await events().handle(envelope())
    assert caught.value.reason == "tenant_not_configured"
    assert "add a [tenants.ghost.orders] policy" in str(caught.value)


async def test_a_deployment_serving_some_tenants_ignores_the_others() -> None:
    assert await events("ignore").handle(envelope()) == "not_ours"
    assert await events("ignore").handle_document(envelope("shipment.created")) == "not_ours"


async def test_events_without_a_handler_are_ignored_not_refused() -> None:
    assert await events().handle(envelope("fulfillments/create")) == "ignored"
    assert await events().handle_document(envelope("document.cancelled")) == "ignored"


def test_order_version_reads_updated_at() -> None:
    assert order_version({"updated_at": "2026-11-23T10:00:00-06:00"}) == datetime(
        2026, 11, 23, 16, 0, tzinfo=UTC
    )
    assert order_version({"updated_at": "2026-11-23T10:00:00"}) == datetime(
        2026, 11, 23, 10, 0, tzinfo=UTC
    )
    assert order_version({"updated_at": "soon"}) is None
    assert order_version({}) is None

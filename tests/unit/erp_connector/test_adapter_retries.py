"""Transient failures are retried (bounded), with the same idempotency key each time."""

from __future__ import annotations

from email.utils import formatdate

import httpx
import pytest
from erp_connector import ErpUnavailable, RetryPolicy
from erp_connector.models.stock import MovementIn

from tests.unit.erp_connector.fakes import (
    ANSWERS,
    DOCUMENT_IN,
    ScriptedErp,
    make_erp,
    problem,
)


def _ok(operation_id: str, status: int = 200) -> httpx.Response:
    return httpx.Response(status, json=ANSWERS[operation_id])


async def test_a_503_is_retried_then_succeeds() -> None:
    erp_api = ScriptedErp([problem(503, "Service Unavailable"), _ok("listWarehouses")])
    erp, clock = make_erp(erp_api)
    warehouses = await erp.warehouses()
    assert [w.code for w in warehouses] == ["W1"]
    assert len(erp_api.requests) == 2
    assert len(clock.sleeps) == 1


@pytest.mark.parametrize("status", [500, 502, 504, 429])
async def test_other_transient_statuses_are_retried(status: int) -> None:
    erp_api = ScriptedErp([httpx.Response(status, text="busy"), _ok("listTaxes")])
    erp, _ = make_erp(erp_api)
    assert [t.code for t in await erp.taxes()] == ["IVA16"]
    assert len(erp_api.requests) == 2


async def test_a_timeout_is_retried_then_succeeds() -> None:
    erp_api = ScriptedErp([httpx.ReadTimeout("slow"), _ok("getCustomer")])
    erp, _ = make_erp(erp_api)
    customer = await erp.customer("C1")
    assert customer is not None
    assert customer.email == "ana@example.com"
    assert len(erp_api.requests) == 2


async def test_a_network_error_is_retried_then_succeeds() -> None:
    erp_api = ScriptedErp([httpx.ConnectError("refused"), _ok("listCurrencies")])
    erp, _ = make_erp(erp_api)
    assert [c.code for c in await erp.currencies()] == ["MXN"]


async def test_gives_up_after_the_attempt_bound_with_erp_unavailable() -> None:
    erp_api = ScriptedErp([problem(503, "Service Unavailable")])
    erp, clock = make_erp(erp_api, retry=RetryPolicy(max_attempts=3, max_total_s=60))
    with pytest.raises(ErpUnavailable) as caught:
        await erp.warehouses()
    assert len(erp_api.requests) == 3
    assert len(clock.sleeps) == 2
    assert caught.value.transient
    assert caught.value.attempts == 3
    assert "503" in caught.value.reason
    assert "listWarehouses" in str(caught.value)


async def test_gives_up_when_the_time_budget_is_spent() -> None:
    erp_api = ScriptedErp([httpx.ReadTimeout("slow")])
    policy = RetryPolicy(max_attempts=100, base_delay_s=1, max_delay_s=1, max_total_s=10)
    erp, clock = make_erp(erp_api, retry=policy)
    with pytest.raises(ErpUnavailable, match="timeout"):
        await erp.taxes()
    assert sum(clock.sleeps) <= 10
    assert len(erp_api.requests) < 100


async def test_retry_after_on_429_is_honoured() -> None:
    limited = httpx.Response(429, headers={"Retry-After": "7"}, text="slow down")
    erp_api = ScriptedErp([limited, _ok("listPaymentMethods")])
    erp, clock = make_erp(erp_api)
    assert [m.code for m in await erp.payment_methods()] == ["CARD"]
    assert clock.sleeps == [7.0]


async def test_retry_after_as_an_http_date_is_honoured() -> None:
    erp_api = ScriptedErp([])
    erp, clock = make_erp(erp_api)
    date = formatdate(1_760_000_000, usegmt=True)
    retry_at = httpx.Response(429, headers={"Retry-After": date})
    erp_api.answers = [retry_at, _ok("listTaxes")]
    clock.wall = 1_760_000_000.0 - clock.now - 20  # 20 s before that date
    await erp.taxes()
    assert clock.sleeps == [20.0]


async def test_a_retry_after_beyond_the_budget_gives_up_at_once() -> None:
    erp_api = ScriptedErp([httpx.Response(429, headers={"Retry-After": "3600"})])
    erp, clock = make_erp(erp_api)
    with pytest.raises(ErpUnavailable, match="429"):
        await erp.taxes()
    assert clock.sleeps == []
    assert len(erp_api.requests) == 1


async def test_every_retry_of_a_create_carries_the_same_idempotency_key() -> None:
    erp_api = ScriptedErp([
        problem(503, "Service Unavailable"), httpx.ReadTimeout("slow"),
        _ok("createSalesDocument", 201),
    ])  # fmt: skip
    erp, _ = make_erp(erp_api)
    document = await erp.create_sales_document(DOCUMENT_IN, idempotency_key="order-1001-v1")
    assert document.number == "F-1"
    keys = [r.headers.get("Idempotency-Key") for r in erp_api.requests]
    assert keys == ["order-1001-v1"] * 3
    assert len({r.content for r in erp_api.requests}) == 1


async def test_a_replayed_create_answering_200_is_the_same_document() -> None:
    erp_api = ScriptedErp([_ok("createMovement", 200)])
    erp, _ = make_erp(erp_api)
    movement = MovementIn(type="free_entry", sku="SKU-1", warehouse="W1", quantity=5)
    recorded = await erp.record_movement(movement, idempotency_key="m-1")
    assert recorded.id == 7


async def test_an_empty_idempotency_key_is_refused_before_sending() -> None:
    erp_api = ScriptedErp([_ok("createSalesDocument", 201)])
    erp, _ = make_erp(erp_api)
    with pytest.raises(ValueError, match="idempotency key"):
        await erp.create_sales_document(DOCUMENT_IN, idempotency_key="")
    assert erp_api.requests == []

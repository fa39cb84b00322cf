"""Permanent refusals become typed errors at once; the API key never leaks."""

from __future__ import annotations

import httpx
import pytest
from erp_connector import (
    ErpAuthError,
    ErpConflict,
    ErpNotFound,
    ErpPermanentError,
    ErpProtocolError,
    ErpUnavailable,
    ErpValidationError,
)
from structlog.testing import capture_logs

from tests.unit.erp_connector.fakes import (
    ANSWERS,
    API_KEY,
    DOCUMENT_IN,
    PRODUCT_IN,
    ScriptedErp,
    make_erp,
    problem,
)


async def test_a_422_names_the_field_and_is_not_retried() -> None:
    refused = problem(422, "Invalid sales document", fields={"lines[0].sku": "unknown SKU"})
    erp_api = ScriptedErp([refused])
    erp, clock = make_erp(erp_api)
    with pytest.raises(ErpValidationError) as caught:
        await erp.create_sales_document(DOCUMENT_IN, idempotency_key="order-1")
    assert caught.value.fields == [("lines[0].sku", "unknown SKU")]
    assert "lines[0].sku" in str(caught.value)
    assert "unknown SKU" in str(caught.value)
    assert not caught.value.transient
    assert len(erp_api.requests) == 1
    assert clock.sleeps == []


async def test_a_409_is_a_conflict() -> None:
    erp_api = ScriptedErp([problem(409, "Version mismatch")])
    erp, _ = make_erp(erp_api)
    with pytest.raises(ErpConflict, match="Version mismatch"):
        await erp.update_product(PRODUCT_IN, expected_version=2)
    assert erp_api.requests[0].headers["If-Match"] == "2"
    assert len(erp_api.requests) == 1


@pytest.mark.parametrize("status", [401, 403])
async def test_auth_failures_are_permanent(status: int) -> None:
    erp_api = ScriptedErp([problem(status, "Bad key")])
    erp, _ = make_erp(erp_api)
    with pytest.raises(ErpAuthError) as caught:
        await erp.taxes()
    assert caught.value.status == status
    assert len(erp_api.requests) == 1


async def test_a_404_on_a_lookup_is_none_and_elsewhere_an_error() -> None:
    erp_api = ScriptedErp([problem(404, "Not Found")])
    erp, _ = make_erp(erp_api)
    assert await erp.product_by_sku("NOPE") is None
    assert await erp.sales_document("D404") is None
    assert await erp.shipment("S404") is None
    assert await erp.customer("C404") is None
    with pytest.raises(ErpNotFound):
        await erp.cancel_sales_document("D404", reason="customer", idempotency_key="c-1")


async def test_a_non_problem_error_body_still_says_what_happened() -> None:
    html = httpx.Response(400, text="<html><body>Bad Request: header too large</body></html>")
    erp, _ = make_erp(ScriptedErp([html]))
    with pytest.raises(ErpPermanentError) as caught:
        await erp.warehouses()
    assert caught.value.status == 400
    assert "header too large" in str(caught.value)

    json_error = httpx.Response(418, json={"message": "teapot says no"})
    erp, _ = make_erp(ScriptedErp([json_error]))
    with pytest.raises(ErpPermanentError, match="teapot says no"):
        await erp.warehouses()


async def test_an_answer_that_breaks_the_contract_is_a_protocol_error() -> None:
    erp, _ = make_erp(ScriptedErp([httpx.Response(200, json={"unexpected": True})]))
    with pytest.raises(ErpProtocolError, match="getShipment"):
        await erp.shipment("S1")


async def test_a_query_the_contract_refuses_is_a_validation_error_before_sending() -> None:
    erp_api = ScriptedErp([httpx.Response(200, json=ANSWERS["listProducts"])])
    erp, _ = make_erp(erp_api)
    with pytest.raises(ErpValidationError, match="limit"):
        await erp.changed_products(None, limit=10_000)
    assert erp_api.requests == []


async def test_every_request_carries_the_bearer_key() -> None:
    erp_api = ScriptedErp([httpx.Response(200, json=ANSWERS["listTaxes"])])
    erp, _ = make_erp(erp_api)
    await erp.taxes()
    assert erp_api.requests[0].headers["Authorization"] == f"Bearer {API_KEY}"


async def test_the_key_and_bodies_never_appear_in_logs_errors_or_repr() -> None:
    erp_api = ScriptedErp([
        problem(503, "Service Unavailable"), httpx.ReadTimeout("slow"),
        problem(422, "Invalid", fields={"lines[0].sku": "unknown SKU"}),
    ])  # fmt: skip
    erp, _ = make_erp(erp_api)
    with capture_logs() as logs, pytest.raises(ErpValidationError) as caught:
        await erp.create_sales_document(DOCUMENT_IN, idempotency_key="order-1")
    assert len(logs) == 3  # two retries and the refusal
    assert {entry["operation"] for entry in logs} == {"createSalesDocument"}
    assert [entry.get("status") for entry in logs] == [503, None, 422]
    everything = repr(logs) + str(caught.value) + repr(erp) + repr(erp._transport)
    assert API_KEY not in everything
    assert "Bearer" not in everything
    assert "199.00" not in everything  # a body value
    assert "1001" not in everything  # the Shopify order id in the body


async def test_unavailable_is_logged_with_operation_status_and_reason() -> None:
    erp, _ = make_erp(ScriptedErp([httpx.Response(502, text="bad gateway")]))
    with capture_logs() as logs, pytest.raises(ErpUnavailable):
        await erp.taxes()
    final = logs[-1]
    assert final["event"] == "erp.call.unavailable"
    assert final["operation"] == "listTaxes"
    assert final["status"] == 502
    assert final["reason"] == "HTTP 502"
    assert final["log_level"] == "warning"


async def test_a_problem_with_a_type_we_do_not_know_keeps_its_field_errors() -> None:
    body = {
        "type": "https://erp.example/problems/bad-line",
        "title": "Bad line",
        "status": 422,
        "errors": [{"field": "lines[1].tax_code", "reason": "no such tax"}],
    }
    erp, _ = make_erp(ScriptedErp([httpx.Response(422, json=body)]))
    with pytest.raises(ErpValidationError) as caught:
        await erp.create_sales_document(DOCUMENT_IN, idempotency_key="order-1")
    assert caught.value.fields == [("lines[1].tax_code", "no such tax")]

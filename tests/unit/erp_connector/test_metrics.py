from __future__ import annotations

import httpx
import pytest
from erp_connector import ErpMetrics, ErpValidationError, HttpErp, RetryPolicy
from prometheus_client import CollectorRegistry

from tests.unit.erp_connector.fakes import (
    ANSWERS,
    API_KEY,
    BASE_URL,
    FakeClock,
    ScriptedErp,
    problem,
)


async def test_calls_are_counted_by_operation_and_outcome() -> None:
    registry = CollectorRegistry()
    erp_api = ScriptedErp([
        problem(503, "Service Unavailable"), httpx.Response(200, json=ANSWERS["listTaxes"]),
        problem(422, "Invalid", fields={"email": "not an e-mail"}),
    ])  # fmt: skip
    erp = HttpErp(
        BASE_URL, API_KEY, http=httpx.AsyncClient(transport=httpx.MockTransport(erp_api)),
        retry=RetryPolicy(), clock=FakeClock(), metrics=ErpMetrics.create(registry),
    )  # fmt: skip
    await erp.taxes()
    with pytest.raises(ErpValidationError):
        await erp.match_customer(email="ana@example.com", phone=None)

    def count(operation: str, outcome: str) -> float | None:
        labels = {"operation": operation, "outcome": outcome}
        return registry.get_sample_value("erp_client_calls_total", labels)

    assert count("listTaxes", "retried") == 1
    assert count("listTaxes", "ok") == 1
    assert count("matchCustomer", "validation") == 1

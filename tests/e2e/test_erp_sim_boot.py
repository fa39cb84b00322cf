"""``python -m erp_sim`` as a real process on its own database, driven through the
platform's adapter (``erp_connector.HttpErp``): the contract holds end to end, retries
ride out injected 503s, a bad document is a permanent error naming the field, and
SIGTERM stops it cleanly without the API key ever reaching its log."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from erp_connector import ErpUnavailable, ErpValidationError, HttpErp, RetryPolicy
from erp_connector.models.documents import LineIn, SalesDocumentIn

from tests.e2e.processes import free_port, stop, tail, until_up

DEMO_KEY = "erp_demo_api_key"
FAST = RetryPolicy(max_attempts=8, base_delay_s=0.01, max_delay_s=0.05, max_total_s=5)


def _document(sku: str, order_id: str) -> SalesDocumentIn:
    return SalesDocumentIn.model_validate(
        {
            "type": "remission",
            "currency": "MXN",
            "payment_method": "CASH",
            "lines": [LineIn(sku=sku, quantity=2, unit_price=Decimal("100.00"), tax_code="IVA16")],
            "external_refs": {"shopify_order_id": order_id, "shopify_order_name": "#1001"},
        }
    )


async def test_reference_erp_process_through_the_adapter(fresh_db: str, tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "erp_sim.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(  # noqa: ASYNC220 - a real process, watched below
            [sys.executable, "-m", "erp_sim", "--port", str(port), "--database-url", fresh_db,
             "--demo", "--no-deliver", "--seed", "7"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        async with httpx.AsyncClient(base_url=base, timeout=5) as operator:
            await until_up(operator, proc, log_path, within_s=60)
            async with HttpErp(base, DEMO_KEY, retry=FAST) as erp:
                warehouses = {w.code: w.is_shopify for w in await erp.warehouses()}
                assert warehouses["SHOPIFY"] is True
                [level] = await erp.stock(sku=(sku := await _a_sku(erp)), warehouse="SHOPIFY")

                first = await erp.create_sales_document(
                    _document(sku, "820982911946154508"), idempotency_key="order-820982911946154508"
                )
                again = await erp.create_sales_document(
                    _document(sku, "820982911946154508"), idempotency_key="order-820982911946154508"
                )
                assert again.id == first.id
                assert [d.id for d in await erp.documents_for_order("820982911946154508")] == [
                    first.id
                ]
                [after] = await erp.stock(sku=sku, warehouse="SHOPIFY")
                assert after.on_hand == level.on_hand - 2  # one document, one exit

                with pytest.raises(ErpValidationError) as bad:
                    await erp.create_sales_document(
                        _document("NO-SUCH-SKU", "1"), idempotency_key="order-1"
                    )
                assert "lines[0].sku" in str(bad.value)

                # Half the calls answer 503: the adapter's retries ride them out.
                faults = await operator.put("/_erp/faults", json={"error_rate": 0.5, "seed": 3})
                assert faults.status_code == 200, faults.text
                for _ in range(5):
                    assert (await erp.sales_document(first.id)) is not None
                # Every call answers 503: bounded retries, then a transient error.
                await operator.put("/_erp/faults", json={"error_rate": 1.0})
                with pytest.raises(ErpUnavailable):
                    await erp.taxes()
                await operator.put("/_erp/faults", json={})
    finally:
        code = stop(proc)
    output = tail(log_path, 200_000)
    assert code in (0, -15), output[-2000:]
    assert "Application shutdown complete." in output
    assert DEMO_KEY not in output.replace(f"API key {DEMO_KEY}", "")  # the published demo key, once


async def _a_sku(erp: HttpErp) -> str:
    page = await erp.changed_products(None, limit=1)
    return page.items[0].variants[0].sku

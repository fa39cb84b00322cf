"""Refused, never guessed; fixed, then replayed once.

Four orders the tenant's configuration cannot document (a tax rate with no ERP tax, an
untaxed line with no exempt tax, a currency the ERP does not keep for the tenant, a SKU
the ERP does not have) land in the DLQ with
a reason a support person can act on. After the tenants file is fixed (the service
re-reads it) and the product is created in the ERP, ``syncctl dlq replay`` creates their
documents, once: a second replay changes nothing.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import httpx
import pytest
from erp_connector.models.catalog import PriceIn, ProductIn, VariantIn

from tests.e2e.conftest import StackFactory
from tests.e2e.orders_scenario import (
    assert_exactly_once,
    dlq_entries,
    existing_orders,
    linked,
    stock_up,
    syncctl,
)
from tests.e2e.stack import DEMO_POLICY, ERP_KEY, Stack

pytestmark = pytest.mark.timeout(300)

STRICT_POLICY = {
    **{k: v for k, v in DEMO_POLICY.items() if k != "exempt_tax_code"},
    # IVA is mapped by its title; a 16 % tax under another title is not, and there is
    # no exempt_tax_code, so untaxed lines are refused too.
    "tax_codes": {"0.16|IVA": "IVA16"},
}
FIXED_POLICY = {
    **STRICT_POLICY,
    "tax_codes": {"0.16|IVA": "IVA16", "0.16": "IVA16"},
    "exempt_tax_code": "IVA0",
    "other_currencies": ["MXN"],
}
NEW_SKU = "TOTE-BLUE"


@pytest.fixture
async def stack(make_stack: StackFactory) -> Stack:
    return await make_stack(policy=dict(STRICT_POLICY))


async def rename_sku_in_shopify(stack: Stack, old: str, new: str) -> None:
    """The merchant renames a variant's SKU in Shopify and not in the ERP."""
    state = await stack.sim("GET", "/state")
    for product in state["products"]:
        for variant in product["variants"]:
            if variant["sku"] == old:
                body = {"variants": [{"id": variant["id"], "sku": new}]}
                await stack.sim("PATCH", f"/products/{product['id']}", body)
                return
    raise AssertionError(f"no variant with SKU {old} in the emulator")


async def create_in_erp(stack: Stack, sku: str) -> None:
    product = ProductIn(
        code=sku,
        title="Canvas Tote Bag, blue",
        description="",
        variants=[
            VariantIn(
                sku=sku,
                barcode=None,
                attributes={},
                prices=[
                    PriceIn(
                        price_list="PUBLIC",
                        amount=Decimal("329.00"),
                        currency="MXN",
                        tax_code="IVA16",
                    )
                ],
            )
        ],
    )
    # Plain HTTP, as the merchant's back office would: the adapter's module logger, once
    # used in this process, would stay cached past other tests' log captures.
    async with httpx.AsyncClient(timeout=10) as client:
        answer = await client.post(
            f"{stack.url('erp_sim')}/v1/products",
            json=product.model_dump(mode="json"),
            headers={"Authorization": f"Bearer {ERP_KEY}", "Idempotency-Key": f"e2e-{sku}"},
        )
    assert answer.status_code == 201, answer.text


def entries_by_order(entries: list[dict[str, Any]]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for entry in entries:
        order_id = str(entry["key"]).split(":", 1)[1]
        found.setdefault(order_id, set()).add(str(entry["error_reason"]))
    return found


async def test_refused_orders_wait_in_the_dlq_and_replay_once_fixed(stack: Stack) -> None:
    await stock_up(stack)
    before = await existing_orders(stack)
    await rename_sku_in_shopify(stack, "TOTE-1", NEW_SKU)
    base = {"customer": {"email": "ana.garcia@example.com"}}
    zero_tax = await stack.place_order(
        {
            **base,
            "lines": [{"sku": "TEE-S", "quantity": 1}],
            "tax": {"rate": "0", "title": "Exento"},
        }
    )
    pesos = await stack.place_order(
        {
            **base,
            "lines": [{"sku": "TEE-M", "quantity": 2}],
            "currency": "MXN",
            "tax": {"rate": "0.16", "title": "IVA"},
        }
    )
    unknown = await stack.place_order(
        {
            **base,
            "lines": [{"sku": NEW_SKU, "quantity": 1}],
            "tax": {"rate": "0.16", "title": "IVA"},
        }
    )
    sales_tax = await stack.place_order(
        {
            **base,
            "lines": [{"sku": "TEE-L", "quantity": 1}],
            "tax": {"rate": "0.16", "title": "Sales tax"},
        }
    )
    ids = [str(o["id"]) for o in (zero_tax, pesos, unknown, sales_tax)]

    async def all_refused() -> bool:
        return len(entries_by_order(dlq_entries(stack.kafka, stack.tenant))) == 4

    await stack.wait_for("four orders in the DLQ", all_refused, within_s=60)
    entries = dlq_entries(stack.kafka, stack.tenant)
    reasons = entries_by_order(entries)
    assert reasons == {
        ids[0]: {"unmapped_tax_rate"},  # untaxed, and no exempt code
        ids[1]: {"currency_mismatch"},
        ids[2]: {"unknown_sku"},
        ids[3]: {"unmapped_tax_rate"},
    }
    messages = {str(e["key"]).split(":", 1)[1]: str(e["error_message"]) for e in entries}
    assert "(Organic Cotton Tee - S, SKU 'TEE-S') carries no tax" in messages[ids[0]]
    assert "set exempt_tax_code in the tenant's orders policy" in messages[ids[0]]
    assert "the order is in MXN but the tenant's ERP currency is USD" in messages[ids[1]]
    assert f"the ERP has no product with SKU '{NEW_SKU}'" in messages[ids[2]]
    assert "no ERP tax code for the tax rate 0.16 on line 1" in messages[ids[3]]
    assert "map '0.16' in the tenant's orders policy (tax_codes)" in messages[ids[3]]
    assert await linked(stack, ids) == 0

    stack.write_tenants(FIXED_POLICY)
    await create_in_erp(stack, NEW_SKU)
    await asyncio.sleep(1.5)  # the service looks at the file at most once a second

    replay = syncctl(
        stack.kafka, "dlq", "replay", "--topic", "shopify.orders.v1", "--tenant", stack.tenant
    )
    assert replay.returncode == 0, replay.stderr

    async def all_documented() -> bool:
        return await linked(stack, ids) == 4

    await stack.wait_for("the replayed orders documented", all_documented, within_s=60)
    again = syncctl(
        stack.kafka, "dlq", "replay", "--topic", "shopify.orders.v1", "--tenant", stack.tenant
    )
    assert again.returncode == 0, again.stderr
    await asyncio.sleep(3)  # time for the second replay to be consumed (as duplicates)
    await assert_exactly_once(stack, ids, ignore=before)
    documents = {str(r["shopify_order_id"]): r for r in await stack.erp_documents()}
    assert documents[ids[1]]["currency"] == "MXN"
    assert len(dlq_entries(stack.kafka, stack.tenant)) == len(entries)  # nothing new refused

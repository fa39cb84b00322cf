"""After a sale, through the whole stack (emulator -> gateway -> Kafka -> orders ->
reference ERP and back): a cancellation cancels the ERP document and releases its stock,
a refund becomes a credit note (restocked or not, shipping included), an ERP shipment
becomes one Shopify fulfillment with its tracking even when the ERP delivers the event
twice, and a cancellation of goods the ERP already shipped waits for a person.

One stack for all of it (a start costs seconds); each part uses its own SKUs and orders,
so the stock it checks is its own.
"""

from __future__ import annotations

import json
import signal
import uuid
from decimal import Decimal
from typing import Any

import asyncpg
import httpx
import pytest

from tests.e2e.orders_scenario import dlq_entries, stock_up
from tests.e2e.stack import ERP_COMPANY, Stack

pytestmark = pytest.mark.timeout(300)

WAREHOUSE = "SHOPIFY"  # the demo company's Shopify warehouse
TAX = {"rate": "0.16", "title": "IVA"}


# -- what the test looks at -----------------------------------------------------------


async def place(stack: Stack, lines: dict[str, int], *, shipping: str | None = None) -> str:
    spec: dict[str, Any] = {
        "lines": [{"sku": sku, "quantity": q} for sku, q in lines.items()],
        "tax": TAX,
        "customer": {"email": "ana.garcia@example.com"},
    }
    if shipping is not None:
        spec["shipping"] = {"title": "Standard", "price": shipping}
    return str((await stack.place_order(spec))["id"])


async def document(stack: Stack, order_id: str) -> asyncpg.Record:
    """Waits for the order's ERP document; the one and only."""

    async def linked() -> bool:
        return order_id in await stack.links()

    await stack.wait_for(f"order {order_id} documented", linked, within_s=30)
    rows = await stack.erp_rows(
        "SELECT id, number, status FROM sales_documents "
        "WHERE company_id = $1 AND shopify_order_id = $2",
        ERP_COMPANY,
        order_id,
    )
    assert len(rows) == 1, f"order {order_id}: {len(rows)} ERP documents"
    assert rows[0]["id"] == (await stack.links())[order_id]
    return rows[0]


async def status(stack: Stack, document_id: str) -> str:
    (row,) = await stack.erp_rows(
        "SELECT status FROM sales_documents WHERE company_id = $1 AND id = $2",
        ERP_COMPANY,
        document_id,
    )
    return str(row["status"])


async def level(stack: Stack, sku: str) -> tuple[int, int]:
    """(on hand, reserved) of ``sku`` in the Shopify warehouse."""
    rows = await stack.erp_rows(
        "SELECT on_hand, reserved FROM stock_levels "
        "WHERE company_id = $1 AND sku = $2 AND warehouse = $3",
        ERP_COMPANY,
        sku,
        WAREHOUSE,
    )
    return (int(rows[0]["on_hand"]), int(rows[0]["reserved"])) if rows else (0, 0)


async def credit_notes(stack: Stack, document_id: str) -> list[dict[str, Any]]:
    rows = await stack.erp_rows(
        "SELECT lines, shipping, restock, totals FROM credit_notes "
        "WHERE company_id = $1 AND document_id = $2 ORDER BY created_at",
        ERP_COMPANY,
        document_id,
    )
    return [{k: _json(row[k]) for k in ("lines", "shipping", "restock", "totals")} for row in rows]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def shopify_order(stack: Stack, order_id: str) -> dict[str, Any]:
    order: dict[str, Any] = (await stack.sim("GET", f"/orders/{order_id}"))["order"]
    return order


async def attention(stack: Stack, order_id: str) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(stack.orders_db)
    try:
        return await conn.fetch(
            "SELECT kind, reason FROM order_attention WHERE tenant = $1 AND shopify_order_id = $2",
            stack.tenant,
            order_id,
        )
    finally:
        await conn.close()


def handled(stack: Stack, message_type: str, key: str) -> list[str]:
    """The outcomes the orders service logged for messages of a type and key."""
    outcomes = []
    for line in stack.log_tail("orders", 10_000_000).splitlines():
        if '"message.handled"' not in line:
            continue
        record = json.loads(line)
        if (
            record.get("tenant") == stack.tenant
            and record.get("message_type") == message_type
            and str(record.get("key")).endswith(f":{key}")
        ):
            outcomes.append(str(record["outcome"]))
    return outcomes


async def until_handled(stack: Stack, message_type: str, key: str, count: int = 1) -> None:
    async def done() -> bool:
        return len(handled(stack, message_type, key)) >= count

    await stack.wait_for(f"{message_type} of {key} handled {count}x", done, within_s=30)


def money(value: Any) -> Decimal:
    return Decimal(str(value))


# -- the merchant's story -------------------------------------------------------------


async def cancel_releases_the_document(stack: Stack) -> None:
    """Cancelled in Shopify -> the document is cancelled, its reservation released."""
    sku = "TEE-S"
    before = await level(stack, sku)
    order_id = await place(stack, {sku: 2})
    doc = await document(stack, order_id)
    assert await level(stack, sku) == (before[0], before[1] + 2)  # the order holds two

    await stack.sim("POST", f"/orders/{order_id}/cancel", {"reason": "customer"})

    async def cancelled() -> bool:
        return await status(stack, doc["id"]) == "cancelled"

    await stack.wait_for("the ERP document cancelled", cancelled, within_s=30)
    await until_handled(stack, "refunds/create", order_id)  # the cancel's refund: no credit
    assert await level(stack, sku) == before
    await document(stack, order_id)  # still exactly one
    assert await credit_notes(stack, doc["id"]) == []
    assert await attention(stack, order_id) == []


async def refund_with_restock(stack: Stack) -> None:
    """One line's units refunded with restock -> a credit note for them, and the units
    the order held are free again in the Shopify warehouse."""
    sku = "TEE-M"
    order_id = await place(stack, {sku: 2, "TOTE-1": 1}, shipping="5.00")
    doc = await document(stack, order_id)
    before = await level(stack, sku)

    refund = (
        await stack.sim(
            "POST",
            f"/orders/{order_id}/refunds",
            {"lines": [{"sku": sku, "quantity": 1}], "restock": True},
        )
    )["refund"]

    async def credited() -> bool:
        return len(await credit_notes(stack, doc["id"])) > 0

    await stack.wait_for("a credit note for the refund", credited, within_s=30)
    (note,) = await credit_notes(stack, doc["id"])
    (line,) = refund["refund_line_items"]
    assert note["restock"] is True
    assert [(x["sku"], x["quantity"]) for x in note["lines"]] == [(sku, 1)]
    assert note["shipping"] is None
    assert money(note["totals"]["subtotal"]) == money(line["subtotal"])
    assert money(note["totals"]["total"]) == sum(money(t["amount"]) for t in refund["transactions"])
    on_hand, reserved = await level(stack, sku)
    assert (on_hand, reserved) == (before[0], before[1] - 1)  # available +1, nothing left
    assert await status(stack, doc["id"]) == "open"


async def refund_without_restock_and_shipping(stack: Stack) -> None:
    """A unit and the shipping refunded without restock -> one credit note with both;
    the ERP's stock does not move."""
    sku = "TEE-L"
    order_id = await place(stack, {sku: 2}, shipping="5.00")
    doc = await document(stack, order_id)
    before = await level(stack, sku)

    refund = (
        await stack.sim(
            "POST",
            f"/orders/{order_id}/refunds",
            {
                "lines": [{"sku": sku, "quantity": 1}],
                "restock": False,
                "shipping": {"full_refund": True},
            },
        )
    )["refund"]

    async def credited() -> bool:
        return len(await credit_notes(stack, doc["id"])) > 0

    await stack.wait_for("a credit note for the refund", credited, within_s=30)
    (note,) = await credit_notes(stack, doc["id"])
    assert note["restock"] is False
    assert [(x["sku"], x["quantity"]) for x in note["lines"]] == [(sku, 1)]
    assert money(note["shipping"]["unit_price"]) == Decimal("5.00")
    assert money(note["totals"]["total"]) == sum(money(t["amount"]) for t in refund["transactions"])
    assert await level(stack, sku) == before


async def shipment_becomes_one_fulfillment(stack: Stack) -> None:
    """Shipped in the ERP -> fulfilled in Shopify with the tracking, once, although the
    ERP sends the event again (same id after a lost acknowledgement, and a copy under a
    new id)."""
    order_id = await place(stack, {"TEE-S": 1, "TOTE-1": 2}, shipping="5.00")
    doc = await document(stack, order_id)
    tracking = {
        "carrier": "DHL",
        "tracking_number": "JD014600003MX",
        "tracking_url": "https://www.dhl.com/track?id=JD014600003MX",
        "lines": [],
    }
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(
            f"{stack.url('erp_sim')}/_erp/{ERP_COMPANY}/documents/{doc['id']}/ship", json=tracking
        )
    assert response.status_code == 201, response.text

    async def fulfilled() -> bool:
        return bool((await shopify_order(stack, order_id))["fulfillments"])

    await stack.wait_for("a Shopify fulfillment", fulfilled, within_s=30)
    await redeliver_shipment_event(stack, doc["id"])

    order = await shopify_order(stack, order_id)
    (fulfillment,) = order["fulfillments"]
    assert fulfillment["tracking_company"] == "DHL"
    assert fulfillment["tracking_number"] == "JD014600003MX"
    assert fulfillment["tracking_url"] == tracking["tracking_url"]
    assert sorted((x["sku"], x["quantity"]) for x in fulfillment["line_items"]) == [
        ("TEE-S", 1),
        ("TOTE-1", 2),
    ]
    assert order["fulfillment_status"] == "fulfilled"
    assert await status(stack, doc["id"]) == "shipped"


async def redeliver_shipment_event(stack: Stack, document_id: str) -> None:
    """The ERP's at-least-once delivery, made to happen: its outbox row marked
    undelivered again (a lost acknowledgement), then a copy with a new event id."""
    (row,) = await stack.erp_rows(
        "SELECT id, event_id, body FROM outbox WHERE company_id = $1 "
        "AND event_type = 'shipment.created' AND body->'data'->>'document_id' = $2",
        ERP_COMPANY,
        document_id,
    )
    await stack.erp_rows(
        "UPDATE outbox SET delivered_at = NULL, next_attempt_at = now() WHERE id = $1", row["id"]
    )
    copy = dict(_json(row["body"]), id=str(uuid.uuid4()))
    await stack.erp_rows(
        "INSERT INTO outbox (company_id, entity_key, event_id, event_type, body) "
        "SELECT company_id, entity_key, $2, event_type, $3 FROM outbox WHERE id = $1",
        row["id"],
        uuid.UUID(copy["id"]),
        json.dumps(copy),
    )

    async def delivered() -> bool:
        pending = await stack.erp_rows(
            "SELECT count(*) AS n FROM outbox WHERE company_id = $1 AND delivered_at IS NULL",
            ERP_COMPANY,
        )
        return int(pending[0]["n"]) == 0

    await stack.wait_for("the ERP's redelivery", delivered, within_s=30)
    key = str(_json(row["body"])["data"]["document_id"])
    outcomes: list[str] = []

    async def both_seen() -> bool:
        outcomes[:] = handled(stack, "shipment.created", key)
        return len(outcomes) >= 3

    await stack.wait_for("the copy handled", both_seen, within_s=30)
    # The same event id stops at the inbox; the copy at the recorded shipment id.
    assert sorted(outcomes) == ["already_applied", "applied", "duplicate"], outcomes


async def cancel_after_erp_shipment_needs_attention(stack: Stack) -> None:
    """The ERP shipped while Shopify cancelled (the orders service paused between the
    two, so neither saw the other): the document stays shipped, the cancel's refund is
    credited without booking the shipped unit back into stock, and a person is asked."""
    sku = "TEE-L"
    order_id = await place(stack, {sku: 1})
    doc = await document(stack, order_id)
    before = await level(stack, sku)
    orders = stack.procs["orders"].popen
    assert orders is not None
    orders.send_signal(signal.SIGSTOP)
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            response = await client.post(
                f"{stack.url('erp_sim')}/_erp/{ERP_COMPANY}/documents/{doc['id']}/ship",
                json={"carrier": "FedEx", "tracking_number": "794600000000", "lines": []},
            )
        assert response.status_code == 201, response.text
        await stack.sim("POST", f"/orders/{order_id}/cancel", {"reason": "customer"})
    finally:
        orders.send_signal(signal.SIGCONT)

    async def flagged() -> bool:
        return len(await attention(stack, order_id)) == 2

    await stack.wait_for("the cancel and its refund recorded for a person", flagged, within_s=30)
    await until_handled(stack, "shipment.created", doc["id"])
    reasons = sorted(
        (r["kind"].split(":")[0], r["reason"]) for r in await attention(stack, order_id)
    )
    assert reasons == [("cancel", "shipped"), ("refund", "restock_of_shipped")]
    assert await status(stack, doc["id"]) == "shipped"
    (note,) = await credit_notes(stack, doc["id"])  # the customer got the money back
    assert note["restock"] is False
    assert await level(stack, sku) == (before[0] - 1, before[1] - 1)  # it left, for good


async def test_cancel_refunds_and_shipment_round_trip(stack: Stack) -> None:
    await stock_up(stack)
    await stack.chaos(duplicates=2)  # Shopify delivers at least once too
    await cancel_releases_the_document(stack)
    await refund_with_restock(stack)
    await refund_without_restock_and_shipping(stack)
    await shipment_becomes_one_fulfillment(stack)
    await cancel_after_erp_shipment_needs_attention(stack)
    assert dlq_entries(stack.kafka, stack.tenant) == []

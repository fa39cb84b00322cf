"""The after-sale handlers against the reference ERP (its app on real Postgres, reached
through the connector's HTTP adapter): what its cancel, credit notes and shipments
really answer, with the orders service's own stores in memory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, cast

import pytest
from contracts import Envelope
from erp_connector.adapter import HttpErp
from erp_connector.models.documents import LineIn, SalesDocumentIn, ShippingIn
from erp_sim.settings import DEMO_API_KEY
from orders.handlers_aftersale import handle_cancel, handle_refund, handle_shipment
from orders.ports import Connection, DocumentLink

from tests.integration.test_erp_sim_api_rig import Rig, running_sim
from tests.unit.orders.conftest import make_policy
from tests.unit.orders.fakes import FakeOrderStore
from tests.unit.orders.fakes_aftersale import FakeAftersaleStore, FakeShopifyOrders
from tests.unit.orders.test_aftersale_refunds import refund_line, sim_refund
from tests.unit.orders.test_aftersale_shipments import L1, after_sale, fo, fo_line

SKU = "TSHIRT-M-BLA"
ORDER = "5923000000001"
CONN = cast(Connection, object())


class World:
    def __init__(self, rig: Rig) -> None:
        self.rig = rig
        self.erp = HttpErp("http://erp", DEMO_API_KEY, http=rig.client)
        self.store = FakeOrderStore()
        self.aftersale = FakeAftersaleStore()
        self.policy = make_policy(currency="MXN")

    async def document(self) -> str:
        made = await self.erp.create_sales_document(
            SalesDocumentIn(
                type="order",
                currency="MXN",
                payment_method="CARD",
                lines=[LineIn(sku=SKU, quantity=2, unit_price="199.00", tax_code="IVA16")],
                shipping=ShippingIn(service_sku="SRV-ENVIO", amount="99.00", tax_code="IVA16"),
            ),
            idempotency_key=f"shopsync:acme:order:{ORDER}:document",
        )
        self.store.links[("acme", ORDER)] = DocumentLink("acme", ORDER, made.id, made.number, "k")
        return made.id

    def envelope(self, payload: dict[str, Any], type: str, source: str = "shopify") -> Envelope:
        return Envelope.new(
            id=f"{type}-{len(self.aftersale.attention)}",
            type=type,
            source=source,  # type: ignore[arg-type]
            tenant="acme",
            entity_id=ORDER,
            payload=payload,
        )

    async def cancel(self) -> str:
        order = {"id": int(ORDER), "cancelled_at": "2026-11-23T10:00:00Z", "cancel_reason": "other"}
        return await handle_cancel(
            self.envelope(order, "orders/cancelled"),
            conn=CONN,
            store=self.store,
            aftersale=self.aftersale,
            erp=self.erp,
            policy=self.policy,
        )

    async def ship(self, document: str, quantity: int | None = None) -> dict[str, Any]:
        """Ship the document in the ERP (all of it, or ``quantity`` units)."""
        mark = await self.rig.last_outbox_id()
        lines = [] if quantity is None else [{"sku": SKU, "quantity": quantity}]
        shipped = await self.rig.client.post(
            f"/_erp/demo/documents/{document}/ship",
            json={"carrier": "DHL", "tracking_number": "JD014600003", "lines": lines},
        )
        assert shipped.status_code == 201, shipped.text
        (event,) = await self.rig.outbox_since(mark, "shipment.created")
        return event


@pytest.fixture
async def world(fresh_db: str) -> AsyncIterator[World]:
    async with running_sim(fresh_db) as rig:
        yield World(rig)


async def test_cancel_releases_an_open_document(world: World) -> None:
    document = await world.document()
    assert await world.rig.level(SKU, "SHOPIFY") == (10, 2)  # reserved by the order
    assert await world.cancel() == "applied"
    assert (await world.rig.client.get(f"/v1/sales-documents/{document}")).json()[
        "status"
    ] == "cancelled"
    assert await world.rig.level(SKU, "SHOPIFY") == (10, 0)


async def test_cancel_of_a_shipped_document_is_attention_and_stock_stays_out(
    world: World,
) -> None:
    document = await world.document()
    await world.ship(document)
    assert await world.rig.level(SKU, "SHOPIFY") == (8, 0)

    assert await world.cancel() == "needs_attention"

    got = (await world.rig.client.get(f"/v1/sales-documents/{document}")).json()
    assert got["status"] == "shipped"  # the reference ERP would have cancelled it
    assert await world.rig.level(SKU, "SHOPIFY") == (8, 0)
    assert [a.reason for a in world.aftersale.attention.values()] == ["shipped"]


async def test_cancel_of_a_partly_shipped_document_is_attention(world: World) -> None:
    document = await world.document()
    await world.ship(document, quantity=1)
    assert await world.cancel() == "needs_attention"
    got = (await world.rig.client.get(f"/v1/sales-documents/{document}")).json()
    assert got["status"] == "open"
    assert [a.reason for a in world.aftersale.attention.values()] == ["partially_shipped"]


async def test_cancel_after_a_credit_note_is_the_erps_409_as_attention(world: World) -> None:
    await world.document()
    refund = sim_refund(refund_line(SKU, 1, "199.00", "cancel"))
    refund["created_at"] = "2099-01-01T00:00:00Z"
    env = world.envelope(refund, "refunds/create")
    outcome = await handle_refund(
        env,
        conn=CONN,
        store=world.store,
        aftersale=world.aftersale,
        erp=world.erp,
        policy=world.policy,
    )
    assert outcome == "applied"
    assert await world.rig.level(SKU, "SHOPIFY") == (10, 1)  # one unit released

    assert await world.cancel() == "needs_attention"
    (item,) = world.aftersale.attention.values()
    assert item.reason == "erp_409"
    assert "credit notes" in item.detail


async def test_a_refund_with_shipping_becomes_the_erps_credit_note(world: World) -> None:
    document = await world.document()
    await world.ship(document)
    refund = sim_refund(refund_line(SKU, 1, "199.00", "return"), shipping="99.00")
    refund["created_at"] = "2099-01-01T00:00:00Z"
    outcome = await handle_refund(
        world.envelope(refund, "refunds/create"),
        conn=CONN,
        store=world.store,
        aftersale=world.aftersale,
        erp=world.erp,
        policy=world.policy,
    )
    assert outcome == "applied"
    assert await world.rig.level(SKU, "SHOPIFY") == (9, 0)  # the return came back
    (row,) = await world.rig.db.fetch(
        "SELECT totals->>'total' AS total, shipping->>'sku' AS shipping, restock, "
        "external_refs->>'shopify_refund_id' AS refund FROM credit_notes"
    )
    assert row["restock"] is True
    assert row["total"] == "345.68"  # (199.00 + 99.00) + 16 %
    assert row["shipping"] == "SRV-ENVIO"
    assert row["refund"] == "990000000000001"


async def test_the_erps_shipment_event_becomes_a_fulfillment(world: World) -> None:
    document = await world.document()
    event = await world.ship(document)
    node = after_sale(fo(10, L1, fo_line(101, SKU, 2), fo_line(102, "OTHER", 1)))
    shopify = FakeShopifyOrders({ORDER: node})
    env = world.envelope(event, "shipment.created", source="erp")

    outcome = await handle_shipment(
        env, conn=CONN, store=world.store, aftersale=world.aftersale, shopify=shopify
    )

    assert outcome == "applied"
    (created,) = shopify.created
    (group,) = created["lineItemsByFulfillmentOrder"]
    assert group["fulfillmentOrderLineItems"] == [
        {"id": "gid://shopify/FulfillmentOrderLineItem/101", "quantity": 2}
    ]
    assert created["trackingInfo"] == {"company": "DHL", "number": "JD014600003"}

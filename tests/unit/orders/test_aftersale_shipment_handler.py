"""ERP shipment.created -> one Shopify fulfillment, against in-memory stores and shop."""

from __future__ import annotations

from typing import Any, cast

import pytest
from contracts import Envelope
from orders.handlers_aftersale import handle_shipment
from orders.ports import Connection, DocumentLink
from plumbing.errors import PermanentError, TransientError
from shopify_client.errors import ShopifyUnavailableError, ShopifyUserError, UserError

from tests.unit.orders.fakes import FakeOrderStore
from tests.unit.orders.fakes_aftersale import FakeAftersaleStore, FakeShopifyOrders
from tests.unit.orders.test_aftersale_shipments import L1, after_sale, fo, fo_line, shipment_event

TENANT = "acme"
ORDER = "5923000000001"
CONN = cast(Connection, object())


class World:
    def __init__(self) -> None:
        self.store = FakeOrderStore()
        self.store.links[(TENANT, ORDER)] = DocumentLink(
            tenant=TENANT,
            shopify_order_id=ORDER,
            erp_document_id="D-1",
            erp_document_number="P-1",
            idempotency_key=f"shopsync:{TENANT}:order:{ORDER}:document",
        )
        self.aftersale = FakeAftersaleStore()
        self.shopify = FakeShopifyOrders(
            {
                ORDER: after_sale(
                    fo(10, L1, fo_line(101, "PLAYERA-M", 2), fo_line(102, "GORRA-01", 1))
                )
            }
        )

    async def ship(self, event: dict[str, Any], tenant: str = TENANT) -> str:
        env = Envelope.new(
            id=event["id"],
            type="shipment.created",
            source="erp",
            tenant=tenant,
            entity_id=f"document:{event['data']['document_id']}",
            payload=event,
        )
        return await handle_shipment(
            env, conn=CONN, store=self.store, aftersale=self.aftersale, shopify=self.shopify
        )


@pytest.fixture
def world() -> World:
    return World()


async def test_a_shipment_becomes_one_fulfillment_on_the_right_lines(world: World) -> None:
    assert await world.ship(shipment_event(("GORRA-01", 1), ("PLAYERA-M", 1))) == "applied"

    (created,) = world.shopify.created
    (group,) = created["lineItemsByFulfillmentOrder"]
    picks = {li["id"][-3:]: li["quantity"] for li in group["fulfillmentOrderLineItems"]}
    assert picks == {"101": 1, "102": 1}
    assert created["trackingInfo"]["number"] == "EST123"
    assert created["notifyCustomer"] is False
    record = world.aftersale.fulfillments[(TENANT, "SH-1")]
    assert (record.fulfillment_gid, record.shopify_order_id) == (
        "gid://shopify/Fulfillment/1",
        ORDER,
    )


async def test_a_redelivered_shipment_creates_nothing(world: World) -> None:
    assert await world.ship(shipment_event(("PLAYERA-M", 1))) == "applied"
    # the same shipment under a new event id (the ERP re-sent it)
    assert await world.ship(shipment_event(("PLAYERA-M", 1))) == "already_applied"
    assert len(world.shopify.created) == 1


async def test_a_document_we_did_not_make_is_skipped(world: World) -> None:
    assert await world.ship(shipment_event(("PLAYERA-M", 1), document="D-77")) == "skipped"
    assert await world.ship(shipment_event(("PLAYERA-M", 1)), tenant="globex") == "skipped"
    assert world.shopify.created == []
    assert world.aftersale.fulfillments == {}


async def test_nothing_left_in_shopify_is_recorded_as_already_fulfilled(world: World) -> None:
    assert await world.ship(shipment_event(("PLAYERA-M", 2), shipment="SH-1")) == "applied"
    second = shipment_event(("PLAYERA-M", 1), shipment="SH-2")
    assert await world.ship(second) == "already_fulfilled"

    assert len(world.shopify.created) == 1
    assert world.aftersale.fulfillments[(TENANT, "SH-2")].fulfillment_gid is None


async def test_shopify_user_errors_are_permanent_and_record_nothing(world: World) -> None:
    world.shopify.fail_with = ShopifyUserError(
        [UserError(("fulfillment",), "Invalid fulfillment order line item quantity requested.")]
    )
    with pytest.raises(PermanentError) as error:
        await world.ship(shipment_event(("PLAYERA-M", 1)))
    assert error.value.reason == "shopify_user_error"
    assert world.aftersale.fulfillments == {}


async def test_shopify_unavailable_is_retried(world: World) -> None:
    world.shopify.fail_with = ShopifyUnavailableError("503", attempts=3)
    with pytest.raises(TransientError):
        await world.ship(shipment_event(("PLAYERA-M", 1)))
    assert world.aftersale.fulfillments == {}


async def test_an_order_gone_from_shopify_is_permanent(world: World) -> None:
    world.shopify.after_sale.clear()
    with pytest.raises(PermanentError) as error:
        await world.ship(shipment_event(("PLAYERA-M", 1)))
    assert error.value.reason == "order_not_in_shopify"


async def test_a_malformed_event_is_permanent(world: World) -> None:
    event = shipment_event(("PLAYERA-M", 1))
    del event["data"]["id"]
    with pytest.raises(PermanentError) as error:
        await world.ship(event)
    assert error.value.reason == "not_a_shipment"

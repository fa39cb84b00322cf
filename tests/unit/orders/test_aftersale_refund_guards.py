"""The refund handler's two judgements that the end-to-end test found wrong: whether the
document already left the refunded goods out (Shopify's timestamps have whole seconds),
and whether a restock would book goods the ERP shipped back into its stock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from erp_connector.models.shipments import Shipment

from tests.unit.orders.test_aftersale_handlers import World
from tests.unit.orders.test_aftersale_refunds import refund_line, sim_refund


def sold_with(line: dict[str, Any], quantity: int) -> dict[str, Any]:
    """The refund line with its line item's quantity as sold, as Shopify writes it."""
    line["line_item"]["quantity"] = quantity
    return line


def same_second_as_now() -> str:
    """A refund stamped in the second the document is made in, before it."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


async def test_a_shipping_refund_in_the_documents_second_is_credited() -> None:
    """No quantities to go by: the clock decides, at Shopify's precision."""
    world = World()
    await world.documented()
    refund = sim_refund(shipping="5.00")
    refund["created_at"] = same_second_as_now()
    assert await world.refund(refund) == "applied"
    assert len(world.erp.credit_notes) == 1


async def test_a_document_holding_every_unit_sold_is_credited_whatever_the_clock() -> None:
    world = World()
    await world.documented()
    refund = sim_refund(sold_with(refund_line("PLAYERA-M", 1, "90.00", "cancel"), 2))
    refund["created_at"] = "2020-01-01T00:00:00Z"  # a skewed clock
    assert await world.refund(refund) == "applied"


async def test_a_document_made_after_the_refund_is_still_skipped() -> None:
    """Made from current quantities (one of two left): the refund is already in it."""
    world = World()
    await world.documented()
    ((key, document),) = world.erp.documents.items()
    first = document.lines[0].model_copy(update={"quantity": 1})
    world.erp.documents[key] = document.model_copy(update={"lines": [first, *document.lines[1:]]})
    refund = sim_refund(sold_with(refund_line("PLAYERA-M", 1, "90.00", "cancel"), 2))
    refund["created_at"] = "2020-01-01T00:00:00Z"
    assert await world.refund(refund) == "skipped"
    assert world.erp.credit_notes == {}


def shipment(document: str, sku: str, quantity: int) -> Shipment:
    return Shipment.model_validate(
        {
            "id": "SH-1",
            "document_id": document,
            "carrier": "DHL",
            "tracking_number": "1",
            "tracking_url": None,
            "lines": [{"sku": sku, "quantity": quantity}],
            "shipped_at": "2026-11-23T10:00:00+00:00",
        }
    )


async def test_a_cancel_restock_of_goods_the_erp_shipped_credits_without_restock() -> None:
    world = World()
    document = await world.documented()
    world.erp.shipped[document] = [shipment(document, "PLAYERA-M", 2)]
    refund = sim_refund(sold_with(refund_line("PLAYERA-M", 2, "180.00", "cancel"), 2))
    refund["created_at"] = "2099-01-01T00:00:00Z"

    assert await world.refund(refund) == "needs_attention"

    ((_, note, _),) = world.erp.credit_notes.values()
    assert note.restock is False
    (item,) = world.aftersale.attention.values()
    assert item.reason == "restock_of_shipped"
    assert "PLAYERA-M" in item.detail


async def test_a_cancel_restock_within_what_the_erp_still_holds_restocks() -> None:
    world = World()
    document = await world.documented()
    world.erp.shipped[document] = [shipment(document, "PLAYERA-M", 1)]  # one of two left
    refund = sim_refund(sold_with(refund_line("PLAYERA-M", 1, "90.00", "cancel"), 2))
    refund["created_at"] = "2099-01-01T00:00:00Z"
    assert await world.refund(refund) == "applied"
    ((_, note, _),) = world.erp.credit_notes.values()
    assert note.restock is True


async def test_a_returned_unit_of_a_shipped_document_restocks() -> None:
    world = World()
    document = await world.documented()
    world.erp.shipped[document] = [shipment(document, "PLAYERA-M", 2)]
    refund = sim_refund(sold_with(refund_line("PLAYERA-M", 1, "90.00", "return"), 2))
    refund["created_at"] = "2099-01-01T00:00:00Z"
    assert await world.refund(refund) == "applied"
    ((_, note, _),) = world.erp.credit_notes.values()
    assert note.restock is True

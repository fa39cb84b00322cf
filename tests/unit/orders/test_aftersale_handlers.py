"""Cancellations and refunds against an in-memory ERP and stores."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest
from contracts import Envelope
from erp_connector.models.shipments import Shipment
from orders.handlers import handle_order_event
from orders.handlers_aftersale import handle_cancel, handle_refund
from orders.ports import Connection
from plumbing.errors import PermanentError, TransientError, classify

from tests.unit.orders.conftest import TAXES, make_policy, sample_order
from tests.unit.orders.fakes import FakeErp, FakeOrderStore
from tests.unit.orders.fakes_aftersale import FakeAftersaleStore
from tests.unit.orders.test_aftersale_refunds import load_refund, refund_line, sim_refund

TENANT = "acme"
ORDER = "5923000000001"
CONN = cast(Connection, object())


class World:
    def __init__(self) -> None:
        self.erp = FakeErp(skus={"PLAYERA-M", "GORRA-01"}, taxes=TAXES)
        self.store = FakeOrderStore()
        self.aftersale = FakeAftersaleStore()
        self.policy = make_policy()

    async def documented(self) -> str:
        env = envelope(sample_order(), "orders/create", ORDER)
        outcome = await handle_order_event(
            env, conn=CONN, store=self.store, erp=self.erp, policy=self.policy
        )
        assert outcome == "applied"
        return self.store.links[(TENANT, ORDER)].erp_document_id

    async def cancel(self, order: dict[str, Any], id: str = "w-cancel") -> str:
        return await handle_cancel(
            envelope(order, "orders/cancelled", order["id"], id),
            conn=CONN,
            store=self.store,
            aftersale=self.aftersale,
            erp=self.erp,
            policy=self.policy,
        )

    async def refund(self, refund: dict[str, Any], id: str = "w-refund") -> str:
        return await handle_refund(
            envelope(refund, "refunds/create", refund["order_id"], id),
            conn=CONN,
            store=self.store,
            aftersale=self.aftersale,
            erp=self.erp,
            policy=self.policy,
        )


def envelope(payload: dict[str, Any], type: str, entity: Any, id: str = "w-1") -> Envelope:
    return Envelope.new(
        id=id, type=type, source="shopify", tenant=TENANT, entity_id=entity, payload=payload
    )


def cancelled() -> dict[str, Any]:
    return {
        **sample_order(),
        "cancelled_at": "2026-11-23T10:00:00-06:00",
        "cancel_reason": "customer",
    }


@pytest.fixture
def world() -> World:
    return World()


async def test_cancel_of_an_undocumented_order_is_skipped(world: World, shared_dir: Path) -> None:
    order = load_refund(shared_dir, "09_orders_cancelled__shopify_sample_2017_laravel-shopify.json")
    assert await world.cancel(order) == "skipped"
    assert world.erp.calls == []


async def test_cancel_cancels_the_document_with_the_cancel_key(world: World) -> None:
    document = await world.documented()
    assert await world.cancel(cancelled()) == "applied"
    assert world.erp.cancels == [(document, "customer", f"shopsync:{TENANT}:order:{ORDER}:cancel")]
    assert world.aftersale.attention == {}


async def test_cancel_of_a_shipped_document_needs_attention_and_cancels_nothing(
    world: World,
) -> None:
    document = await world.documented()
    world.erp.set_status(document, "shipped")

    assert await world.cancel(cancelled()) == "needs_attention"

    assert world.erp.cancels == []
    (item,) = world.aftersale.attention.values()
    assert (item.kind, item.reason, item.erp_document_id) == ("cancel", "shipped", document)
    assert "P-1 is shipped" in item.detail


async def test_cancel_of_a_partly_shipped_document_needs_attention(world: World) -> None:
    document = await world.documented()
    world.erp.shipped[document] = [
        Shipment.model_validate(
            {
                "id": "SH-1",
                "document_id": document,
                "carrier": "DHL",
                "tracking_number": "1",
                "tracking_url": None,
                "lines": [{"sku": "GORRA-01", "quantity": 1}],
                "shipped_at": "2026-11-23T10:00:00+00:00",
            }
        )
    ]
    assert await world.cancel(cancelled()) == "needs_attention"
    assert world.erp.cancels == []
    assert [a.reason for a in world.aftersale.attention.values()] == ["partially_shipped"]


async def test_an_erp_refusal_to_cancel_is_an_attention_row_not_the_dlq(world: World) -> None:
    await world.documented()
    world.erp.cancel_conflict = "sales document P-1 has credit notes: it cannot be cancelled"

    assert await world.cancel(cancelled()) == "needs_attention"  # no exception: no DLQ

    (item,) = world.aftersale.attention.values()
    assert item.reason == "erp_409"
    assert "has credit notes" in item.detail


async def test_cancel_twice_cancels_once(world: World) -> None:
    await world.documented()
    assert await world.cancel(cancelled(), "w-1") == "applied"
    assert await world.cancel(cancelled(), "w-2") == "already_applied"
    assert len(world.erp.cancels) == 1


async def test_cancel_with_the_erp_down_is_retried(world: World) -> None:
    await world.documented()
    world.erp.fail_next(1)
    with pytest.raises(TransientError):
        await world.cancel(cancelled())


async def test_a_refund_of_an_undocumented_order_goes_to_the_dlq_readably(world: World) -> None:
    with pytest.raises(PermanentError) as error:
        await world.refund(sim_refund(refund_line("PLAYERA-M", 1, "90.00", "return")))
    assert error.value.reason == "order_not_documented"
    assert classify(error.value) == "permanent"
    assert "replay" in str(error.value)


async def test_a_refund_becomes_credit_notes_once_per_part(world: World) -> None:
    document = await world.documented()
    refund = sim_refund(
        refund_line("PLAYERA-M", 1, "90.00", "return"),
        refund_line("GORRA-01", 1, "44.99", "no_restock"),
        shipping="99.00",
    )

    assert await world.refund(refund) == "applied"

    rid = "990000000000001"
    prefix = f"shopsync:{TENANT}:order:{ORDER}:refund:{rid}"
    made = world.erp.credit_notes
    assert sorted(made) == [f"{prefix}:no_restock", f"{prefix}:restock"]
    doc_id, note, _ = made[f"{prefix}:restock"]
    assert doc_id == document
    assert (note.restock, note.shipping_amount) == (True, Decimal("99.00"))
    assert [(x.sku, x.quantity, str(x.amount)) for x in note.lines] == [("PLAYERA-M", 1, "90.00")]
    assert not made[f"{prefix}:no_restock"][1].restock
    parts = {(p, r.erp_credit_note_number) for (_, _, p), r in world.aftersale.credit_notes.items()}
    assert parts == {("restock", "NC-1"), ("no_restock", "NC-2")}

    assert await world.refund(refund, "w-refund-again") == "already_applied"
    assert world.erp.calls.count("create_credit_note") == 2


async def test_a_real_shopify_refund_credits_under_the_refund_key(
    world: World, shared_dir: Path
) -> None:
    refund = load_refund(shared_dir, "03_refunds_create__shopify_sample_2025-01.json")
    refund["order_id"] = int(ORDER)  # the sample's own order id was rounded by a JS parser
    refund["created_at"] = "2099-01-01T00:00:00-05:00"  # made after the document
    for line in refund["refund_line_items"]:
        line["line_item"]["sku"] = "PLAYERA-M"
    await world.documented()

    assert await world.refund(refund) == "applied"
    (key,) = world.erp.credit_notes
    assert key == f"shopsync:{TENANT}:order:{ORDER}:refund:890088186047892319"


async def test_a_refund_of_a_cancelled_document_is_skipped(world: World) -> None:
    await world.documented()
    assert await world.cancel(cancelled()) == "applied"
    refund = sim_refund(refund_line("PLAYERA-M", 2, "180.00", "cancel"))
    assert await world.refund(refund) == "skipped"
    assert world.aftersale.credit_notes == {}


async def test_an_amount_only_refund_needs_attention(world: World) -> None:
    await world.documented()
    refund = sim_refund()
    refund["order_adjustments"] = [{"kind": "refund_discrepancy", "amount": "-3.00"}]
    assert await world.refund(refund) == "needs_attention"
    (item,) = world.aftersale.attention.values()
    assert (item.kind, item.reason) == ("refund:990000000000001", "nothing_to_credit")


async def test_a_refund_line_without_sku_is_permanent(world: World) -> None:
    await world.documented()
    with pytest.raises(PermanentError) as error:
        await world.refund(sim_refund(refund_line(None, 1, "5.00", "no_restock")))
    assert error.value.reason == "refund_line_without_sku"
    assert world.erp.credit_notes == {}


async def test_a_refund_older_than_the_document_is_already_in_it(world: World) -> None:
    """The document was made from current quantities after the refund (e.g. a replay
    from the DLQ once the order got its document): crediting again would double it."""
    await world.documented()
    refund = sim_refund(refund_line("PLAYERA-M", 1, "90.00", "return"))
    refund["created_at"] = "2026-01-02T03:04:05-06:00"
    assert await world.refund(refund) == "skipped"
    assert world.erp.credit_notes == {}
    refund["created_at"] = "2099-01-02T03:04:05-06:00"
    assert await world.refund(refund, "w-later") == "applied"

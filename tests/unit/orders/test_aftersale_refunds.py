"""Refund -> credit notes, on Shopify's own payloads and the emulator's refunds/create shape."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from orders.domain_aftersale import credit_notes, refund_id, shipping_refund
from orders.domain_refusals import NotARefund, RefundLinesWithoutSku

from tests.unit.orders.conftest import make_policy, money_set

ORDER = "5923000000001"


def load_refund(shared_dir: Path, name: str) -> dict[str, Any]:
    body: dict[str, Any] = json.loads((shared_dir / "shopify" / "fixtures" / name).read_text())
    refund: dict[str, Any] = body.get("refund", body)
    return refund


def refund_line(
    sku: str | None, quantity: int, subtotal: str, restock_type: str, location: int | None = None
) -> dict[str, Any]:
    """A refund_line_items entry as the emulator's refunds/create writes it."""
    return {
        "id": 7000 + quantity,
        "line_item": {"id": 13000000000001, "name": f"Product {sku}", "sku": sku},
        "line_item_id": 13000000000001,
        "location_id": location,
        "quantity": quantity,
        "restock_type": restock_type,
        "subtotal": float(subtotal),
        "subtotal_set": money_set(subtotal),
        "total_tax": 0.0,
        "total_tax_set": money_set("0.00"),
    }


def sim_refund(*lines: dict[str, Any], shipping: str | None = None) -> dict[str, Any]:
    """refunds/create for the sample order (conftest.sample_order), emulator shape."""
    shipping_lines = (
        [
            {
                "id": 55,
                "shipping_line_id": 44,
                "subtotal_amount_set": money_set(shipping),
                "tax_amount_set": money_set("0.00"),
            }
        ]
        if shipping is not None
        else []
    )
    return {
        "admin_graphql_api_id": "gid://shopify/Refund/990000000000001",
        "id": 990000000000001,
        "note": "talla equivocada",
        "order_id": int(ORDER),
        "order_adjustments": [],
        "refund_line_items": list(lines),
        "refund_shipping_lines": shipping_lines,
        "restock": False,
    }


def test_shopify_sample_refund_merges_lines_by_sku_with_their_subtotals(
    shared_dir: Path,
) -> None:
    refund = load_refund(shared_dir, "03_refunds_create__shopify_sample_2025-01.json")

    (plan,) = credit_notes(refund, make_policy(), order_id=ORDER)

    assert plan.part == "all"
    note = plan.note
    assert [(x.sku, x.quantity, x.amount) for x in note.lines] == [
        ("IPOD2008PINK", 2, Decimal("398.00"))
    ]
    assert note.restock is False  # both lines are no_restock
    assert note.shipping_amount is None
    assert note.reason == "Things were damaged"
    # the id comes from the gid: the numeric "id" of this payload was rounded by a JS parser
    assert note.external_refs.shopify_refund_id == "890088186047892319"
    assert note.external_refs.shopify_order_id == ORDER


def test_legacy_restock_flag_restocks_and_missing_subtotal_leaves_pricing_to_the_erp(
    shared_dir: Path,
) -> None:
    refund = load_refund(shared_dir, "11_refund__rest_docs.json")

    (plan,) = credit_notes(refund, make_policy(), order_id="450789469")

    assert plan.note.restock is True  # no restock_type: the refund's "restock": true
    assert [(x.sku, x.quantity, x.amount) for x in plan.note.lines] == [
        ("IPOD2008BLACK", 1, None),
        ("IPOD2008GREEN", 1, None),
    ]
    assert refund_id(refund) == "509562969"


def test_mixed_restock_splits_into_two_notes_and_shipping_rides_on_the_first() -> None:
    refund = sim_refund(
        refund_line("PLAYERA-M", 1, "90.00", "return", location=70001),
        refund_line("GORRA-01", 1, "44.99", "no_restock"),
        shipping="99.00",
    )

    restock, no_restock = credit_notes(refund, make_policy(), order_id=ORDER)

    assert (restock.part, restock.note.restock) == ("restock", True)
    assert [(x.sku, x.quantity, x.amount) for x in restock.note.lines] == [
        ("PLAYERA-M", 1, Decimal("90.00"))
    ]
    assert restock.note.shipping_amount == Decimal("99.00")
    assert restock.note.warehouse == "ALM-CDMX"  # location 70001 in the tenant's policy
    assert (no_restock.part, no_restock.note.restock) == ("no_restock", False)
    assert [(x.sku, x.amount) for x in no_restock.note.lines] == [("GORRA-01", Decimal("44.99"))]
    assert no_restock.note.shipping_amount is None
    assert no_restock.note.warehouse is None


@pytest.mark.parametrize("restock_type", ["return", "cancel"])
def test_return_and_cancel_restock(restock_type: str) -> None:
    refund = sim_refund(refund_line("PLAYERA-M", 2, "180.00", restock_type))
    (plan,) = credit_notes(refund, make_policy(), order_id=ORDER)
    assert (plan.part, plan.note.restock) == ("all", True)
    assert plan.note.warehouse is None  # no location: the document's warehouse


def test_a_shipping_only_refund_is_one_note_without_lines() -> None:
    (plan,) = credit_notes(sim_refund(shipping="99.00"), make_policy(), order_id=ORDER)
    assert plan.note.lines == []
    assert plan.note.shipping_amount == Decimal("99.00")
    assert plan.note.restock is False


def test_older_shipping_refund_adjustments_count_as_shipping() -> None:
    refund = sim_refund()
    refund["order_adjustments"] = [
        {"kind": "shipping_refund", "amount": "-10.00", "amount_set": money_set("-10.00")},
        {"kind": "refund_discrepancy", "amount": "-3.00", "amount_set": money_set("-3.00")},
    ]
    assert shipping_refund(refund) == Decimal("10.00")


def test_an_amount_only_refund_credits_nothing() -> None:
    refund = sim_refund()
    refund["order_adjustments"] = [{"kind": "refund_discrepancy", "amount": "-3.00"}]
    assert credit_notes(refund, make_policy(), order_id=ORDER) == ()


def test_a_refunded_line_without_sku_is_refused_by_name() -> None:
    refund = sim_refund(
        refund_line("PLAYERA-M", 1, "90.00", "return"), refund_line(None, 1, "5.00", "no_restock")
    )
    with pytest.raises(RefundLinesWithoutSku) as refused:
        credit_notes(refund, make_policy(), order_id=ORDER)
    assert refused.value.code == "refund_line_without_sku"
    assert "Product None" in refused.value.reason


def test_a_refund_without_an_id_is_not_a_refund() -> None:
    refund = sim_refund()
    del refund["admin_graphql_api_id"]
    refund["id"] = 1.5e15
    with pytest.raises(NotARefund):
        refund_id(refund)

"""Order -> ERP document: the lines, money and references a merchant sees in the ERP."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from orders import domain
from orders.policy import OrdersPolicy

from tests.unit.orders.conftest import TAXES, item, make_policy, money_set, tax


def test_a_paid_order_becomes_a_document_that_totals_shopifys_to_the_cent(
    order: dict[str, Any], policy: OrdersPolicy
) -> None:
    doc = domain.to_sales_document(order, policy, customer_id="C-9")
    assert [(x.sku, x.quantity, x.unit_price, x.discount, x.tax_code) for x in doc.lines] == [
        ("PLAYERA-M", 2, Decimal("100.00"), Decimal("20.00"), "IVA16"),
        ("GORRA-01", 1, Decimal("49.99"), Decimal("5.00"), "IVA16"),
    ]
    assert doc.shipping is not None
    assert (doc.shipping.service_sku, doc.shipping.amount, doc.shipping.tax_code) == (
        "SRV-ENVIO",
        Decimal("99.00"),
        "IVA16",
    )
    assert (doc.type, doc.currency, doc.customer_id, doc.payment_method) == (
        "order",
        "MXN",
        "C-9",
        "TARJETA",
    )
    assert doc.external_refs.shopify_order_id == "5923000000001"
    assert doc.external_refs.shopify_order_name == "#1042"
    assert domain.erp_total(doc, TAXES) == Decimal("375.83")
    assert domain.check_total(order, doc, TAXES, policy.rounding_tolerance) == 0


def test_prices_with_tax_included_use_the_included_erp_tax(policy: OrdersPolicy) -> None:
    order = {
        "id": 1,
        "currency": "MXN",
        "taxes_included": True,
        "line_items": [item("TAZA", "116.00", 3, discount="16.00", taxes=[tax(0.16, "45.79")])],
        "total_price": "332.00",
    }
    doc = domain.to_sales_document(order, policy, customer_id=None)
    assert doc.lines[0].tax_code == "IVA16I"
    assert domain.erp_total(doc, TAXES) == Decimal("332.00")


def test_title_qualified_tax_key_wins_over_the_bare_rate(
    order: dict[str, Any], policy: OrdersPolicy
) -> None:
    order["line_items"][1]["tax_lines"] = [tax(0.08, "3.60", "IVA frontera")]
    doc = domain.to_sales_document(order, policy, customer_id=None)
    assert doc.lines[1].tax_code == "IVA8"


def test_location_maps_to_its_warehouse_and_guest_is_general_public(
    order: dict[str, Any], policy: OrdersPolicy
) -> None:
    order["location_id"] = 70001
    assert domain.to_sales_document(order, policy, customer_id=None).warehouse == "ALM-CDMX"
    order["location_id"] = 70002  # not mapped: the ERP's Shopify warehouse
    doc = domain.to_sales_document(order, policy, customer_id=None)
    assert (doc.warehouse, doc.customer_id) == (None, None)


def test_removed_and_refunded_units_are_not_sold(
    order: dict[str, Any], policy: OrdersPolicy
) -> None:
    order["line_items"][0]["current_quantity"] = 1  # one of two refunded: half the discount
    order["line_items"][1]["current_quantity"] = 0  # removed by an order edit
    doc = domain.to_sales_document(order, policy, customer_id=None)
    assert [(x.sku, x.quantity, x.discount) for x in doc.lines] == [
        ("PLAYERA-M", 1, Decimal("10.00"))
    ]


def test_free_shipping_adds_no_service_line(order: dict[str, Any], policy: OrdersPolicy) -> None:
    order["shipping_lines"][0]["discounted_price_set"] = money_set("0.00")
    assert domain.to_sales_document(order, policy, customer_id=None).shipping is None


def test_gateway_falls_back_to_the_default_payment_method(
    order: dict[str, Any], policy: OrdersPolicy
) -> None:
    order["payment_gateway_names"] = ["gift_card", "manual"]
    assert domain.to_sales_document(order, policy, customer_id=None).payment_method == "TRANSFER"
    order["payment_gateway_names"] = ["paypal"]
    assert domain.to_sales_document(order, policy, customer_id=None).payment_method == "OTRO"


def test_an_order_id_beyond_2_to_the_53_stays_exact(policy: OrdersPolicy) -> None:
    body = '{"id": 9007199254740993, "name": "#1", "currency": "MXN", "line_items": []}'
    order = json.loads(body)
    order["line_items"] = [item("X-1", "10.00", 1, taxes=[])]
    refs = domain.to_sales_document(order, policy, customer_id=None).external_refs
    assert refs.shopify_order_id == "9007199254740993"
    order["id"] = 9007199254740993.0  # a float id has already lost digits: refused
    del order["name"]
    with pytest.raises(domain.NotAnOrder, match="never parse ids as floats"):
        domain.to_sales_document(order, policy, customer_id=None)


def test_idempotency_keys_are_stable_per_order_and_purpose() -> None:
    key = domain.idempotency_key("acme", 9007199254740993)
    assert key == domain.idempotency_key("acme", "9007199254740993")
    assert key == "shopsync:acme:order:9007199254740993:document"
    assert domain.idempotency_key("acme", 1, "cancel") == "shopsync:acme:order:1:cancel"
    assert domain.idempotency_key("acme", 1, "refund:77") == "shopsync:acme:order:1:refund:77"
    assert domain.idempotency_key("other", 1) != domain.idempotency_key("acme", 1)


def test_policy_refuses_unknown_settings() -> None:
    with pytest.raises(ValueError, match="tax_code_map"):
        make_policy(tax_code_map={})

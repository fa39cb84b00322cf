"""Real Shopify order payloads (../shared/shopify/fixtures) through the mapping.

The tenant here keeps the fixtures' currency; none of these payloads carries line tax
lines, so every line takes the exempt code and the ERP total is the net of the lines.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from orders import domain

from tests.unit.orders.conftest import TAXES, make_policy

Load = Callable[[str], dict[str, Any]]
USD = make_policy(currency="USD", payment_methods={"visa": "TARJETA"})


def test_2025_sample_maps_to_its_current_total_and_exact_id(fixtures: Load) -> None:
    """Shopify's 2025-01 sample is internally inconsistent on ``total_price`` (388.00 with
    lines of 398.00, no allocations and no discount codes, plus 10.00 shipping); its
    ``current_*`` fields agree with each other: lines 398.00, shipping now 0.00 (its
    ``current_discounted_price_set``), total 398.00. The document is made from the order
    as it is now, so it is checked against ``current_total_price``."""
    order = fixtures("01_orders_create__shopify_sample_2025-01.json")
    doc = domain.to_sales_document(order, USD, customer_id=None)
    assert [(x.sku, x.quantity, x.unit_price) for x in doc.lines] == [
        ("IPOD2008PINK", 1, Decimal("199.00")),
        ("IPOD2008PINK", 1, Decimal("199.00")),
    ]
    assert doc.shipping is None
    assert domain.erp_total(doc, TAXES) == Decimal("398.00") == domain.shopify_total(order)
    # The numeric id went through a JavaScript parser (…154500); the GraphQL id is exact.
    assert order["id"] == 820982911946154500
    assert doc.external_refs.shopify_order_id == "820982911946154508"
    assert doc.external_refs.shopify_order_name == "#9999"
    assert doc.payment_method == "TARJETA"
    # The sample is cancelled and voided: no document is made from it.
    assert domain.should_create(order, USD, "orders/create").action == "skip"


def test_2017_order_with_a_line_discount_and_shipping_totals_to_the_cent(fixtures: Load) -> None:
    """Before ``discount_allocations`` existed, the discount was the line's
    ``total_discount`` (5.00 on the trucker hat): 24.99 + 27.99 - 5.00 + 10.00 = 57.98."""
    order = fixtures("09_orders_cancelled__shopify_sample_2017_laravel-shopify.json")
    doc = domain.to_sales_document(order, USD, customer_id=None)
    assert [(x.sku, x.discount) for x in doc.lines] == [
        ("706405908216", Decimal("0.00")),
        ("706405907431", Decimal("5.00")),
    ]
    assert doc.shipping is not None
    assert (doc.shipping.service_sku, doc.shipping.amount) == ("SRV-ENVIO", Decimal("10.00"))
    assert doc.shipping.description == "Generic Shipping"
    assert domain.check_total(order, doc, TAXES, Decimal("0.02")) == 0
    assert domain.erp_total(doc, TAXES) == Decimal("57.98")
    assert doc.external_refs.shopify_order_id == "820982911946154508"


def test_rest_docs_order_is_refused_with_its_difference(fixtures: Load) -> None:
    """Shopify's REST docs order cannot total to the cent: its three lines at 199.00 make
    597.00 while it claims ``total_line_items_price`` 398.00, and its 6 % tax sits only on
    the order, not on any line. A document from it would be wrong, so it is refused and
    the reason names the difference. Its legacy ``gateway`` maps the payment method."""
    order = fixtures("10_order__rest_docs_discount_tax_shipping_customer.json")
    policy = make_policy(currency="USD", payment_methods={"authorize_net": "TARJETA"})
    doc = domain.to_sales_document(order, policy, customer_id=None)
    assert doc.payment_method == "TARJETA"
    assert doc.shipping is None  # "Free Shipping" at 0.00
    with pytest.raises(domain.TotalMismatch) as caught:
        domain.check_total(order, doc, TAXES, policy.rounding_tolerance)
    assert caught.value.difference == Decimal("187.06")  # 597.00 - 409.94
    assert "187.06" in caught.value.reason


def test_real_store_order_with_empty_skus_is_refused_naming_the_lines(fixtures: Load) -> None:
    order = fixtures("12_order__real_teststore_multiline_shipping_fulfillments.json")
    with pytest.raises(domain.CurrencyMismatch, match="INR"):
        domain.to_sales_document(order, USD, customer_id=None)
    with pytest.raises(domain.LinesWithoutSku) as caught:
        domain.to_sales_document(order, make_policy(currency="INR"), customer_id=None)
    assert len(caught.value.lines) == 2
    assert caught.value.reason.startswith("2 line(s) have no SKU")
    assert "line 1 (" in caught.value.reason
    assert "line 2 (" in caught.value.reason


def test_real_store_order_is_paid_and_fulfilled(fixtures: Load) -> None:
    order = fixtures("12_order__real_teststore_multiline_shipping_fulfillments.json")
    policy = make_policy(currency="INR", trigger="fulfilled")
    assert domain.should_create(order, policy, "orders/fulfilled").action == "create"

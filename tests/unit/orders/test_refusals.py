"""Refused, never guessed: each reason names the value a support person has to fix."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from orders import domain
from orders.policy import OrdersPolicy

from tests.unit.orders.conftest import TAXES, make_policy, tax


def test_an_unmapped_tax_rate_names_the_rate_and_the_line(
    order: dict[str, Any], policy: OrdersPolicy
) -> None:
    order["line_items"][1]["tax_lines"] = [tax(0.105, "4.72", "City tax")]
    with pytest.raises(domain.UnmappedTaxRate) as caught:
        domain.to_sales_document(order, policy, customer_id=None)
    assert caught.value.rate == "0.105"
    assert "0.105" in caught.value.reason
    assert "line 2 (Product GORRA-01, SKU 'GORRA-01')" in caught.value.reason


def test_several_tax_lines_need_a_combined_code(
    order: dict[str, Any], policy: OrdersPolicy
) -> None:
    order["line_items"][0]["tax_lines"] = [tax(0.05, "9.00", "GST"), tax(0.07, "12.60", "PST")]
    with pytest.raises(domain.UnmappedTaxRate, match=r"0\.05\+0\.07"):
        domain.to_sales_document(order, policy, customer_id=None)
    combined = make_policy(tax_codes={"0.16": "IVA16", "0.05|GST+0.07|PST": "GSTPST"})
    doc = domain.to_sales_document(order, combined, customer_id=None)
    assert doc.lines[0].tax_code == "GSTPST"


def test_a_line_without_tax_needs_an_exempt_code(order: dict[str, Any]) -> None:
    order["line_items"][0]["tax_lines"] = []
    with pytest.raises(domain.UnmappedTaxRate, match="exempt_tax_code"):
        domain.to_sales_document(order, make_policy(exempt_tax_code=None), customer_id=None)


def test_taxes_included_order_uses_only_included_codes(
    order: dict[str, Any], policy: OrdersPolicy
) -> None:
    order["taxes_included"] = True
    order["line_items"][1]["tax_lines"] = [tax(0.08, "3.33", "IVA frontera")]
    with pytest.raises(domain.UnmappedTaxRate, match="included_tax_codes"):
        domain.to_sales_document(order, policy, customer_id=None)


def test_a_foreign_currency_names_both(order: dict[str, Any], policy: OrdersPolicy) -> None:
    order["currency"] = "USD"
    with pytest.raises(domain.CurrencyMismatch) as caught:
        domain.to_sales_document(order, policy, customer_id=None)
    assert "USD" in caught.value.reason
    assert "MXN" in caught.value.reason


def test_another_currency_the_erp_keeps_is_documented_in_it(order: dict[str, Any]) -> None:
    order["currency"] = "USD"
    doc = domain.to_sales_document(order, make_policy(other_currencies={"USD"}), customer_id=None)
    assert doc.currency == "USD"


def test_a_total_beyond_tolerance_names_the_difference(
    order: dict[str, Any], policy: OrdersPolicy
) -> None:
    order["current_total_price_set"]["shop_money"]["amount"] = "375.81"
    doc = domain.to_sales_document(order, policy, customer_id=None)
    assert domain.check_total(order, doc, TAXES, policy.rounding_tolerance) == Decimal("0.02")
    order["current_total_price_set"]["shop_money"]["amount"] = "375.79"
    with pytest.raises(domain.TotalMismatch) as caught:
        domain.check_total(order, doc, TAXES, Decimal("0.02"))
    assert caught.value.difference == Decimal("0.04")
    assert "375.83" in caught.value.reason
    assert "375.79" in caught.value.reason
    assert "0.04" in caught.value.reason


def test_a_code_the_erp_lacks_is_named(order: dict[str, Any], policy: OrdersPolicy) -> None:
    doc = domain.to_sales_document(order, policy, customer_id=None)
    with pytest.raises(domain.UnknownTaxCode, match="'IVA16'"):
        domain.erp_total(doc, {"EXENTO": TAXES["EXENTO"]})


def test_no_gateway_mapping_and_no_default(order: dict[str, Any]) -> None:
    order["payment_gateway_names"] = ["paypal"]
    with pytest.raises(domain.UnmappedGateway, match="'paypal'"):
        domain.to_sales_document(order, make_policy(default_payment_method=None), customer_id=None)


def test_a_payload_without_line_items_is_not_an_order(policy: OrdersPolicy) -> None:
    with pytest.raises(domain.NotAnOrder, match="line_items"):
        domain.to_sales_document({"id": 1, "currency": "MXN"}, policy, customer_id=None)


def test_a_sku_the_erp_contract_refuses_is_named(
    order: dict[str, Any], policy: OrdersPolicy
) -> None:
    order["line_items"][0]["sku"] = "PLAYERA M"
    with pytest.raises(domain.InvalidDocument, match="PLAYERA M"):
        domain.to_sales_document(order, policy, customer_id=None)


def test_unknown_sku_is_for_the_handler_to_raise() -> None:
    refusal = domain.UnknownSku("ZAP-44", "line 3 (Zapato)")
    assert isinstance(refusal, domain.Refusal)
    assert "'ZAP-44'" in refusal.reason
    assert refusal.code == "unknown_sku"

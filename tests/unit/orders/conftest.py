"""A Mexican tenant's policy, its ERP tax table, and a realistic order builder."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from erp_connector.models.reference import Tax
from orders.policy import OrdersPolicy

TAXES = {
    "IVA16": Tax(code="IVA16", name="IVA 16%", rate=Decimal("0.16"), included=False),
    "IVA16I": Tax(code="IVA16I", name="IVA 16% incluido", rate=Decimal("0.16"), included=True),
    "IVA8": Tax(code="IVA8", name="IVA 8% frontera", rate=Decimal("0.08"), included=False),
    "EXENTO": Tax(code="EXENTO", name="Exento", rate=Decimal(0), included=False),
}


def make_policy(**changes: Any) -> OrdersPolicy:
    base: dict[str, Any] = {
        "currency": "MXN",
        "tax_codes": {"0.16": "IVA16", "0.08|IVA frontera": "IVA8"},
        "included_tax_codes": {"0.16": "IVA16I"},
        "exempt_tax_code": "EXENTO",
        "shipping_service_sku": "SRV-ENVIO",
        "payment_methods": {"shopify_payments": "TARJETA", "manual": "TRANSFER"},
        "default_payment_method": "OTRO",
        "credit_payment_methods": frozenset({"CREDITO"}),
        "location_warehouses": {"70001": "ALM-CDMX"},
    }
    base.update(changes)
    return OrdersPolicy.model_validate(base)


def money_set(amount: str, currency: str = "MXN") -> dict[str, Any]:
    m = {"amount": amount, "currency_code": currency}
    return {"shop_money": m, "presentment_money": m}


def tax(rate: float, price: str, title: str = "IVA") -> dict[str, Any]:
    return {"rate": rate, "price": price, "title": title, "price_set": money_set(price)}


def item(
    sku: str, price: str, qty: int, *, discount: str = "0.00", taxes: list[dict[str, Any]] | None
) -> dict[str, Any]:
    allocations = (
        [] if discount == "0.00" else [{"amount": discount, "amount_set": money_set(discount)}]
    )
    return {
        "id": 13000000000000 + len(sku),
        "sku": sku,
        "name": f"Product {sku}",
        "price": price,
        "price_set": money_set(price),
        "quantity": qty,
        "current_quantity": qty,
        "total_discount": "0.00",
        "discount_allocations": allocations,
        "tax_lines": taxes if taxes is not None else [],
    }


def sample_order() -> dict[str, Any]:
    """A paid online order: a 10 % code spread over two lines, taxed shipping.

    Line A: 2 x 100.00 - 20.00 = 180.00 + IVA 28.80; line B: 49.99 - 5.00 = 44.99 + IVA
    7.20; shipping 99.00 + IVA 15.84. Total 375.83, as Shopify shows it.
    """
    return {
        "id": 5923000000001,
        "admin_graphql_api_id": "gid://shopify/Order/5923000000001",
        "name": "#1042",
        "currency": "MXN",
        "presentment_currency": "MXN",
        "taxes_included": False,
        "source_name": "web",
        "location_id": None,
        "financial_status": "paid",
        "fulfillment_status": None,
        "cancelled_at": None,
        "payment_gateway_names": ["shopify_payments"],
        "line_items": [
            item("PLAYERA-M", "100.00", 2, discount="20.00", taxes=[tax(0.16, "28.80")]),
            item("GORRA-01", "49.99", 1, discount="5.00", taxes=[tax(0.16, "7.20")]),
        ],
        "shipping_lines": [
            {
                "title": "Estafeta",
                "price": "99.00",
                "discounted_price": "99.00",
                "discounted_price_set": money_set("99.00"),
                "is_removed": False,
                "tax_lines": [tax(0.16, "15.84")],
            }
        ],
        "total_discounts": "25.00",
        "total_price": "375.83",
        "current_total_price": "375.83",
        "current_total_price_set": money_set("375.83"),
    }


@pytest.fixture
def order() -> dict[str, Any]:
    return copy.deepcopy(sample_order())


@pytest.fixture
def policy() -> OrdersPolicy:
    return make_policy()


@pytest.fixture
def fixtures(shared_dir: Path) -> Any:
    def load(name: str) -> dict[str, Any]:
        body: dict[str, Any] = json.loads((shared_dir / "shopify" / "fixtures" / name).read_text())
        order: dict[str, Any] = body.get("order", body)  # REST answers are wrapped
        return order

    return load

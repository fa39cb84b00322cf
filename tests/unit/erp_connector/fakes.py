"""Fakes for the ERP adapter tests: a virtual clock, a scripted ERP and sample answers.

The samples are the JSON an ERP would answer, built from the ``Out`` models so a change
to the contract breaks them loudly instead of silently.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import httpx
from erp_connector import HttpErp, RetryPolicy
from erp_connector.models.catalog import Price, Product, ProductIn, Variant, VariantIn
from erp_connector.models.common import ExternalRefs, ExternalRefsOut
from erp_connector.models.customers import Customer
from erp_connector.models.documents import Line, LineIn, SalesDocument, SalesDocumentIn, Totals
from erp_connector.models.reference import Currency, DocumentTypeInfo, PaymentMethod, Tax
from erp_connector.models.shipments import Shipment, ShipmentLine
from erp_connector.models.stock import Movement, Resulting, StockLevel, Warehouse

BASE_URL = "https://erp.test"
API_KEY = "erp-key-DO-NOT-LOG-1234567890"
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0
        self.wall = 1_760_000_000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.wall + self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


class ScriptedErp:
    """Answers each request with the next scripted answer (a response, or an exception
    to raise as the network would), recording every request it saw."""

    def __init__(self, answers: Iterable[httpx.Response | Exception]) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def make_erp(
    handler: Callable[[httpx.Request], httpx.Response],
    *,
    retry: RetryPolicy | None = None,
    clock: FakeClock | None = None,
) -> tuple[HttpErp, FakeClock]:
    clock = clock or FakeClock()
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    policy = retry or RetryPolicy(max_attempts=4, base_delay_s=0.5, max_delay_s=4, max_total_s=30)
    return HttpErp(BASE_URL, API_KEY, http=http, retry=policy, clock=clock), clock


def problem(status: int, title: str, *, fields: dict[str, str] | None = None) -> httpx.Response:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if fields:
        body["type"] = "urn:erp-connector:validation"
        body["errors"] = [{"field": f, "reason": r} for f, r in fields.items()]
    return httpx.Response(status, json=body, headers={"Content-Type": "application/problem+json"})


def _json(model: Any) -> Any:
    return model.model_dump(mode="json")


PRICE = Price(price_list="GEN", amount=Decimal("199.00"), currency="MXN", tax_code="IVA16")
PRODUCT = Product(
    code="P-1", title="Shirt", description="", status="active", image_urls=[],
    variants=[Variant(sku="SKU-1", barcode=None, attributes={"Size": "M"}, stock_managed=True,
                      prices=[PRICE])],
    version=2, updated_at=WHEN,
)  # fmt: skip
WAREHOUSE = Warehouse(code="W1", name="Shopify", is_shopify=True)
LEVEL = StockLevel(sku="SKU-1", warehouse="W1", on_hand=5, reserved=1, available=4,
                   last_movement_id=7, updated_at=WHEN)  # fmt: skip
MOVEMENT = Movement(
    id=7, type="free_entry", sku="SKU-1", warehouse="W1", to_warehouse=None, quantity=5,
    document_id=None, occurred_at=WHEN,
    resulting=[Resulting(warehouse="W1", on_hand=5, reserved=1, available=4)],
)  # fmt: skip
CUSTOMER = Customer(
    id="C1", external_ref="shopify:1", first_name="Ana", last_name="Ruiz", company_name="",
    email="ana@example.com", phone=None, tax_id=None, billing_address=None,
    is_general_public=False, version=1, updated_at=WHEN,
)  # fmt: skip
LINE = Line(sku="SKU-1", description="Shirt", quantity=1, unit_price=Decimal("199.00"),
            discount=Decimal(0), tax_code="IVA16", tax_amount=Decimal("31.84"),
            total=Decimal("230.84"))  # fmt: skip
TOTALS = Totals(subtotal=Decimal("199.00"), discount=Decimal(0), tax=Decimal("31.84"),
                total=Decimal("230.84"))  # fmt: skip
DOCUMENT = SalesDocument(
    id="D1", number="F-1", type="invoice", status="open", customer_id="C1", currency="MXN",
    payment_method="CARD", warehouse="W1", lines=[LINE], shipping=None,
    external_refs=ExternalRefsOut(shopify_order_id="1001"), totals=TOTALS, created_at=WHEN,
    cancelled_at=None,
)  # fmt: skip
CREDIT_NOTE = {
    "id": "N1", "number": "NC-1", "document_id": "D1", "lines": [_json(LINE)],
    "shipping": None, "restock": True, "totals": _json(TOTALS),
    "external_refs": {"shopify_refund_id": "55"}, "created_at": WHEN.isoformat(),
}  # fmt: skip
SHIPMENT = Shipment(id="S1", document_id="D1", carrier="DHL", tracking_number="123",
                    tracking_url=None, lines=[ShipmentLine(sku="SKU-1", quantity=1)],
                    shipped_at=WHEN)  # fmt: skip

DOC_TYPE = DocumentTypeInfo(type="invoice", name="Invoice", series="F", moves_stock=True)


def page(*items: Any) -> dict[str, Any]:
    return {"items": [_json(i) for i in items], "next_cursor": "c-2", "has_more": False}


ANSWERS: dict[str, Any] = {
    "listProducts": page(PRODUCT),
    "getProductBySku": _json(PRODUCT),
    "createProduct": _json(PRODUCT),
    "updateProduct": _json(PRODUCT),
    "listWarehouses": [_json(WAREHOUSE)],
    "listStock": [_json(LEVEL)],
    "listMovements": page(MOVEMENT),
    "createMovement": _json(MOVEMENT),
    "upsertCustomer": _json(CUSTOMER),
    "matchCustomer": {"customer": _json(CUSTOMER), "matched_by": "email"},
    "getGeneralPublicCustomer": _json(CUSTOMER),
    "getCustomer": _json(CUSTOMER),
    "listTaxes": [_json(Tax(code="IVA16", name="IVA", rate=Decimal("0.16"), included=False))],
    "listCurrencies": [_json(Currency(code="MXN", name="Peso", is_default=True))],
    "listPaymentMethods": [_json(PaymentMethod(code="CARD", name="Card", is_credit=False))],
    "listDocumentTypes": [_json(DOC_TYPE)],
    "createSalesDocument": _json(DOCUMENT),
    "findSalesDocuments": [_json(DOCUMENT)],
    "getSalesDocument": _json(DOCUMENT),
    "cancelSalesDocument": _json(DOCUMENT),
    "createCreditNote": CREDIT_NOTE,
    "listShipments": page(SHIPMENT),
    "getShipment": _json(SHIPMENT),
}

PRODUCT_IN = ProductIn(code="P-1", title="Shirt", variants=[VariantIn(sku="SKU-1")])
DOCUMENT_IN = SalesDocumentIn(
    type="invoice", currency="MXN", payment_method="CARD",
    lines=[LineIn(sku="SKU-1", quantity=1, unit_price=Decimal("199.00"), tax_code="IVA16")],
    external_refs=ExternalRefs(shopify_order_id="1001"),
)  # fmt: skip

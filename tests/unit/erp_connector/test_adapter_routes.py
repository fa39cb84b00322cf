"""Every port method calls the operation the contract names: method, path, query, body."""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from erp_connector import HttpErp
from erp_connector.models.customers import CustomerIn
from erp_connector.models.documents import CreditLineIn, CreditNoteIn
from erp_connector.models.stock import MovementIn
from erp_connector.port import ErpPort
from erp_connector.routes import BY_ID, OPERATIONS

from tests.unit.erp_connector.fakes import ANSWERS, BASE_URL, DOCUMENT_IN, PRODUCT_IN, make_erp

Call = Callable[[HttpErp], Awaitable[Any]]
MOVEMENT_IN = MovementIn(type="free_entry", sku="SKU-1", warehouse="W1", quantity=5)
NOTE_IN = CreditNoteIn(lines=[CreditLineIn(sku="SKU-1", quantity=1)], restock=True)

# (port method, operation, call, concrete path, expected query)
CASES: list[tuple[str, str, Call, str, dict[str, str]]] = [
    ("changed_products", "listProducts", lambda e: e.changed_products("c-1", 50),
     "/v1/products", {"since": "c-1", "limit": "50"}),
    ("product_by_sku", "getProductBySku", lambda e: e.product_by_sku("SKU/1"),
     "/v1/products/by-sku/SKU/1", {}),
    ("create_product", "createProduct",
     lambda e: e.create_product(PRODUCT_IN, idempotency_key="k"), "/v1/products", {}),
    ("update_product", "updateProduct",
     lambda e: e.update_product(PRODUCT_IN, expected_version=None), "/v1/products/P-1", {}),
    ("warehouses", "listWarehouses", lambda e: e.warehouses(), "/v1/warehouses", {}),
    ("stock", "listStock", lambda e: e.stock(sku="SKU-1"), "/v1/stock",
     {"sku": "SKU-1", "limit": "250"}),
    ("movements", "listMovements", lambda e: e.movements(None), "/v1/stock/movements",
     {"limit": "100"}),
    ("record_movement", "createMovement",
     lambda e: e.record_movement(MOVEMENT_IN, idempotency_key="k"), "/v1/stock/movements", {}),
    ("upsert_customer", "upsertCustomer",
     lambda e: e.upsert_customer("shopify:1", CustomerIn(first_name="Ana")),
     "/v1/customers/by-ref/shopify:1", {}),
    ("match_customer", "matchCustomer",
     lambda e: e.match_customer(email="ana@example.com", phone=None), "/v1/customers/match",
     {"email": "ana@example.com"}),
    ("general_public_customer", "getGeneralPublicCustomer",
     lambda e: e.general_public_customer(), "/v1/customers/general-public", {}),
    ("customer", "getCustomer", lambda e: e.customer("C1"), "/v1/customers/C1", {}),
    ("taxes", "listTaxes", lambda e: e.taxes(), "/v1/taxes", {}),
    ("currencies", "listCurrencies", lambda e: e.currencies(), "/v1/currencies", {}),
    ("payment_methods", "listPaymentMethods", lambda e: e.payment_methods(),
     "/v1/payment-methods", {}),
    ("document_types", "listDocumentTypes", lambda e: e.document_types(),
     "/v1/document-types", {}),
    ("create_sales_document", "createSalesDocument",
     lambda e: e.create_sales_document(DOCUMENT_IN, idempotency_key="k"),
     "/v1/sales-documents", {}),
    ("documents_for_order", "findSalesDocuments", lambda e: e.documents_for_order("1001"),
     "/v1/sales-documents", {"shopify_order_id": "1001"}),
    ("sales_document", "getSalesDocument", lambda e: e.sales_document("D1"),
     "/v1/sales-documents/D1", {}),
    ("cancel_sales_document", "cancelSalesDocument",
     lambda e: e.cancel_sales_document("D1", reason="fraud", idempotency_key="k"),
     "/v1/sales-documents/D1/cancel", {}),
    ("create_credit_note", "createCreditNote",
     lambda e: e.create_credit_note("D1", NOTE_IN, idempotency_key="k"),
     "/v1/sales-documents/D1/credit-notes", {}),
    ("shipments", "listShipments", lambda e: e.shipments("c-9", 10, document_id="D1"),
     "/v1/shipments", {"since": "c-9", "limit": "10", "document_id": "D1"}),
    ("shipment", "getShipment", lambda e: e.shipment("S1"), "/v1/shipments/S1", {}),
]  # fmt: skip


def test_the_table_covers_every_port_method_and_every_operation() -> None:
    port_methods = {
        name
        for name, member in inspect.getmembers(ErpPort, inspect.iscoroutinefunction)
        if not name.startswith("_")
    }
    assert {case[0] for case in CASES} == port_methods
    assert {case[1] for case in CASES} == {operation.id for operation in OPERATIONS}


def test_the_adapter_implements_the_port() -> None:
    erp: ErpPort = make_erp(lambda request: httpx.Response(500))[0]
    assert isinstance(erp, HttpErp)


@pytest.mark.parametrize(("method", "operation_id", "call", "path", "query"), CASES,
                         ids=[case[1] for case in CASES])  # fmt: skip
async def test_each_port_method_sends_its_operation(
    method: str, operation_id: str, call: Call, path: str, query: dict[str, str]
) -> None:
    operation = BY_ID[operation_id]
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(operation.ok[0], json=ANSWERS[operation_id])

    erp, _ = make_erp(answer)
    result = await call(erp)
    assert result is not None
    (request,) = seen
    assert request.method == operation.method
    assert str(request.url).startswith(BASE_URL + "/v1/")
    assert unquote(request.url.raw_path.split(b"?")[0].decode()) == path
    assert dict(request.url.params) == query
    assert request.headers["Authorization"].startswith("Bearer ")
    assert ("Idempotency-Key" in request.headers) == operation.idempotent
    if operation.body is None:
        assert request.content == b""
    else:
        assert request.headers["Content-Type"] == "application/json"
        operation.body.model_validate(json.loads(request.content))


async def test_path_parameters_are_escaped_so_a_sku_cannot_change_the_route() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=ANSWERS["getProductBySku"])

    erp, _ = make_erp(answer)
    await erp.product_by_sku("A/../B?x=1")
    assert seen[0].url.raw_path == b"/v1/products/by-sku/A%2F..%2FB%3Fx%3D1"

"""``HttpErp``: the ERP port over the ERP connector API v1 (httpx).

Every URL comes from ``routes.BY_ID``; retries, errors and logging live in
``transport``. Answers are parsed with the ``Out`` models, which ignore fields they do
not know, so an ERP can add fields without breaking the platform.
"""

from __future__ import annotations

from types import TracebackType
from typing import Any, TypeVar

import httpx
from pydantic import TypeAdapter, ValidationError

from erp_connector.errors import ErpNotFound, ErpProtocolError
from erp_connector.metrics import ErpMetrics
from erp_connector.models.catalog import Product, ProductIn
from erp_connector.models.common import Page
from erp_connector.models.customers import Customer, CustomerIn, CustomerMatch
from erp_connector.models.documents import (
    CancelIn,
    CreditNote,
    CreditNoteIn,
    SalesDocument,
    SalesDocumentIn,
)
from erp_connector.models.reference import Currency, DocumentTypeInfo, PaymentMethod, Tax
from erp_connector.models.shipments import Shipment
from erp_connector.models.stock import Movement, MovementIn, StockLevel, Warehouse
from erp_connector.retry import Clock, RetryPolicy, SystemClock
from erp_connector.routes import IDEMPOTENCY_HEADER, IF_MATCH_HEADER
from erp_connector.transport import ApiKey, Transport

T = TypeVar("T")
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)


_ADAPTERS: dict[object, TypeAdapter[Any]] = {}


def _adapter(answer: type[T]) -> TypeAdapter[T]:
    adapter = _ADAPTERS.get(answer)
    if adapter is None:
        adapter = _ADAPTERS[answer] = TypeAdapter(answer)
    return adapter


def _idempotent(key: str) -> dict[str, str]:
    if not key or len(key) > 255:
        msg = "an idempotency key is 1 to 255 characters"
        raise ValueError(msg)
    return {IDEMPOTENCY_HEADER: key}


class HttpErp:
    """One company's ERP. Pass ``http`` to share a connection pool (and in tests a
    ``MockTransport``); the adapter closes only a client it created."""

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        http: httpx.AsyncClient | None = None,
        retry: RetryPolicy | None = None,
        timeout: httpx.Timeout | float = DEFAULT_TIMEOUT,
        clock: Clock | None = None,
        metrics: ErpMetrics | None = None,
    ) -> None:
        self._owns_http = http is None
        self._http = http if http is not None else httpx.AsyncClient(timeout=timeout)
        self._transport = Transport(
            base_url, ApiKey(api_key), http=self._http, policy=retry or RetryPolicy(),
            clock=clock or SystemClock(), metrics=metrics,
        )  # fmt: skip
        self._base_url = base_url

    def __repr__(self) -> str:
        return f"HttpErp(base_url={self._base_url!r})"

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> HttpErp:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def _call(self, answer: type[T], operation_id: str, **request: Any) -> T:
        response = await self._transport.call(operation_id, **request)
        try:
            return _adapter(answer).validate_json(response.content)
        except ValidationError as error:
            raise ErpProtocolError(
                f"{operation_id}: the answer does not match the contract "
                f"({error.error_count()} error(s))",
                operation=operation_id,
            ) from None

    async def _find(self, answer: type[T], operation_id: str, **request: Any) -> T | None:
        try:
            return await self._call(answer, operation_id, **request)
        except ErpNotFound:
            return None

    # catalog
    async def changed_products(self, since: str | None, limit: int = 100) -> Page[Product]:
        query = {"since": since, "limit": limit}
        return await self._call(Page[Product], "listProducts", query=query)

    async def product_by_sku(self, sku: str) -> Product | None:
        return await self._find(Product, "getProductBySku", path={"sku": sku})

    async def create_product(self, product: ProductIn, *, idempotency_key: str) -> Product:
        headers = _idempotent(idempotency_key)
        return await self._call(Product, "createProduct", body=product, headers=headers)

    async def update_product(self, product: ProductIn, *, expected_version: int | None) -> Product:
        headers = {} if expected_version is None else {IF_MATCH_HEADER: str(expected_version)}
        return await self._call(
            Product, "updateProduct", path={"code": product.code}, body=product, headers=headers
        )

    # stock
    async def warehouses(self) -> list[Warehouse]:
        return await self._call(list[Warehouse], "listWarehouses")

    async def stock(
        self, *, sku: str | None = None, warehouse: str | None = None
    ) -> list[StockLevel]:
        query = {"sku": sku, "warehouse": warehouse}
        return await self._call(list[StockLevel], "listStock", query=query)

    async def movements(self, since: str | None, limit: int = 100) -> Page[Movement]:
        query = {"since": since, "limit": limit}
        return await self._call(Page[Movement], "listMovements", query=query)

    async def record_movement(self, movement: MovementIn, *, idempotency_key: str) -> Movement:
        headers = _idempotent(idempotency_key)
        return await self._call(Movement, "createMovement", body=movement, headers=headers)

    # customers
    async def upsert_customer(self, external_ref: str, customer: CustomerIn) -> Customer:
        path = {"external_ref": external_ref}
        return await self._call(Customer, "upsertCustomer", path=path, body=customer)

    async def match_customer(self, *, email: str | None, phone: str | None) -> CustomerMatch:
        query = {"email": email, "phone": phone}
        return await self._call(CustomerMatch, "matchCustomer", query=query)

    async def general_public_customer(self) -> Customer:
        return await self._call(Customer, "getGeneralPublicCustomer")

    async def customer(self, id: str) -> Customer | None:
        return await self._find(Customer, "getCustomer", path={"id": id})

    # reference data
    async def taxes(self) -> list[Tax]:
        return await self._call(list[Tax], "listTaxes")

    async def currencies(self) -> list[Currency]:
        return await self._call(list[Currency], "listCurrencies")

    async def payment_methods(self) -> list[PaymentMethod]:
        return await self._call(list[PaymentMethod], "listPaymentMethods")

    async def document_types(self) -> list[DocumentTypeInfo]:
        return await self._call(list[DocumentTypeInfo], "listDocumentTypes")

    # sales documents
    async def create_sales_document(
        self, doc: SalesDocumentIn, *, idempotency_key: str
    ) -> SalesDocument:
        headers = _idempotent(idempotency_key)
        return await self._call(SalesDocument, "createSalesDocument", body=doc, headers=headers)

    async def documents_for_order(self, shopify_order_id: str) -> list[SalesDocument]:
        query = {"shopify_order_id": shopify_order_id}
        return await self._call(list[SalesDocument], "findSalesDocuments", query=query)

    async def sales_document(self, id: str) -> SalesDocument | None:
        return await self._find(SalesDocument, "getSalesDocument", path={"id": id})

    async def cancel_sales_document(
        self, id: str, *, reason: str, idempotency_key: str
    ) -> SalesDocument:
        return await self._call(
            SalesDocument, "cancelSalesDocument", path={"id": id},
            body=CancelIn(reason=reason), headers=_idempotent(idempotency_key),
        )  # fmt: skip

    async def create_credit_note(
        self, document_id: str, note: CreditNoteIn, *, idempotency_key: str
    ) -> CreditNote:
        return await self._call(
            CreditNote, "createCreditNote", path={"id": document_id}, body=note,
            headers=_idempotent(idempotency_key),
        )  # fmt: skip

    # shipments
    async def shipments(
        self, since: str | None, limit: int = 100, document_id: str | None = None
    ) -> Page[Shipment]:
        query = {"since": since, "limit": limit, "document_id": document_id}
        return await self._call(Page[Shipment], "listShipments", query=query)

    async def shipment(self, id: str) -> Shipment | None:
        return await self._find(Shipment, "getShipment", path={"id": id})

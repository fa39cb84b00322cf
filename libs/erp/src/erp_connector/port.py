"""What the services need from an ERP, in their words.

Handlers depend on this Protocol, never on HTTP: tests give them an in-memory fake, the
composition root gives them ``HttpErp``. Every create takes the caller's idempotency key
(derived from the Shopify id it comes from) so a redelivered message repeats a harmless
call. Errors are those of ``erp_connector.errors``: permanent ones name the field,
``ErpUnavailable`` means retry the message later.
"""

from __future__ import annotations

from typing import Protocol

from erp_connector.models.catalog import Product, ProductIn
from erp_connector.models.common import Page
from erp_connector.models.customers import Customer, CustomerIn, CustomerMatch
from erp_connector.models.documents import (
    CreditNote,
    CreditNoteIn,
    SalesDocument,
    SalesDocumentIn,
)
from erp_connector.models.reference import Currency, DocumentTypeInfo, PaymentMethod, Tax
from erp_connector.models.shipments import Shipment
from erp_connector.models.stock import Movement, MovementIn, StockLevel, Warehouse


class ErpPort(Protocol):
    # catalog
    async def changed_products(self, since: str | None, limit: int = 100) -> Page[Product]:
        """Products changed after the cursor ``since`` (None: from the beginning)."""
        ...

    async def product_by_sku(self, sku: str) -> Product | None: ...

    async def create_product(self, product: ProductIn, *, idempotency_key: str) -> Product: ...

    async def update_product(self, product: ProductIn, *, expected_version: int | None) -> Product:
        """Replace ``product.code``; with ``expected_version``, ``ErpConflict`` when the
        product changed since the caller read it."""
        ...

    # stock
    async def warehouses(self) -> list[Warehouse]: ...

    async def stock(
        self, *, sku: str | None = None, warehouse: str | None = None
    ) -> list[StockLevel]: ...

    async def movements(self, since: str | None, limit: int = 100) -> Page[Movement]: ...

    async def record_movement(self, movement: MovementIn, *, idempotency_key: str) -> Movement: ...

    # customers
    async def upsert_customer(self, external_ref: str, customer: CustomerIn) -> Customer: ...

    async def match_customer(self, *, email: str | None, phone: str | None) -> CustomerMatch: ...

    async def general_public_customer(self) -> Customer: ...

    async def customer(self, id: str) -> Customer | None: ...

    # reference data the tenant maps Shopify's values onto
    async def taxes(self) -> list[Tax]: ...

    async def currencies(self) -> list[Currency]: ...

    async def payment_methods(self) -> list[PaymentMethod]: ...

    async def document_types(self) -> list[DocumentTypeInfo]: ...

    # sales documents and after-sale
    async def create_sales_document(
        self, doc: SalesDocumentIn, *, idempotency_key: str
    ) -> SalesDocument: ...

    async def documents_for_order(self, shopify_order_id: str) -> list[SalesDocument]:
        """Documents already made for a Shopify order: a replay finds them here."""
        ...

    async def sales_document(self, id: str) -> SalesDocument | None: ...

    async def cancel_sales_document(
        self, id: str, *, reason: str, idempotency_key: str
    ) -> SalesDocument: ...

    async def create_credit_note(
        self, document_id: str, note: CreditNoteIn, *, idempotency_key: str
    ) -> CreditNote: ...

    # shipments (become Shopify fulfillments)
    async def shipments(
        self, since: str | None, limit: int = 100, document_id: str | None = None
    ) -> Page[Shipment]: ...

    async def shipment(self, id: str) -> Shipment | None: ...

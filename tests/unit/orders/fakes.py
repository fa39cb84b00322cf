"""In-memory stand-ins for the orders handlers' ports: an ERP and the order store (the
after-sale store and the shop are in ``fakes_aftersale``)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, NoReturn

from erp_connector.errors import ErpConflict, ErpUnavailable
from erp_connector.models.catalog import Product, ProductIn
from erp_connector.models.common import Page
from erp_connector.models.customers import Customer, CustomerIn, CustomerMatch
from erp_connector.models.documents import (
    CreditNote,
    CreditNoteIn,
    SalesDocument,
    SalesDocumentIn,
)
from erp_connector.models.problems import Problem
from erp_connector.models.reference import Currency, DocumentTypeInfo, PaymentMethod, Tax
from erp_connector.models.shipments import Shipment
from erp_connector.models.stock import Movement, MovementIn, StockLevel, Warehouse
from orders.ports import Connection, DocumentLink


def _now() -> datetime:
    return datetime.now(UTC)


def _customer(id: str, data: CustomerIn | None, **extra: Any) -> Customer:
    fields = data.model_dump() if data is not None else {}
    fields.pop("billing_address", None)
    return Customer.model_validate(
        {
            "id": id,
            "external_ref": None,
            "first_name": "",
            "last_name": "",
            "company_name": "",
            "email": None,
            "phone": None,
            "tax_id": None,
            "billing_address": None,
            "is_general_public": False,
            "version": 1,
            "updated_at": _now(),
            **fields,
            **extra,
        }
    )


class FakeErp:
    """An ERP in memory: a catalogue of SKUs, a tax table, customers matched by e-mail
    then phone, documents keyed by idempotency key (the same key returns the same
    document). ``fail_next(n)`` makes the next n calls raise ``ErpUnavailable``."""

    def __init__(self, *, skus: set[str], taxes: dict[str, Tax]) -> None:
        self.skus = set(skus)
        self.tax_table = dict(taxes)
        self.customers: dict[str, Customer] = {}
        self.general_public = _customer("C-GP", None, is_general_public=True)
        self.documents: dict[str, SalesDocument] = {}  # by idempotency key
        self.sent: dict[str, SalesDocumentIn] = {}  # what each create asked for
        self.calls: list[str] = []
        # after-sale: cancels as (document id, reason, key); credit notes by key (the
        # same key answers the same note); shipments by document; a 409 on cancel
        self.cancels: list[tuple[str, str, str]] = []
        self.credit_notes: dict[str, tuple[str, CreditNoteIn, CreditNote]] = {}
        self.shipped: dict[str, list[Shipment]] = {}
        self.cancel_conflict: str | None = None
        self._failures = 0

    def fail_next(self, times: int) -> None:
        self._failures = times

    def _call(self, name: str) -> None:
        self.calls.append(name)
        if self._failures > 0:
            self._failures -= 1
            raise ErpUnavailable("503 Service Unavailable", attempts=3, operation=name)

    def add_customer(self, email: str | None = None, phone: str | None = None) -> Customer:
        customer = _customer(f"C-{len(self.customers) + 1}", CustomerIn(email=email, phone=phone))
        self.customers[customer.id] = customer
        return customer

    # the part of ErpPort the orders handler uses
    async def product_by_sku(self, sku: str) -> Product | None:
        self._call("product_by_sku")
        if sku not in self.skus:
            return None
        return Product.model_validate(
            {
                "code": sku,
                "title": sku,
                "description": "",
                "status": "active",
                "image_urls": [],
                "variants": [
                    {
                        "sku": sku,
                        "barcode": None,
                        "attributes": {},
                        "stock_managed": True,
                        "prices": [],
                    }
                ],
                "version": 1,
                "updated_at": _now(),
            }
        )

    async def upsert_customer(self, external_ref: str, customer: CustomerIn) -> Customer:
        self._call("upsert_customer")
        for existing in self.customers.values():
            if existing.external_ref == external_ref:
                updated = _customer(existing.id, customer, external_ref=external_ref)
                self.customers[existing.id] = updated
                return updated
        made = _customer(f"C-{len(self.customers) + 1}", customer, external_ref=external_ref)
        self.customers[made.id] = made
        return made

    async def match_customer(self, *, email: str | None, phone: str | None) -> CustomerMatch:
        self._call("match_customer")
        for key, value in (("email", email), ("phone", phone)):
            if value is None:
                continue
            for customer in self.customers.values():
                if getattr(customer, key) == value:
                    return CustomerMatch(customer=customer, matched_by=key)
        return CustomerMatch(customer=None, matched_by=None)

    async def general_public_customer(self) -> Customer:
        self._call("general_public_customer")
        return self.general_public

    async def taxes(self) -> list[Tax]:
        self._call("taxes")
        return list(self.tax_table.values())

    async def create_sales_document(
        self, doc: SalesDocumentIn, *, idempotency_key: str
    ) -> SalesDocument:
        self._call("create_sales_document")
        if idempotency_key in self.documents:
            return self.documents[idempotency_key]
        self.sent[idempotency_key] = doc
        number = len(self.documents) + 1
        lines = [
            {**line.model_dump(), "tax_amount": Decimal(0), "total": Decimal(0)}
            for line in doc.lines
        ]
        document = SalesDocument.model_validate(
            {
                "id": f"D-{number}",
                "number": f"P-{number}",
                "type": doc.type,
                "status": "open",
                "customer_id": doc.customer_id or self.general_public.id,
                "currency": doc.currency,
                "payment_method": doc.payment_method,
                "warehouse": doc.warehouse or "SHOPIFY",
                "lines": lines,
                "shipping": None,
                "external_refs": doc.external_refs.model_dump(),
                "totals": {"subtotal": 0, "discount": 0, "tax": 0, "total": 0},
                "created_at": _now(),
                "cancelled_at": None,
            }
        )
        self.documents[idempotency_key] = document
        return document

    async def documents_for_order(self, shopify_order_id: str) -> list[SalesDocument]:
        self._call("documents_for_order")
        return [
            d
            for d in self.documents.values()
            if d.external_refs.shopify_order_id == shopify_order_id
        ]

    # the rest of ErpPort: not used by the orders handler yet
    def _unused(self, name: str) -> NoReturn:
        raise NotImplementedError(f"FakeErp.{name}")

    async def changed_products(self, since: str | None, limit: int = 100) -> Page[Product]:
        self._unused("changed_products")

    async def create_product(self, product: ProductIn, *, idempotency_key: str) -> Product:
        self._unused("create_product")

    async def update_product(self, product: ProductIn, *, expected_version: int | None) -> Product:
        self._unused("update_product")

    async def warehouses(self) -> list[Warehouse]:
        self._unused("warehouses")

    async def stock(
        self, *, sku: str | None = None, warehouse: str | None = None
    ) -> list[StockLevel]:
        self._unused("stock")

    async def movements(self, since: str | None, limit: int = 100) -> Page[Movement]:
        self._unused("movements")

    async def record_movement(self, movement: MovementIn, *, idempotency_key: str) -> Movement:
        self._unused("record_movement")

    async def customer(self, id: str) -> Customer | None:
        return self.customers.get(id)

    async def currencies(self) -> list[Currency]:
        self._unused("currencies")

    async def payment_methods(self) -> list[PaymentMethod]:
        self._unused("payment_methods")

    async def document_types(self) -> list[DocumentTypeInfo]:
        self._unused("document_types")

    async def sales_document(self, id: str) -> SalesDocument | None:
        return next((d for d in self.documents.values() if d.id == id), None)

    def set_status(self, document_id: str, status: str) -> None:
        for key, doc in self.documents.items():
            if doc.id == document_id:
                self.documents[key] = doc.model_copy(update={"status": status})

    async def cancel_sales_document(
        self, id: str, *, reason: str, idempotency_key: str
    ) -> SalesDocument:
        self._call("cancel_sales_document")
        if self.cancel_conflict is not None:
            problem = Problem(title="Conflict", status=409, detail=self.cancel_conflict)
            raise ErpConflict(409, problem, operation="cancelSalesDocument")
        self.cancels.append((id, reason, idempotency_key))
        self.set_status(id, "cancelled")
        document = await self.sales_document(id)
        assert document is not None
        return document

    async def create_credit_note(
        self, document_id: str, note: CreditNoteIn, *, idempotency_key: str
    ) -> CreditNote:
        self._call("create_credit_note")
        if idempotency_key in self.credit_notes:
            return self.credit_notes[idempotency_key][2]
        document = await self.sales_document(document_id)
        if document is not None and document.status == "cancelled":
            problem = Problem(title="Conflict", status=409, detail="the document is cancelled")
            raise ErpConflict(409, problem, operation="createCreditNote")
        number = len(self.credit_notes) + 1
        made = CreditNote.model_validate(
            {
                "id": f"CN-{number}",
                "number": f"NC-{number}",
                "document_id": document_id,
                "lines": [],
                "shipping": None,
                "restock": note.restock,
                "totals": {"subtotal": 0, "discount": 0, "tax": 0, "total": 0},
                "external_refs": note.external_refs.model_dump(),
                "created_at": _now(),
            }
        )
        self.credit_notes[idempotency_key] = (document_id, note, made)
        return made

    async def shipments(
        self, since: str | None, limit: int = 100, document_id: str | None = None
    ) -> Page[Shipment]:
        self._call("shipments")
        found = [
            s
            for doc, shipments in self.shipped.items()
            if document_id in (None, doc)
            for s in shipments
        ]
        return Page[Shipment](items=found[:limit], next_cursor="0", has_more=False)

    async def shipment(self, id: str) -> Shipment | None:
        self._unused("shipment")


class FakeOrderStore:
    """``OrderStore`` in memory; ``fail_link`` simulates a crash before the commit."""

    def __init__(self) -> None:
        self.links: dict[tuple[str, str], DocumentLink] = {}
        self.fail_link = False

    async def document_for(
        self, conn: Connection, tenant: str, order_id: str
    ) -> DocumentLink | None:
        return self.links.get((tenant, order_id))

    async def order_for_document(
        self, conn: Connection, tenant: str, erp_document_id: str
    ) -> DocumentLink | None:
        return next(
            (
                link
                for (t, _), link in self.links.items()
                if t == tenant and link.erp_document_id == erp_document_id
            ),
            None,
        )

    async def link(self, conn: Connection, link: DocumentLink) -> None:
        if self.fail_link:
            raise ConnectionResetError("the database went away before the commit")
        key = (link.tenant, link.shopify_order_id)
        if key in self.links:
            raise AssertionError(f"second link for {key}")
        self.links[key] = link

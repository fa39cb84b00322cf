"""Sales documents, their cancellation and credit notes.

Every create takes an ``Idempotency-Key`` header: the same key returns the document it
made (200) and never makes a second one; the same key with a different body is a 409.
Amounts are before tax unless the line's tax code says ``included``; the ERP computes
tax and totals, and the document it answers is the one to trust.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field

from erp_connector.models.common import (
    Amount,
    Code,
    CurrencyCode,
    ExternalRefs,
    ExternalRefsOut,
    Out,
    Sku,
    Timestamp,
    Wire,
)
from erp_connector.models.reference import DocumentType

PositiveQuantity = Annotated[int, Field(gt=0, le=1_000_000)]
Text = Annotated[str, Field(max_length=255)]


class LineIn(Wire):
    sku: Sku
    description: Text = ""
    quantity: PositiveQuantity
    unit_price: Amount  # per unit, before tax unless the tax code is "included"
    discount: Amount = Decimal(0)  # amount off the whole line, same tax basis
    tax_code: Code


class ShippingIn(Wire):
    """Shipping as a service line: the ERP's service SKU, not a stocked product."""

    service_sku: Sku
    description: Text = ""
    amount: Amount
    tax_code: Code


class SalesDocumentIn(Wire):
    type: DocumentType
    customer_id: str | None = None  # None: the company's general public customer
    currency: CurrencyCode
    payment_method: Code
    warehouse: Code | None = None  # where stock leaves; None: the Shopify warehouse
    lines: list[LineIn] = Field(min_length=1, max_length=500)
    shipping: ShippingIn | None = None
    external_refs: ExternalRefs = Field(default_factory=ExternalRefs)
    notes: Annotated[str, Field(max_length=2000)] = ""
    # Added to the total as is (no tax), so the document can equal the source's total
    # to the cent when the two round tax differently; bounded, so it cannot hide a price.
    rounding: Annotated[Amount, Field(ge=-1, le=1)] = Decimal(0)


class Line(Out):
    sku: str
    description: str
    quantity: int
    unit_price: Amount
    discount: Amount
    tax_code: str
    tax_amount: Amount
    total: Amount  # quantity * unit_price - discount + tax (when not included)


class Totals(Out):
    subtotal: Amount  # before tax, after discounts
    discount: Amount
    tax: Amount
    rounding: Amount = Decimal(0)  # the document's rounding adjustment, in the total
    total: Amount


DocumentStatus = Literal["open", "shipped", "cancelled"]


class SalesDocument(Out):
    id: str
    number: str  # "<series>-<n>", gap-free per series
    type: DocumentType
    status: DocumentStatus
    customer_id: str
    currency: str
    payment_method: str
    warehouse: str
    lines: list[Line]
    shipping: Line | None
    external_refs: ExternalRefsOut
    totals: Totals
    created_at: Timestamp
    cancelled_at: Timestamp | None


class CancelIn(Wire):
    reason: Text = ""


class CreditLineIn(Wire):
    sku: Sku
    quantity: PositiveQuantity
    amount: Amount | None = None  # None: the document's unit price, pro rata


class CreditNoteIn(Wire):
    """A refund: with ``restock`` the goods come back (``return`` movements)."""

    lines: list[CreditLineIn] = Field(default_factory=list, max_length=500)
    shipping_amount: Amount | None = None
    restock: bool = False
    warehouse: Code | None = None  # where returned goods go; None: the document's
    external_refs: ExternalRefs = Field(default_factory=ExternalRefs)
    reason: Text = ""


class CreditNote(Out):
    id: str
    number: str
    document_id: str
    lines: list[Line]
    shipping: Line | None
    restock: bool
    totals: Totals
    external_refs: ExternalRefsOut
    created_at: Timestamp

"""Reference data a tenant maps Shopify's values onto: taxes, currencies, payment methods
and the sales document types with their numbering series."""

from __future__ import annotations

from typing import Literal

from erp_connector.models.common import Amount, Out

DocumentType = Literal["order", "remission", "delivery_note", "invoice"]


class Tax(Out):
    code: str
    name: str
    rate: Amount  # 0.16 for 16 %
    included: bool  # True: prices with this code already include the tax


class Currency(Out):
    code: str
    name: str
    is_default: bool


class PaymentMethod(Out):
    code: str
    name: str
    # Credit sales (net terms) become documents only once fully paid; see ARCHITECTURE.
    is_credit: bool


class DocumentTypeInfo(Out):
    type: DocumentType
    name: str
    series: str  # numbering prefix: documents of this type are "<series>-<n>"
    moves_stock: bool  # True: creating one records sale exits; "order" reserves instead

"""Scalars and shapes every part of the connector API shares.

Money and rates travel as decimal strings ("12.50"), never floats: an ERP document must
add up to the cent. Codes are the ERP's own identifiers (SKU, warehouse, tax code...).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema

DECIMAL_PATTERN = r"^-?[0-9]{1,15}(\.[0-9]{1,6})?$"

Amount = Annotated[
    Decimal,
    Field(max_digits=21, decimal_places=6),
    PlainSerializer(lambda v: format(v, "f"), return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "pattern": DECIMAL_PATTERN, "examples": ["12.50"]}),
]
"""A decimal amount, rate or price; a string on the wire."""

Code = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")]
"""An ERP identifier: SKU, product code, warehouse, tax code, price list, series."""

Sku = Code
CurrencyCode = Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
Cursor = Annotated[str, Field(max_length=128)]
"""Opaque position in a change feed; pass back what the previous page returned."""

Timestamp = datetime  # RFC 3339 with offset on the wire


class Wire(BaseModel):
    """Every body of the API: unknown fields are refused, so a typo is a 422, not a no-op."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Out(BaseModel):
    """Every answer of the API: clients ignore fields they do not know (forward-compatible)."""

    model_config = ConfigDict(extra="ignore", frozen=True)


ItemT = TypeVar("ItemT")


class Page(Out, Generic[ItemT]):
    """One page of a change feed. ``next_cursor`` is where to continue; it is also
    returned on the last page, so a poller keeps it and asks again later."""

    items: list[ItemT]
    next_cursor: Cursor
    has_more: bool


class ExternalRefs(Wire):
    """Where a document came from in Shopify: kept so support can find one from the other
    and so a replayed order can be matched to the document it already made."""

    shopify_order_id: Annotated[str, Field(pattern=r"^[0-9]{1,20}$")] | None = None
    shopify_order_name: Annotated[str, Field(max_length=64)] | None = None
    shopify_refund_id: Annotated[str, Field(pattern=r"^[0-9]{1,20}$")] | None = None


class ExternalRefsOut(Out):
    """``ExternalRefs`` as answers carry them: fields an ERP adds are ignored, not refused."""

    shopify_order_id: str | None = None
    shopify_order_name: str | None = None
    shopify_refund_id: str | None = None

"""Products as the ERP keeps them: one product, variants made by attributes, a SKU each.

Prices are per price list and before tax, with the tax code that applies: the services
turn them into Shopify prices with the tenant's tax rules, never the other way round.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, HttpUrl

from erp_connector.models.common import Amount, Code, CurrencyCode, Out, Sku, Timestamp, Wire

ProductStatus = Literal["active", "draft", "archived"]
Barcode = Annotated[str, Field(min_length=1, max_length=64)]
AttributeName = Annotated[str, Field(min_length=1, max_length=64)]
AttributeValue = Annotated[str, Field(min_length=1, max_length=255)]


class PriceIn(Wire):
    price_list: Code
    amount: Amount  # before tax
    currency: CurrencyCode
    tax_code: Code


class VariantIn(Wire):
    sku: Sku
    barcode: Barcode | None = None
    # The attributes that make this variant, in option order: {"Size": "M", "Color": "Red"}.
    attributes: dict[AttributeName, AttributeValue] = Field(default_factory=dict, max_length=3)
    stock_managed: bool = True
    prices: list[PriceIn] = Field(default_factory=list, max_length=20)


class ProductIn(Wire):
    """Create (POST) or replace (PUT) a product; tenants that let Shopify create products."""

    code: Code
    title: Annotated[str, Field(min_length=1, max_length=255)]
    description: Annotated[str, Field(max_length=65535)] = ""
    status: ProductStatus = "active"
    image_urls: list[HttpUrl] = Field(default_factory=list, max_length=50)
    variants: list[VariantIn] = Field(min_length=1, max_length=250)


class Price(Out):
    price_list: str
    amount: Amount
    currency: str
    tax_code: str


class Variant(Out):
    sku: str
    barcode: str | None
    attributes: dict[str, str]
    stock_managed: bool
    prices: list[Price]


class Product(Out):
    code: str
    title: str
    description: str
    status: ProductStatus
    image_urls: list[str]
    variants: list[Variant]
    # Grows by one at every change: consumers drop events older than what they applied.
    version: Annotated[int, Field(ge=1)]
    updated_at: Timestamp

"""A tenant's orders policy: which ERP document a Shopify order becomes, when, and how
Shopify's values (tax rates, gateways, locations) map onto the ERP's codes.

A model module (pydantic only, no I/O), so the pure domain can import it. Mappings are
explicit on purpose: a value with no mapping refuses the order with a readable reason,
it is never guessed.

Tax keys: a tax rate as a plain decimal string, the way Shopify sends it in a tax line
(``"0.16"`` for 16 %, ``"0"`` for a zero rate; no exponent, no trailing zeros). A key may
be qualified by the tax line's title, ``"0.16|IVA"``, which wins over the bare rate, so
two taxes of the same rate (a state and a city tax) can map to different ERP codes. A
line carrying several tax lines maps through the ``+``-joined key of its rates in
Shopify's order (``"0.05+0.07"`` or ``"0.05|GST+0.07|PST"``): one ERP line has one tax
code, so a combined tax is an ERP code of its own.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from erp_connector.models.reference import DocumentType
from pydantic import BaseModel, ConfigDict, Field

Trigger = Literal["created", "paid", "fulfilled"]
Channel = Literal["online", "pos"]
ErpCode = Annotated[str, Field(min_length=1, max_length=64)]


class OrdersPolicy(BaseModel):
    """How one tenant turns Shopify orders into ERP sales documents."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    document_type: DocumentType = "order"
    trigger: Trigger = "created"
    channels: frozenset[Channel] = frozenset({"online", "pos"})
    # Shopify location id (as a string) -> ERP warehouse; an unmapped or absent location
    # uses ``default_warehouse``, and None there is the ERP's own Shopify warehouse.
    location_warehouses: dict[str, ErpCode] = Field(default_factory=dict)
    default_warehouse: ErpCode | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]  # the tenant's ERP currency
    # Other currencies the ERP keeps documents in: an order in one of them becomes a
    # document in that currency; any other currency is refused.
    other_currencies: frozenset[Annotated[str, Field(pattern=r"^[A-Z]{3}$")]] = frozenset()
    # Tax key (see the module docstring) -> ERP tax code whose prices exclude tax, used
    # for orders with ``taxes_included: false``.
    tax_codes: dict[str, ErpCode] = Field(default_factory=dict)
    # The same for orders with ``taxes_included: true``: the ERP code must be one whose
    # prices include the tax, or the ERP would add it a second time.
    included_tax_codes: dict[str, ErpCode] = Field(default_factory=dict)
    # Lines with no tax line at all; None refuses them (the tenant has no exempt tax).
    exempt_tax_code: ErpCode | None = None
    # Shipping with no tax line: this code, else ``exempt_tax_code``.
    shipping_tax_code: ErpCode | None = None
    shipping_service_sku: ErpCode = "SHIPPING"
    # Shopify gateway name ("shopify_payments", "manual", "Cash on Delivery (COD)") -> ERP
    # payment method; the first mapped gateway of the order wins, else the default.
    payment_methods: dict[str, ErpCode] = Field(default_factory=dict)
    default_payment_method: ErpCode | None = None
    # ERP payment methods that are credit sales: documented only once fully paid.
    credit_payment_methods: frozenset[str] = frozenset()
    # Largest accepted difference between Shopify's total and the ERP's, in the currency.
    rounding_tolerance: Annotated[Decimal, Field(ge=0, le=1)] = Decimal("0.02")

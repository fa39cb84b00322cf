"""Customers: upserted by the platform's external reference, matched by e-mail then phone.

Each company has one "general public" customer for sales without an identified buyer
(guest checkouts, POS), as Mexican and most Latin-American ERPs require.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from erp_connector.models.common import Out, Timestamp, Wire

Email = Annotated[str, Field(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Phone = Annotated[str, Field(pattern=r"^\+?[0-9 ()./-]{5,32}$")]
ExternalRef = Annotated[str, Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9:._/-]+$")]


class AddressIn(Wire):
    line1: Annotated[str, Field(max_length=255)] = ""
    line2: Annotated[str, Field(max_length=255)] = ""
    city: Annotated[str, Field(max_length=128)] = ""
    province: Annotated[str, Field(max_length=128)] = ""
    postal_code: Annotated[str, Field(max_length=32)] = ""
    country_code: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None


class CustomerIn(Wire):
    first_name: Annotated[str, Field(max_length=128)] = ""
    last_name: Annotated[str, Field(max_length=128)] = ""
    company_name: Annotated[str, Field(max_length=255)] = ""
    email: Email | None = None
    phone: Phone | None = None
    tax_id: Annotated[str, Field(max_length=32)] | None = None
    billing_address: AddressIn | None = None


class Address(Out):
    line1: str
    line2: str
    city: str
    province: str
    postal_code: str
    country_code: str | None


class Customer(Out):
    id: str
    external_ref: str | None
    first_name: str
    last_name: str
    company_name: str
    email: str | None
    phone: str | None
    tax_id: str | None
    billing_address: Address | None
    is_general_public: bool
    version: Annotated[int, Field(ge=1)]
    updated_at: Timestamp


class CustomerMatch(Out):
    """``customer`` is null when nothing matched; ``matched_by`` says which key matched."""

    customer: Customer | None
    matched_by: Literal["email", "phone"] | None

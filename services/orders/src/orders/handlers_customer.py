"""The ERP customer of an order: the general public for guests, else an existing ERP
customer matched by e-mail then phone, else one upserted by our external reference."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from erp_connector.models.customers import AddressIn, CustomerIn
from pydantic import ValidationError

from orders.domain import InvalidDocument
from orders.ports import ErpPort


def _text(value: object, limit: int) -> str:
    return str(value or "")[:limit]


def _address(raw: object) -> AddressIn | None:
    if not isinstance(raw, Mapping):
        return None
    country = raw.get("country_code")
    return AddressIn(
        line1=_text(raw.get("address1"), 255),
        line2=_text(raw.get("address2"), 255),
        city=_text(raw.get("city"), 128),
        province=_text(raw.get("province"), 128),
        postal_code=_text(raw.get("zip"), 32),
        country_code=country if isinstance(country, str) and country else None,
    )


def customer_in(order: Mapping[str, Any], customer: Mapping[str, Any]) -> CustomerIn:
    """The ERP customer's fields from the order's buyer; a value the ERP contract does
    not accept refuses the order with the field named, it is never silently dropped."""
    try:
        return CustomerIn(
            first_name=_text(customer.get("first_name"), 128),
            last_name=_text(customer.get("last_name"), 128),
            email=customer.get("email") or order.get("email") or None,
            phone=customer.get("phone") or order.get("phone") or None,
            billing_address=_address(order.get("billing_address")),
        )
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidDocument(f"customer.{where}: {first['msg']}") from None


async def erp_customer_id(erp: ErpPort, order: Mapping[str, Any]) -> str:
    """The ERP customer id the document is made for.

    A guest order (no ``customer``) uses the company's general public customer. For a
    known buyer we *match first*: the merchant may already keep this person in the ERP
    (made by hand, or by another channel) without our external reference, and upserting
    by reference alone would make a duplicate. Only when nothing matches do we upsert by
    ``shopify:<customer id>``, which is idempotent: a redelivery, or a retry after a
    crash between this call and the document, finds the same customer (by reference, or
    by the e-mail it now carries) instead of making a second one. A matched customer is
    not updated here: keeping customer details in step is the customers flow's job.
    """
    customer = order.get("customer")
    if not isinstance(customer, Mapping) or customer.get("id") is None:
        return (await erp.general_public_customer()).id
    wanted = customer_in(order, customer)
    if wanted.email is not None or wanted.phone is not None:
        match = await erp.match_customer(email=wanted.email, phone=wanted.phone)
        if match.customer is not None:
            return match.customer.id
    return (await erp.upsert_customer(f"shopify:{customer['id']}", wanted)).id

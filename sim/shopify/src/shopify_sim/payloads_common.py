"""Formatting shared by every webhook body: money, timestamps, addresses, customers.

Webhook bodies are REST resources: money is a string with two decimals ("12.50"),
``*_set`` objects carry it in shop and presentment currency (the emulator has one
currency per shop, so both are the same), timestamps are ISO-8601 with an offset.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from shopify_sim.order_totals import cents
from shopify_sim.state import Address, Customer, Shop, gid


def money(amount: Decimal) -> str:
    return str(cents(amount))


def money_set(amount: Decimal, currency: str) -> dict[str, Any]:
    bag = {"amount": money(amount), "currency_code": currency}
    return {"shop_money": dict(bag), "presentment_money": dict(bag)}


def ts(moment: datetime | None) -> str | None:
    """``2021-12-31T19:00:00-05:00`` form: seconds, explicit offset."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.isoformat(timespec="seconds")


def ts_millis_z(moment: datetime) -> str:
    """``2022-01-01T00:00:00.000Z`` form, used by ``variant_gids``."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def tags(values: list[str]) -> str:
    return ", ".join(values)


def _name(first: str | None, last: str | None) -> str:
    return " ".join(p for p in (first, last) if p)


def address_body(address: Address | None) -> dict[str, Any] | None:
    """An order's billing/shipping address, or a fulfillment's destination."""
    if address is None:
        return None
    return {
        "first_name": address.first_name,
        "address1": address.address1,
        "phone": address.phone,
        "city": address.city,
        "zip": address.zip,
        "province": address.province,
        "country": address.country,
        "last_name": address.last_name,
        "address2": address.address2,
        "company": address.company,
        "latitude": None,
        "longitude": None,
        "name": _name(address.first_name, address.last_name),
        "country_code": address.country_code,
        "province_code": address.province_code,
    }


def customer_address_body(customer: Customer, address: Address, default: bool) -> dict[str, Any]:
    return {
        "id": address.id,
        "customer_id": customer.id,
        "first_name": address.first_name,
        "last_name": address.last_name,
        "company": address.company,
        "address1": address.address1,
        "address2": address.address2,
        "city": address.city,
        "province": address.province,
        "country": address.country,
        "zip": address.zip,
        "phone": address.phone,
        "name": _name(address.first_name, address.last_name),
        "province_code": address.province_code,
        "country_code": address.country_code,
        "country_name": address.country,
        "default": default,
    }


def customer_fields(shop: Shop, customer: Customer) -> dict[str, Any]:
    """The customer as embedded in an order (the customers/* body without `addresses`)."""
    default = customer.addresses[0] if customer.addresses else None
    return {
        "id": customer.id,
        "email": customer.email,
        "created_at": ts(customer.created_at),
        "updated_at": ts(customer.updated_at),
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "state": customer.state,
        "note": customer.note,
        "verified_email": customer.verified_email,
        "multipass_identifier": None,
        "tax_exempt": customer.tax_exempt,
        "phone": customer.phone,
        "currency": customer.currency or shop.currency,
        "tax_exemptions": [],
        "admin_graphql_api_id": gid("Customer", customer.id),
        "default_address": (
            customer_address_body(customer, default, True) if default is not None else None
        ),
    }

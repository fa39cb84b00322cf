"""Customer operations: customerCreate, customerUpdate and customerSet.

Input is the GraphQL ``CustomerInput`` / ``CustomerSetInput`` dict (camelCase keys). As
in Shopify an email and a phone belong to one customer per shop (``TAKEN``), a customer
needs a name, an email or a phone, and list fields (addresses, tags) given are replaced
whole. Every change emits customers/create or customers/update.
"""

from __future__ import annotations

import re
from typing import Any

from shopify_sim.errors import UserError, UserErrors
from shopify_sim.payloads import customer_body
from shopify_sim.state import Address, Customer, Shop, SimState, parse_gid

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_COUNTRIES = {
    "US": "United States",
    "CA": "Canada",
    "MX": "Mexico",
    "GB": "United Kingdom",
    "FR": "France",
    "DE": "Germany",
    "ES": "Spain",
    "IT": "Italy",
    "NL": "Netherlands",
    "NO": "Norway",
    "SE": "Sweden",
    "DK": "Denmark",
    "IN": "India",
    "AU": "Australia",
}
_FIELDS = {
    "email": "email",
    "firstName": "first_name",
    "lastName": "last_name",
    "phone": "phone",
    "note": "note",
    "taxExempt": "tax_exempt",
}


def _address(state: SimState, spec: dict[str, Any]) -> Address:
    code = spec.get("countryCode")
    return Address(
        id=state.next_id(),
        first_name=spec.get("firstName"),
        last_name=spec.get("lastName"),
        company=spec.get("company"),
        address1=spec.get("address1"),
        address2=spec.get("address2"),
        city=spec.get("city"),
        province_code=spec.get("provinceCode"),
        province=spec.get("provinceCode"),
        country_code=code,
        country=_COUNTRIES.get(code, code) if code else None,
        zip=spec.get("zip"),
        phone=spec.get("phone"),
    )


def _check(shop: Shop, spec: dict[str, Any], customer: Customer | None) -> None:
    errors: list[UserError] = []
    email = spec.get("email")
    if email is not None and email != "" and not _EMAIL.match(email):
        errors.append(UserError("Email is invalid", ["email"], "INVALID"))
    for key in ("email", "phone"):
        value = spec.get(key)
        if not value:
            continue
        for other in shop.customers.values():
            theirs = getattr(other, key)
            if other is not customer and theirs and theirs.lower() == str(value).lower():
                label = "Email" if key == "email" else "Phone"
                errors.append(UserError(f"{label} has already been taken", [key], "TAKEN"))
                break
    merged = {k: spec.get(k, getattr(customer, v, None)) for k, v in _FIELDS.items()}
    if not any(merged.get(k) for k in ("email", "phone", "firstName", "lastName")):
        errors.append(
            UserError("A name, phone number, or email address must be present", ["email"], "BLANK")
        )
    if errors:
        raise UserErrors(errors)


def _apply(state: SimState, customer: Customer, spec: dict[str, Any]) -> None:
    for key, attr in _FIELDS.items():
        if key in spec:
            value = spec[key]
            setattr(customer, attr, bool(value) if key == "taxExempt" else value or None)
    if spec.get("tags") is not None:
        customer.tags = [t.strip() for t in spec["tags"] if t.strip()]
    if spec.get("addresses") is not None:
        customer.addresses = [_address(state, a) for a in spec["addresses"]]
    customer.updated_at = state.now()


def _emit(state: SimState, shop: Shop, customer: Customer, created: bool) -> None:
    with state.action():
        topic = "customers/create" if created else "customers/update"
        state.emit(shop, topic, customer_body(shop, customer))


def create_customer(state: SimState, shop: Shop, spec: dict[str, Any]) -> Customer:
    if spec.get("id"):
        raise UserErrors.one("Id is not allowed when creating a customer", ["id"], "INVALID")
    _check(shop, spec, None)
    now = state.now()
    customer = Customer(id=state.next_id(), created_at=now, updated_at=now, currency=shop.currency)
    _apply(state, customer, spec)
    shop.customers[customer.id] = customer
    _emit(state, shop, customer, created=True)
    return customer


def _find(shop: Shop, value: str, path: list[str]) -> Customer:
    try:
        customer = shop.customers.get(parse_gid(value, "Customer")[1])
    except ValueError:
        customer = None
    if customer is None:
        raise UserErrors.one("Customer does not exist", path, "NOT_FOUND")
    return customer


def update_customer(state: SimState, shop: Shop, spec: dict[str, Any]) -> Customer:
    if not spec.get("id"):
        raise UserErrors.one("Customer id is required", ["id"], "BLANK")
    customer = _find(shop, spec["id"], ["id"])
    _check(shop, spec, customer)
    _apply(state, customer, spec)
    _emit(state, shop, customer, created=False)
    return customer


def set_customer(
    state: SimState, shop: Shop, spec: dict[str, Any], identifier: dict[str, Any] | None
) -> tuple[Customer, bool]:
    """Upsert by identifier (id, email or phone); without one, create. (customer, created)."""
    customer: Customer | None = None
    ident = identifier or {}
    if ident.get("id"):
        customer = _find(shop, ident["id"], ["identifier", "id"])
    else:
        for key in ("email", "phone"):
            wanted = ident.get(key)
            if wanted:
                if spec.get(key) is not None and str(spec[key]).lower() != str(wanted).lower():
                    raise UserErrors.one(
                        f"The {key} in the input must match the identifier",
                        ["input", key],
                        "INPUT_MISMATCH",
                    )
                customer = next(
                    (
                        c
                        for c in shop.customers.values()
                        if (getattr(c, key) or "").lower() == str(wanted).lower()
                    ),
                    None,
                )
                spec = {key: wanted, **spec}
                break
    if customer is None:
        return create_customer(state, shop, spec), True
    _check(shop, spec, customer)
    _apply(state, customer, spec)
    _emit(state, shop, customer, created=False)
    return customer, False

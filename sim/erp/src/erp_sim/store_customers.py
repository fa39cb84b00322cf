"""Customers: upserted by the platform's external reference, matched by e-mail then phone.

An upsert of a new reference first adopts an existing customer without one that has the
same e-mail (then phone): the first-time link merchants expect, instead of a duplicate.
Every change bumps ``version`` and writes ``customer.changed``; an upsert that changes
nothing writes nothing.
"""

from __future__ import annotations

import uuid
from typing import Any, Literal

from erp_connector.models.customers import Address, Customer, CustomerIn
from erp_connector.models.events import CustomerChanged

from erp_sim import events
from erp_sim.db import Conn

_FIELDS = ("first_name", "last_name", "company_name", "email", "phone", "tax_id")


def _customer(r: Any) -> Customer:
    address = r["billing_address"]
    return Customer(
        id=r["id"],
        external_ref=r["external_ref"],
        first_name=r["first_name"],
        last_name=r["last_name"],
        company_name=r["company_name"],
        email=r["email"],
        phone=r["phone"],
        tax_id=r["tax_id"],
        billing_address=None if address is None else Address.model_validate(address),
        is_general_public=r["is_general_public"],
        version=r["version"],
        updated_at=r["updated_at"],
    )


async def get(conn: Conn, company_id: str, customer_id: str) -> Customer | None:
    r = await conn.fetchrow(
        "SELECT * FROM customers WHERE company_id = $1 AND id = $2", company_id, customer_id
    )
    return None if r is None else _customer(r)


async def general_public(conn: Conn, company_id: str) -> Customer | None:
    r = await conn.fetchrow(
        "SELECT * FROM customers WHERE company_id = $1 AND is_general_public", company_id
    )
    return None if r is None else _customer(r)


async def create_general_public(conn: Conn, company_id: str) -> Customer:
    r = await conn.fetchrow(
        "INSERT INTO customers (company_id, id, first_name, company_name, is_general_public) "
        "VALUES ($1, $2, 'Público en General', 'Público en General', true) RETURNING *",
        company_id,
        f"{company_id}-general-public",
    )
    return _customer(r)


async def match(
    conn: Conn, company_id: str, email: str | None, phone: str | None, *, unlinked: bool = False
) -> tuple[Customer | None, Literal["email", "phone"] | None]:
    """The first customer with this e-mail (case-insensitive), else with this phone."""
    extra = " AND external_ref IS NULL" if unlinked else ""
    if email:
        r = await conn.fetchrow(
            "SELECT * FROM customers WHERE company_id = $1 AND lower(email) = lower($2) "  # noqa: S608 - fixed fragments
            "AND NOT is_general_public" + extra + " ORDER BY updated_at, id LIMIT 1",
            company_id,
            email,
        )
        if r is not None:
            return _customer(r), "email"
    if phone:
        r = await conn.fetchrow(
            "SELECT * FROM customers WHERE company_id = $1 AND phone = $2 "  # noqa: S608 - fixed fragments
            "AND NOT is_general_public" + extra + " ORDER BY updated_at, id LIMIT 1",
            company_id,
            phone,
        )
        if r is not None:
            return _customer(r), "phone"
    return None, None


async def upsert(conn: Conn, company_id: str, external_ref: str, body: CustomerIn) -> Customer:
    await conn.execute(
        "SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))",
        f"{company_id}\x1fcustomer",
        external_ref,
    )
    r = await conn.fetchrow(
        "SELECT * FROM customers WHERE company_id = $1 AND external_ref = $2 FOR UPDATE",
        company_id,
        external_ref,
    )
    current = None if r is None else _customer(r)
    if current is None:
        current, _ = await match(conn, company_id, body.email, body.phone, unlinked=True)
    address = None if body.billing_address is None else body.billing_address.model_dump()
    values = [getattr(body, name) for name in _FIELDS]
    if current is not None:
        same = (
            current.external_ref == external_ref
            and [getattr(current, name) for name in _FIELDS] == values
            and (current.billing_address and current.billing_address.model_dump()) == address
        )
        if same:
            return current
        r = await conn.fetchrow(
            "UPDATE customers SET external_ref = $3, first_name = $4, last_name = $5, "
            "company_name = $6, email = $7, phone = $8, tax_id = $9, billing_address = $10, "
            "version = version + 1, updated_at = now() WHERE company_id = $1 AND id = $2 "
            "RETURNING *",
            company_id,
            current.id,
            external_ref,
            *values,
            address,
        )
    else:
        r = await conn.fetchrow(
            "INSERT INTO customers (company_id, id, external_ref, first_name, last_name, "
            "company_name, email, phone, tax_id, billing_address) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING *",
            company_id,
            str(uuid.uuid4()),
            external_ref,
            *values,
            address,
        )
    customer = _customer(r)
    data = CustomerChanged(id=customer.id, external_ref=customer.external_ref)
    await events.emit(conn, company_id, events.customer_changed(data, customer.version))
    return customer

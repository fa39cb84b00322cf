"""Customers and addresses: queries, fields and the customer mutations."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from shopify_sim import customers as ops
from shopify_sim.errors import UserErrors
from shopify_sim.order_totals import captured
from shopify_sim.resolvers_common import (
    Info,
    OrderPart,
    connection,
    ctx,
    id_of,
    money_v2,
    payload,
    resolver,
)
from shopify_sim.search import search
from shopify_sim.state import Address, Customer, gid

_SORT = {
    "ID": lambda c: c.id,
    "UPDATED_AT": lambda c: c.updated_at,
    "CREATED_AT": lambda c: c.created_at,
    "NAME": lambda c: f"{c.first_name or ''} {c.last_name or ''}".strip().lower(),
}
_FIELDS = {
    "id": lambda c: c.id,
    "email": lambda c: c.email,
    "phone": lambda c: c.phone,
    "first_name": lambda c: c.first_name,
    "last_name": lambda c: c.last_name,
    "tag": lambda c: c.tags,
    "state": lambda c: c.state,
    "updated_at": lambda c: c.updated_at,
    "created_at": lambda c: c.created_at,
}


@resolver("QueryRoot", "customers")
def customers(_: None, info: Info, **args: Any) -> dict[str, Any]:
    found = search(
        ctx(info).shop.customers.values(),
        args.get("query"),
        _FIELDS,
        lambda c: [c.first_name, c.last_name, c.email, c.phone],
    )
    sort = _SORT.get(args.get("sortKey") or "ID", _SORT["ID"])
    return connection(info, found, args, sort)


@resolver("QueryRoot", "customer")
def customer(_: None, info: Info, id: str) -> Customer | None:
    number = id_of(id, "Customer")
    return ctx(info).shop.customers.get(number) if number is not None else None


@resolver("Customer", "displayName")
def display_name(c: Customer, _: Info) -> str:
    name = f"{c.first_name or ''} {c.last_name or ''}".strip()
    return name or c.email or c.phone or ""


@resolver("Customer", "state")
def state(c: Customer, _: Info) -> str:
    return c.state.upper()


@resolver("Customer", "locale")
def locale(c: Customer, _: Info) -> str:
    return "en"


@resolver("Customer", "defaultAddress")
def default_address(c: Customer, _: Info) -> Address | None:
    return c.addresses[0] if c.addresses else None


@resolver("Customer", "addresses")
def addresses(c: Customer, _: Info, first: int | None = None) -> list[Address]:
    return c.addresses[:first] if first is not None else list(c.addresses)


@resolver("Customer", "addressesV2")
def addresses_v2(c: Customer, info: Info, **args: Any) -> dict[str, Any]:
    positions = {a.id: i for i, a in enumerate(c.addresses)}
    return connection(info, c.addresses, args, lambda a: positions[a.id], lambda a: positions[a.id])


def _orders(c: Customer, info: Info) -> list[Any]:
    return [o for o in ctx(info).shop.orders.values() if o.customer_id == c.id]


@resolver("Customer", "numberOfOrders")
def number_of_orders(c: Customer, info: Info) -> int:
    return len(_orders(c, info))


@resolver("Customer", "amountSpent")
def amount_spent(c: Customer, info: Info) -> dict[str, Any]:
    spent = sum((captured(o) - o.total_refunded for o in _orders(c, info)), Decimal(0))
    return money_v2(spent, ctx(info).shop.currency)


# -- MailingAddress (customer addresses, and order addresses as OrderPart) ----------


@resolver("MailingAddress", "id")
def address_id(address: Address | OrderPart, _: Info) -> str:
    if isinstance(address, OrderPart):
        kind = "Billing" if address.part is address.order.billing_address else "Shipping"
        return f"{gid('MailingAddress', address.order.id)}?model_name={kind}Address"
    return f"{gid('MailingAddress', address.id or 0)}?model_name=CustomerAddress"


@resolver("MailingAddress", "name")
def address_name(address: Address | OrderPart, _: Info) -> str:
    a: Address = address.part if isinstance(address, OrderPart) else address
    return f"{a.first_name or ''} {a.last_name or ''}".strip()


@resolver("MailingAddress", "countryCodeV2")
def country_code(address: Address | OrderPart, _: Info) -> str | None:
    a: Address = address.part if isinstance(address, OrderPart) else address
    return a.country_code


# -- mutations ----------------------------------------------------------------------


@resolver("Mutation", "customerCreate")
def customer_create(_: None, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    context = ctx(info)
    try:
        found = ops.create_customer(context.state, context.shop, input)
    except UserErrors as refused:
        return payload(refused, customer=None)
    return {"customer": found, "userErrors": []}


@resolver("Mutation", "customerUpdate")
def customer_update(_: None, info: Info, input: dict[str, Any]) -> dict[str, Any]:
    context = ctx(info)
    try:
        found = ops.update_customer(context.state, context.shop, input)
    except UserErrors as refused:
        return payload(refused, customer=None)
    return {"customer": found, "userErrors": []}


@resolver("Mutation", "customerSet")
def customer_set(
    _: None, info: Info, input: dict[str, Any], identifier: dict[str, Any] | None = None
) -> dict[str, Any]:
    context = ctx(info)
    try:
        found, _created = ops.set_customer(context.state, context.shop, input, identifier)
    except UserErrors as refused:
        return payload(refused, customer=None)
    return {"customer": found, "userErrors": []}

"""Customers, reference data, sales documents and shipments (handlers of ``erp_sim.api``)."""

from __future__ import annotations

import re
from typing import Any

from erp_connector.models.common import Page
from erp_connector.models.customers import Customer, CustomerMatch
from erp_connector.models.documents import SalesDocument
from erp_connector.models.shipments import Shipment

from erp_sim import (
    store_aftersale,
    store_customers,
    store_documents,
    store_reference,
    store_shipments,
)
from erp_sim.api import Call, Handler
from erp_sim.db import Conn
from erp_sim.feeds import cursor, page
from erp_sim.problems import invalid, not_found

_EXTERNAL_REF = re.compile(r"^[A-Za-z0-9:._/-]{1,128}$")  # customers.ExternalRef


async def upsert_customer(conn: Conn, call: Call) -> Customer:
    ref = call.path["external_ref"]
    if not _EXTERNAL_REF.match(ref):
        raise invalid("external_ref", "1 to 128 of A-Z a-z 0-9 : . _ / -")
    return await store_customers.upsert(conn, call.company_id, ref, call.body)


async def match_customer(conn: Conn, call: Call) -> CustomerMatch:
    if call.query.email is None and call.query.phone is None:
        raise invalid("email", "give an e-mail or a phone")
    customer, by = await store_customers.match(
        conn, call.company_id, call.query.email, call.query.phone
    )
    return CustomerMatch(customer=customer, matched_by=by)


async def general_public(conn: Conn, call: Call) -> Customer:
    customer = await store_customers.general_public(conn, call.company_id)
    if customer is None:
        raise not_found("general public customer")
    return customer


async def get_customer(conn: Conn, call: Call) -> Customer:
    customer = await store_customers.get(conn, call.company_id, call.path["id"])
    if customer is None:
        raise not_found(f"customer {call.path['id']!r}")
    return customer


async def get_document(conn: Conn, call: Call) -> SalesDocument:
    row = await store_documents.get(conn, call.company_id, call.path["id"])
    if row is None:
        raise not_found(f"sales document {call.path['id']!r}")
    return store_documents.render(row)


async def list_shipments(conn: Conn, call: Call) -> Page[Shipment]:
    q = call.query
    start = cursor(q.since)
    rows = await store_shipments.since(conn, call.company_id, start, q.limit + 1, q.document_id)
    return page(rows, q.limit, start)


async def get_shipment(conn: Conn, call: Call) -> Shipment:
    shipment = await store_shipments.get(conn, call.company_id, call.path["id"])
    if shipment is None:
        raise not_found(f"shipment {call.path['id']!r}")
    return shipment


def _company(fetch: Any) -> Handler:
    async def handler(conn: Conn, call: Call) -> Any:
        return await fetch(conn, call.company_id)

    return handler


HANDLERS: dict[str, Handler] = {
    "upsertCustomer": upsert_customer,
    "matchCustomer": match_customer,
    "getGeneralPublicCustomer": general_public,
    "getCustomer": get_customer,
    "listTaxes": _company(store_reference.taxes),
    "listCurrencies": _company(store_reference.currencies),
    "listPaymentMethods": _company(store_reference.payment_methods),
    "listDocumentTypes": _company(store_reference.document_types),
    "createSalesDocument": lambda conn, call: store_documents.create(
        conn, call.company_id, call.body
    ),
    "findSalesDocuments": lambda conn, call: store_documents.find(
        conn, call.company_id, call.query.shopify_order_id
    ),
    "getSalesDocument": get_document,
    "cancelSalesDocument": lambda conn, call: store_aftersale.cancel(
        conn, call.company_id, call.path["id"], call.body.reason
    ),
    "createCreditNote": lambda conn, call: store_aftersale.credit(
        conn, call.company_id, call.path["id"], call.body
    ),
    "listShipments": list_shipments,
    "getShipment": get_shipment,
}

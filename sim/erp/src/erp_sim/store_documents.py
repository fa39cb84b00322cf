"""Sales documents: validated against the company's references, priced by ``totals``,
numbered gap-free per series (the series counter row is locked until commit) and moving
stock in the same transaction: an ``order`` reserves, the other types record
``sale_exit`` movements from the document's warehouse (default: the Shopify one)."""

from __future__ import annotations

import uuid
from collections import Counter
from decimal import Decimal
from typing import Any

from erp_connector.models.common import ExternalRefsOut
from erp_connector.models.documents import Line, SalesDocument, SalesDocumentIn, Totals

from erp_sim import store_catalog, store_reference, store_stock, totals
from erp_sim.db import Conn, next_value
from erp_sim.problems import invalid


def render(r: Any) -> SalesDocument:
    return SalesDocument(
        id=r["id"],
        number=r["number"],
        type=r["type"],
        status=r["status"],
        customer_id=r["customer_id"],
        currency=r["currency"],
        payment_method=r["payment_method"],
        warehouse=r["warehouse"],
        lines=[Line.model_validate(x) for x in r["lines"]],
        shipping=None if r["shipping"] is None else Line.model_validate(r["shipping"]),
        external_refs=ExternalRefsOut.model_validate(r["external_refs"]),
        totals=Totals.model_validate(r["totals"]),
        created_at=r["created_at"],
        cancelled_at=r["cancelled_at"],
    )


async def get(conn: Conn, company_id: str, document_id: str, *, lock: bool = False) -> Any:
    return await conn.fetchrow(
        "SELECT * FROM sales_documents WHERE company_id = $1 AND id = $2"  # noqa: S608 - fixed
        + (" FOR UPDATE" if lock else ""),
        company_id,
        document_id,
    )


async def find(conn: Conn, company_id: str, shopify_order_id: str) -> list[SalesDocument]:
    rows = await conn.fetch(
        "SELECT * FROM sales_documents WHERE company_id = $1 AND shopify_order_id = $2 "
        "ORDER BY created_at, number",
        company_id,
        shopify_order_id,
    )
    return [render(r) for r in rows]


def check_amounts(field: str, unit_price: Decimal, quantity: int, discount: Decimal) -> None:
    if unit_price < 0:
        raise invalid(f"{field}.unit_price", "must not be negative")
    if discount < 0:
        raise invalid(f"{field}.discount", "must not be negative")
    if discount > quantity * unit_price:
        raise invalid(f"{field}.discount", "is more than the line's amount")


async def _resolve(conn: Conn, company_id: str, body: SalesDocumentIn) -> tuple[str, str, bool]:
    """(customer id, warehouse, moves stock); 422 naming the first unknown reference."""
    doc_type = await store_reference.document_type(conn, company_id, body.type)
    if doc_type is None:
        raise invalid("type", f"the company has no {body.type} document type")
    await store_reference.require(conn, company_id, "currency", body.currency, "currency")
    await store_reference.require(
        conn, company_id, "payment method", body.payment_method, "payment_method"
    )
    warehouse = body.warehouse or await store_reference.shopify_warehouse(conn, company_id)
    if warehouse is None:
        raise invalid("warehouse", "the company has no Shopify warehouse")
    await store_reference.require(conn, company_id, "warehouse", warehouse, "warehouse")
    customer_id = body.customer_id
    if customer_id is None:
        customer_id = await conn.fetchval(
            "SELECT id FROM customers WHERE company_id = $1 AND is_general_public", company_id
        )
        if customer_id is None:
            raise invalid("customer_id", "the company has no general public customer")
    elif not await conn.fetchval(
        "SELECT 1 FROM customers WHERE company_id = $1 AND id = $2", company_id, customer_id
    ):
        raise invalid("customer_id", f"unknown customer {customer_id!r}")
    return customer_id, warehouse, doc_type[1]


async def price(
    conn: Conn, company_id: str, body: SalesDocumentIn
) -> tuple[list[totals.Priced], totals.Priced | None]:
    rates = await store_reference.tax_rates(conn, company_id)
    known = await store_catalog.variants_of(conn, company_id, [x.sku for x in body.lines])
    priced = []
    for i, x in enumerate(body.lines):
        if x.sku not in known:
            raise invalid(f"lines[{i}].sku", f"unknown SKU {x.sku!r}")
        if x.tax_code not in rates:
            raise invalid(f"lines[{i}].tax_code", f"unknown tax {x.tax_code!r}")
        check_amounts(f"lines[{i}]", x.unit_price, x.quantity, x.discount)
        rate, included = rates[x.tax_code]
        priced.append(
            _priced(
                f"lines[{i}]",
                sku=x.sku,
                description=x.description,
                quantity=x.quantity,
                unit_price=x.unit_price,
                discount=x.discount,
                tax_code=x.tax_code,
                rate=rate,
                included=included,
            )
        )
    shipping = None
    if body.shipping is not None:
        s = body.shipping
        if s.tax_code not in rates:
            raise invalid("shipping.tax_code", f"unknown tax {s.tax_code!r}")
        if s.amount < 0:
            raise invalid("shipping.amount", "must not be negative")
        rate, included = rates[s.tax_code]
        shipping = _priced(
            "shipping",
            sku=s.service_sku,
            description=s.description,
            quantity=1,
            unit_price=s.amount,
            discount=Decimal(0),
            tax_code=s.tax_code,
            rate=rate,
            included=included,
        )
    return priced, shipping


def _priced(field: str, **line: Any) -> totals.Priced:
    try:
        return totals.price_line(**line)
    except totals.AmountTooLarge as error:
        raise invalid(field, str(error)) from None


async def create(conn: Conn, company_id: str, body: SalesDocumentIn) -> SalesDocument:
    customer_id, warehouse, moves_stock = await _resolve(conn, company_id, body)
    priced, shipping = await price(conn, company_id, body)
    try:
        doc_totals = totals.totals(priced + ([shipping] if shipping else []), body.rounding)
    except totals.AmountTooLarge as error:
        raise invalid("lines", str(error)) from None
    series = await conn.fetchval(
        "SELECT series FROM document_types WHERE company_id = $1 AND type = $2",
        company_id,
        body.type,
    )
    number = f"{series}-{await next_value(conn, company_id, f'series:{series}')}"
    document_id = str(uuid.uuid4())
    row = await conn.fetchrow(
        "INSERT INTO sales_documents (company_id, id, number, type, customer_id, currency, "
        "payment_method, warehouse, lines, shipping, external_refs, shopify_order_id, totals, "
        "notes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING *",
        company_id,
        document_id,
        number,
        body.type,
        customer_id,
        body.currency,
        body.payment_method,
        warehouse,
        [p.line.model_dump(mode="json") for p in priced],
        None if shipping is None else shipping.line.model_dump(mode="json"),
        body.external_refs.model_dump(mode="json"),
        body.external_refs.shopify_order_id,
        doc_totals.model_dump(mode="json"),
        body.notes,
    )
    managed = await store_catalog.variants_of(conn, company_id, [x.sku for x in body.lines])
    quantities: Counter[str] = Counter()
    for x in body.lines:
        if managed.get(x.sku):
            quantities[x.sku] += x.quantity
    reserve = body.type == "order" or not moves_stock
    specs = [
        store_stock.Spec(
            kind="reservation" if reserve else "sale_exit",
            sku=sku,
            warehouse=warehouse,
            quantity=0 if reserve else -q,
            reserved=q if reserve else 0,
            document_id=document_id,
        )
        for sku, q in sorted(quantities.items())
    ]
    await store_stock.apply(conn, company_id, specs)
    return render(row)

"""Shipments an ERP user makes for a sales document. Shipping an ``order`` turns what it
reserved into ``sale_exit`` movements (on hand and reserved both go down); the other
types moved their stock when they were created. ``shipment.created`` goes out in the
same transaction; the document is ``shipped`` once every line has left."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from erp_connector.models.shipments import Shipment, ShipmentIn, ShipmentLine

from erp_sim import events, store_documents, store_stock
from erp_sim.db import Conn, next_value
from erp_sim.problems import conflict, invalid, not_found


def render(r: Any) -> Shipment:
    return Shipment(
        id=r["id"],
        document_id=r["document_id"],
        carrier=r["carrier"],
        tracking_number=r["tracking_number"],
        tracking_url=r["tracking_url"],
        lines=[ShipmentLine.model_validate(x) for x in r["lines"]],
        shipped_at=r["shipped_at"],
    )


async def get(conn: Conn, company_id: str, shipment_id: str) -> Shipment | None:
    r = await conn.fetchrow(
        "SELECT * FROM shipments WHERE company_id = $1 AND id = $2", company_id, shipment_id
    )
    return None if r is None else render(r)


async def since(
    conn: Conn, company_id: str, cursor: int, limit: int, document_id: str | None
) -> list[tuple[int, Shipment]]:
    rows = await conn.fetch(
        "SELECT * FROM shipments WHERE company_id = $1 AND change_seq > $2 "
        "AND ($4::text IS NULL OR document_id = $4) ORDER BY change_seq LIMIT $3",
        company_id,
        cursor,
        limit,
        document_id,
    )
    return [(r["change_seq"], render(r)) for r in rows]


async def _shipped(conn: Conn, company_id: str, document_id: str) -> Counter[str]:
    done: Counter[str] = Counter()
    for r in await conn.fetch(
        "SELECT lines FROM shipments WHERE company_id = $1 AND document_id = $2",
        company_id,
        document_id,
    ):
        for line in r["lines"]:
            done[line["sku"]] += line["quantity"]
    return done


async def ship(conn: Conn, company_id: str, document_id: str, body: ShipmentIn) -> Shipment:
    doc = await store_documents.get(conn, company_id, document_id, lock=True)
    if doc is None:
        raise not_found(f"sales document {document_id!r}")
    if doc["status"] != "open":
        raise conflict(f"sales document {doc['number']} is {doc['status']}")
    left: Counter[str] = Counter()
    for x in doc["lines"]:
        left[x["sku"]] += x["quantity"]
    left.subtract(await _shipped(conn, company_id, document_id))
    if body.lines:
        lines = [(x.sku, x.quantity) for x in body.lines]
    else:
        lines = [(sku, q) for sku, q in left.items() if q > 0]
    if not lines:
        raise conflict("nothing is left to ship")
    for i, (sku, quantity) in enumerate(lines):
        if quantity > left[sku]:
            raise invalid(f"lines[{i}].quantity", f"only {max(left[sku], 0)} of {sku} left")
        left[sku] -= quantity
    held = {
        b["sku"]: b["reserved"]
        for b in await store_stock.document_balance(conn, company_id, document_id)
        if b["warehouse"] == doc["warehouse"]
    }
    specs = []
    for sku, quantity in sorted(lines):
        q = min(quantity, held.get(sku, 0))
        if q > 0:
            held[sku] -= q
            specs.append(
                store_stock.Spec(
                    "sale_exit", sku, doc["warehouse"], -q, -q, document_id=document_id
                )
            )
    await store_stock.apply(conn, company_id, specs)
    seq = await next_value(conn, company_id, "change")
    r = await conn.fetchrow(
        "INSERT INTO shipments (company_id, id, document_id, carrier, tracking_number, "
        "tracking_url, lines, change_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *",
        company_id,
        str(uuid.uuid4()),
        document_id,
        body.carrier,
        body.tracking_number,
        body.tracking_url,
        [{"sku": sku, "quantity": q} for sku, q in lines],
        seq,
    )
    if all(q <= 0 for q in left.values()):
        await conn.execute(
            "UPDATE sales_documents SET status = 'shipped' WHERE company_id = $1 AND id = $2",
            company_id,
            document_id,
        )
    shipment = render(r)
    await events.emit(conn, company_id, events.shipment_created(shipment, seq))
    return shipment

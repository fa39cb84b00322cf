"""After a sale: cancelling a document (its stock comes back) and credit notes (a refund;
with ``restock`` the goods come back as ``return`` movements, without it stock stays)."""

from __future__ import annotations

import uuid
from collections import Counter
from decimal import Decimal
from typing import Any

from erp_connector.models.common import ExternalRefsOut
from erp_connector.models.documents import CreditNote, CreditNoteIn, Line, SalesDocument, Totals
from erp_connector.models.events import DocumentCancelled

from erp_sim import events, store_documents, store_reference, store_stock, totals
from erp_sim.db import Conn, next_value
from erp_sim.problems import conflict, invalid, not_found

CREDIT_SERIES = "NC"
MICRO = Decimal("0.000001")  # an Amount carries at most six decimals


async def _credited(conn: Conn, company_id: str, document_id: str) -> Counter[str]:
    rows = await conn.fetch(
        "SELECT lines FROM credit_notes WHERE company_id = $1 AND document_id = $2",
        company_id,
        document_id,
    )
    done: Counter[str] = Counter()
    for r in rows:
        for line in r["lines"]:
            done[line["sku"]] += line["quantity"]
    return done


async def cancel(conn: Conn, company_id: str, document_id: str, reason: str) -> SalesDocument:
    """Puts back what the document took out (``cancellation``), releases what it holds;
    cancelling a cancelled document answers it unchanged; a credited one is a 409."""
    row = await store_documents.get(conn, company_id, document_id, lock=True)
    if row is None:
        raise not_found(f"sales document {document_id!r}")
    if row["status"] == "cancelled":
        return store_documents.render(row)
    if await _credited(conn, company_id, document_id):
        raise conflict(f"sales document {row['number']} has credit notes: it cannot be cancelled")
    specs = []
    for b in await store_stock.document_balance(conn, company_id, document_id):
        if b["on_hand"] or b["reserved"]:
            specs.append(
                store_stock.Spec(
                    kind="cancellation" if b["on_hand"] else "release",
                    sku=b["sku"],
                    warehouse=b["warehouse"],
                    quantity=-b["on_hand"],
                    reserved=-b["reserved"],
                    document_id=document_id,
                    note=reason,
                )
            )
    await store_stock.apply(conn, company_id, specs)
    row = await conn.fetchrow(
        "UPDATE sales_documents SET status = 'cancelled', cancelled_at = now(), "
        "cancel_reason = $3 WHERE company_id = $1 AND id = $2 RETURNING *",
        company_id,
        document_id,
        reason,
    )
    document = store_documents.render(row)
    data = DocumentCancelled(
        document_id=document.id,
        number=document.number,
        external_refs=document.external_refs,
        reason=reason,
    )
    version = await next_value(conn, company_id, "change")
    await events.emit(conn, company_id, events.document_cancelled(data, version))
    return document


def render(r: Any) -> CreditNote:
    return CreditNote(
        id=r["id"],
        number=r["number"],
        document_id=r["document_id"],
        lines=[Line.model_validate(x) for x in r["lines"]],
        shipping=None if r["shipping"] is None else Line.model_validate(r["shipping"]),
        restock=r["restock"],
        totals=Totals.model_validate(r["totals"]),
        external_refs=ExternalRefsOut.model_validate(r["external_refs"]),
        created_at=r["created_at"],
    )


async def credit(conn: Conn, company_id: str, document_id: str, body: CreditNoteIn) -> CreditNote:
    row = await store_documents.get(conn, company_id, document_id, lock=True)
    if row is None:
        raise not_found(f"sales document {document_id!r}")
    if row["status"] == "cancelled":
        raise conflict(f"sales document {row['number']} is cancelled")
    if not body.lines and body.shipping_amount is None:
        raise invalid("lines", "a credit note needs a line or a shipping amount")
    warehouse = body.warehouse or row["warehouse"]
    if body.warehouse is not None:
        await store_reference.require(conn, company_id, "warehouse", warehouse, "warehouse")
    rates = await store_reference.tax_rates(conn, company_id)
    sold = {x["sku"]: x for x in row["lines"]}
    left = Counter({sku: x["quantity"] for sku, x in sold.items()})
    left.subtract(await _credited(conn, company_id, document_id))
    priced = []
    for i, x in enumerate(body.lines):
        line = sold.get(x.sku)
        if line is None:
            raise invalid(f"lines[{i}].sku", f"SKU {x.sku!r} is not on the document")
        if x.quantity > left[x.sku]:
            raise invalid(f"lines[{i}].quantity", f"only {left[x.sku]} left to credit")
        left[x.sku] -= x.quantity
        net = Decimal(line["unit_price"]) * line["quantity"] - Decimal(line["discount"])
        amount = (
            x.amount if x.amount is not None else totals.cents(net * x.quantity / line["quantity"])
        )
        if amount < 0:
            raise invalid(f"lines[{i}].amount", "must not be negative")
        priced.append(
            _price(
                f"lines[{i}]",
                sku=x.sku,
                quantity=x.quantity,
                amount=amount,
                tax_code=line["tax_code"],
                rates=rates,
            )
        )
    shipping = None
    if body.shipping_amount is not None:
        if row["shipping"] is None:
            raise invalid("shipping_amount", "the document has no shipping")
        if body.shipping_amount < 0:
            raise invalid("shipping_amount", "must not be negative")
        shipping = _price(
            "shipping_amount",
            sku=row["shipping"]["sku"],
            quantity=1,
            amount=body.shipping_amount,
            tax_code=row["shipping"]["tax_code"],
            rates=rates,
        )
    note_totals = totals.totals(priced + ([shipping] if shipping else []))
    number = f"{CREDIT_SERIES}-{await next_value(conn, company_id, f'series:{CREDIT_SERIES}')}"
    credit_id = str(uuid.uuid4())
    r = await conn.fetchrow(
        "INSERT INTO credit_notes (company_id, id, number, document_id, lines, shipping, restock, "
        "totals, external_refs, reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
        "RETURNING *",
        company_id,
        credit_id,
        number,
        document_id,
        [p.line.model_dump(mode="json") for p in priced],
        None if shipping is None else shipping.line.model_dump(mode="json"),
        body.restock,
        note_totals.model_dump(mode="json"),
        body.external_refs.model_dump(mode="json"),
        body.reason,
    )
    if body.restock:
        await _restock(conn, company_id, row, credit_id=credit_id, warehouse=warehouse, body=body)
    return render(r)


def _price(
    field: str,
    *,
    sku: str,
    quantity: int,
    amount: Decimal,
    tax_code: str,
    rates: dict[str, tuple[Decimal, bool]],
) -> totals.Priced:
    rate, included = rates.get(tax_code, (Decimal(0), False))
    try:
        return totals.price_line(
            sku=sku,
            description="",
            quantity=quantity,
            unit_price=(amount / quantity).quantize(MICRO),
            discount=Decimal(0),
            tax_code=tax_code,
            rate=rate,
            included=included,
        )
    except totals.AmountTooLarge as error:
        raise invalid(field, str(error)) from None


async def _restock(
    conn: Conn, company_id: str, doc: Any, *, credit_id: str, warehouse: str, body: CreditNoteIn
) -> None:
    """Goods that left come back (``return``); what an unshipped order still holds is
    released instead, since it never left."""
    held = {
        b["sku"]: b["reserved"]
        for b in await store_stock.document_balance(conn, company_id, doc["id"])
        if b["warehouse"] == doc["warehouse"]
    }
    managed = await conn.fetch(
        "SELECT sku FROM variants WHERE company_id = $1 AND stock_managed "
        "AND sku = ANY($2::text[])",
        company_id,
        [x.sku for x in body.lines],
    )
    stocked = {r["sku"] for r in managed}
    specs = []
    for x in body.lines:
        if x.sku not in stocked:
            continue
        release = min(x.quantity, max(held.get(x.sku, 0), 0))
        held[x.sku] = held.get(x.sku, 0) - release
        if release:
            specs.append(
                store_stock.Spec(
                    "release", x.sku, doc["warehouse"], 0, -release, document_id=doc["id"]
                )
            )
        if x.quantity - release:
            specs.append(
                store_stock.Spec(
                    "return", x.sku, warehouse, x.quantity - release, document_id=credit_id
                )
            )
    await store_stock.apply(conn, company_id, specs)

"""The stock ledger and its projection: every movement is a ledger row, and the
``stock_levels`` row of each SKU and warehouse it touches is updated in the same
transaction under a row lock, so concurrent movements of one SKU and warehouse serialise
and each carries the quantities it resulted in.

Lock order (deadlock-free): document series counter, then stock levels sorted by
(sku, warehouse), then the company's movement counter, then its change counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from erp_connector.models.events import StockChanged
from erp_connector.models.stock import Movement, Resulting, StockLevel

from erp_sim import events
from erp_sim.db import Conn, next_value

CONTRACT_KINDS = ("purchase_entry", "free_entry", "transfer", "sale_exit", "cancellation", "return")
# An order holds stock without moving it: reserved changes, on hand does not. Kept in the
# ledger so a cancel can release exactly what was held, but not a contract movement: no
# API listing and no stock.changed event (the contract has no movement type for it).
INTERNAL_KINDS = ("reservation", "release")


@dataclass(frozen=True, slots=True)
class Spec:
    """One ledger row to write: ``quantity`` is the signed change of on hand at
    ``warehouse`` (a transfer adds ``-quantity`` at ``to_warehouse``)."""

    kind: str
    sku: str
    warehouse: str
    quantity: int
    reserved: int = 0
    to_warehouse: str | None = None
    document_id: str | None = None
    note: str = ""


async def apply(conn: Conn, company_id: str, specs: list[Spec]) -> list[Movement]:
    """Writes the movements in order and returns the contract ones (not reservations)
    with their resulting quantities."""
    if not specs:
        return []
    touched = sorted(
        {(s.sku, s.warehouse) for s in specs}
        | {(s.sku, s.to_warehouse) for s in specs if s.to_warehouse is not None}
    )
    skus = [t[0] for t in touched]
    warehouses = [t[1] for t in touched]
    await conn.execute(
        "INSERT INTO stock_levels (company_id, sku, warehouse) "
        "SELECT $1, s, w FROM unnest($2::text[], $3::text[]) AS t(s, w) "
        "ON CONFLICT DO NOTHING",
        company_id,
        skus,
        warehouses,
    )
    rows = await conn.fetch(
        "SELECT l.sku, l.warehouse, l.on_hand, l.reserved FROM stock_levels l "
        "JOIN unnest($2::text[], $3::text[]) AS t(s, w) ON l.sku = t.s AND l.warehouse = t.w "
        "WHERE l.company_id = $1 ORDER BY l.sku, l.warehouse FOR UPDATE OF l",
        company_id,
        skus,
        warehouses,
    )
    levels = {(r["sku"], r["warehouse"]): [int(r["on_hand"]), int(r["reserved"])] for r in rows}
    shopify = set(
        await conn.fetchval(
            "SELECT coalesce(array_agg(code), '{}') FROM warehouses "
            "WHERE company_id = $1 AND is_shopify",
            company_id,
        )
    )
    movements = []
    for spec in specs:
        movement_id = await next_value(conn, company_id, "movement")
        changes = [(spec.warehouse, spec.quantity, spec.reserved)]
        if spec.to_warehouse is not None:
            changes.append((spec.to_warehouse, -spec.quantity, 0))
        resulting = []
        for warehouse, on_hand, reserved in changes:
            level = levels[(spec.sku, warehouse)]
            level[0] += on_hand
            level[1] += reserved
            resulting.append(
                Resulting(
                    warehouse=warehouse,
                    on_hand=level[0],
                    reserved=level[1],
                    available=level[0] - level[1],
                )
            )
            await conn.execute(
                "UPDATE stock_levels SET on_hand = $4, reserved = $5, last_movement_id = $6, "
                "updated_at = now() WHERE company_id = $1 AND sku = $2 AND warehouse = $3",
                company_id,
                spec.sku,
                warehouse,
                level[0],
                level[1],
                movement_id,
            )
        row = await conn.fetchrow(
            "INSERT INTO stock_movements (company_id, id, kind, sku, warehouse, to_warehouse, "
            "quantity, reserved_delta, document_id, note, resulting) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING *",
            company_id,
            movement_id,
            spec.kind,
            spec.sku,
            spec.warehouse,
            spec.to_warehouse,
            spec.quantity,
            spec.reserved,
            spec.document_id,
            spec.note,
            [r.model_dump(mode="json") for r in resulting],
        )
        if spec.kind not in CONTRACT_KINDS:
            continue
        movement = _movement(row)
        movements.append(movement)
        for r in resulting:
            event = events.stock_changed(_changed(movement, r, shopify))
            await events.emit(conn, company_id, event)
    return movements


def _changed(movement: Movement, r: Resulting, shopify: set[str]) -> StockChanged:
    return StockChanged(
        movement_id=movement.id,
        movement_type=movement.type,
        sku=movement.sku,
        warehouse=r.warehouse,
        is_shopify_warehouse=r.warehouse in shopify,
        on_hand=r.on_hand,
        reserved=r.reserved,
        available=r.available,
    )


def _movement(row: Any) -> Movement:
    return Movement(
        id=row["id"],
        type=row["kind"],
        sku=row["sku"],
        warehouse=row["warehouse"],
        to_warehouse=row["to_warehouse"],
        quantity=row["quantity"],
        document_id=row["document_id"],
        occurred_at=row["occurred_at"],
        resulting=[Resulting.model_validate(r) for r in row["resulting"]],
    )


async def movements_since(conn: Conn, company_id: str, since: int, limit: int) -> list[Movement]:
    rows = await conn.fetch(
        "SELECT * FROM stock_movements WHERE company_id = $1 AND id > $2 "
        "AND kind = ANY($3::text[]) ORDER BY id LIMIT $4",
        company_id,
        since,
        list(CONTRACT_KINDS),
        limit,
    )
    return [_movement(r) for r in rows]


async def levels(
    conn: Conn, company_id: str, sku: str | None, warehouse: str | None, limit: int
) -> list[StockLevel]:
    rows = await conn.fetch(
        "SELECT * FROM stock_levels WHERE company_id = $1 "
        "AND ($2::text IS NULL OR sku = $2) AND ($3::text IS NULL OR warehouse = $3) "
        "ORDER BY sku, warehouse LIMIT $4",
        company_id,
        sku,
        warehouse,
        limit,
    )
    return [
        StockLevel(
            sku=r["sku"],
            warehouse=r["warehouse"],
            on_hand=r["on_hand"],
            reserved=r["reserved"],
            available=r["on_hand"] - r["reserved"],
            last_movement_id=r["last_movement_id"],
            updated_at=r["updated_at"],
        )
        for r in rows
    ]


async def document_balance(conn: Conn, company_id: str, document_id: str) -> list[Any]:
    """Per SKU and warehouse: what a document took out of on hand (negative) and what it
    still holds reserved."""
    return await conn.fetch(
        "SELECT sku, warehouse, sum(quantity)::bigint AS on_hand, "
        "sum(reserved_delta)::bigint AS reserved FROM stock_movements "
        "WHERE company_id = $1 AND document_id = $2 "
        "GROUP BY sku, warehouse ORDER BY sku, warehouse",
        company_id,
        document_id,
    )

"""Catalog and stock operations of the API (handlers of ``erp_sim.api``)."""

from __future__ import annotations

from typing import Any

from erp_connector.models.catalog import Product
from erp_connector.models.common import Page
from erp_connector.models.stock import Movement, MovementIn
from erp_connector.routes import IF_MATCH_HEADER

from erp_sim import store_catalog, store_reference, store_stock
from erp_sim.api import Call, Handler
from erp_sim.db import Conn
from erp_sim.feeds import cursor, page
from erp_sim.problems import invalid, not_found


async def list_products(conn: Conn, call: Call) -> Page[Product]:
    start = cursor(call.query.since)
    rows = await store_catalog.since(conn, call.company_id, start, call.query.limit + 1)
    return page(rows, call.query.limit, start)


async def get_by_sku(conn: Conn, call: Call) -> Product:
    product = await store_catalog.by_sku(conn, call.company_id, call.path["sku"])
    if product is None:
        raise not_found(f"SKU {call.path['sku']!r}")
    return product


async def create_product(conn: Conn, call: Call) -> Product:
    return await store_catalog.save(conn, call.company_id, call.body, create=True)


async def update_product(conn: Conn, call: Call) -> Product:
    code = call.path["code"]
    if not await store_catalog.exists(conn, call.company_id, code):
        raise not_found(f"product {code!r}")
    if call.body.code != code:
        raise invalid("code", "must be the code in the path")
    raw = call.headers.get(IF_MATCH_HEADER.lower())
    if_match = None
    if raw is not None:
        value = raw.strip().removeprefix("W/").strip('"')
        if not value.isdigit() or len(value) > 18:
            raise invalid(IF_MATCH_HEADER, "must be the product's version")
        if_match = int(value)
    return await store_catalog.save(
        conn, call.company_id, call.body, create=False, if_match=if_match
    )


async def list_warehouses(conn: Conn, call: Call) -> Any:
    return await store_reference.warehouses(conn, call.company_id)


async def list_stock(conn: Conn, call: Call) -> Any:
    q = call.query
    return await store_stock.levels(conn, call.company_id, q.sku, q.warehouse, q.limit)


async def list_movements(conn: Conn, call: Call) -> Page[Movement]:
    start = cursor(call.query.since)
    rows = await store_stock.movements_since(conn, call.company_id, start, call.query.limit + 1)
    return page([(m.id, m) for m in rows], call.query.limit, start)


async def create_movement(conn: Conn, call: Call) -> Movement:
    body: MovementIn = call.body
    managed = await store_catalog.variants_of(conn, call.company_id, [body.sku])
    if body.sku not in managed:
        raise invalid("sku", f"unknown SKU {body.sku!r}")
    if not managed[body.sku]:
        raise invalid("sku", f"SKU {body.sku!r} is not stock-managed")
    await store_reference.require(conn, call.company_id, "warehouse", body.warehouse, "warehouse")
    if body.to_warehouse is not None:
        await store_reference.require(
            conn, call.company_id, "warehouse", body.to_warehouse, "to_warehouse"
        )
    sign = -1 if body.type in ("sale_exit", "transfer") else 1
    spec = store_stock.Spec(
        kind=body.type,
        sku=body.sku,
        warehouse=body.warehouse,
        quantity=sign * body.quantity,
        to_warehouse=body.to_warehouse,
        note=body.note,
    )
    [movement] = await store_stock.apply(conn, call.company_id, [spec])
    return movement


HANDLERS: dict[str, Handler] = {
    "listProducts": list_products,
    "getProductBySku": get_by_sku,
    "createProduct": create_product,
    "updateProduct": update_product,
    "listWarehouses": list_warehouses,
    "listStock": list_stock,
    "listMovements": list_movements,
    "createMovement": create_movement,
}

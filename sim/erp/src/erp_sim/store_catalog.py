"""Products, their variants (a SKU each, unique per company) and prices per price list.

Every change bumps the product's ``version`` and takes a new company change sequence
number (the feed cursor), and writes ``product.changed`` in the same transaction.
"""

from __future__ import annotations

from typing import Any

from erp_connector.models.catalog import Price, Product, ProductIn, Variant
from erp_connector.models.events import ProductChanged

from erp_sim import events
from erp_sim.db import Conn, next_value
from erp_sim.problems import conflict, invalid


async def _check_references(conn: Conn, company_id: str, body: ProductIn) -> None:
    taxes = {
        r["code"]
        for r in await conn.fetch("SELECT code FROM taxes WHERE company_id = $1", company_id)
    }
    currencies = {
        r["code"]
        for r in await conn.fetch("SELECT code FROM currencies WHERE company_id = $1", company_id)
    }
    seen: set[str] = set()
    for i, variant in enumerate(body.variants):
        if variant.sku in seen:
            raise invalid(f"variants[{i}].sku", f"SKU {variant.sku!r} appears twice")
        seen.add(variant.sku)
        for j, price in enumerate(variant.prices):
            if price.tax_code not in taxes:
                raise invalid(
                    f"variants[{i}].prices[{j}].tax_code", f"unknown tax {price.tax_code!r}"
                )
            if price.currency not in currencies:
                raise invalid(
                    f"variants[{i}].prices[{j}].currency", f"unknown currency {price.currency!r}"
                )
    owners = await conn.fetch(
        "SELECT sku, product_code FROM variants WHERE company_id = $1 AND sku = ANY($2::text[]) "
        "AND product_code <> $3",
        company_id,
        list(seen),
        body.code,
    )
    if owners:
        raise conflict(f"SKU {owners[0]['sku']!r} belongs to product {owners[0]['product_code']!r}")


async def _write_variants(conn: Conn, company_id: str, body: ProductIn) -> None:
    await conn.execute(
        "DELETE FROM prices WHERE company_id = $1 AND sku IN "
        "(SELECT sku FROM variants WHERE company_id = $1 AND product_code = $2)",
        company_id,
        body.code,
    )
    await conn.execute(
        "DELETE FROM variants WHERE company_id = $1 AND product_code = $2", company_id, body.code
    )
    for position, v in enumerate(body.variants):
        await conn.execute(
            "INSERT INTO variants (company_id, sku, product_code, position, barcode, attributes, "
            "stock_managed) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            company_id,
            v.sku,
            body.code,
            position,
            v.barcode,
            [[k, value] for k, value in v.attributes.items()],
            v.stock_managed,
        )
        for j, p in enumerate(v.prices):
            await conn.execute(
                "INSERT INTO prices (company_id, sku, position, price_list, amount, currency, "
                "tax_code) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                company_id,
                v.sku,
                j,
                p.price_list,
                p.amount,
                p.currency,
                p.tax_code,
            )


async def save(
    conn: Conn, company_id: str, body: ProductIn, *, create: bool, if_match: int | None = None
) -> Product:
    """Creates (409 when the code exists) or replaces (404 handled by the caller) a product."""
    await _check_references(conn, company_id, body)
    current = await conn.fetchval(
        "SELECT version FROM products WHERE company_id = $1 AND code = $2 FOR UPDATE",
        company_id,
        body.code,
    )
    if create and current is not None:
        raise conflict(f"product {body.code!r} exists")
    if if_match is not None and current != if_match:
        raise conflict(f"product {body.code!r} is at version {current}, not {if_match}")
    seq = await next_value(conn, company_id, "change")
    version = 1 if current is None else current + 1
    # A create races another create of the code into a unique violation: a 409.
    upsert = (
        ""
        if create
        else (
            " ON CONFLICT (company_id, code) DO UPDATE SET title = $3, description = $4, "
            "status = $5, image_urls = $6, version = $7, change_seq = $8, updated_at = now()"
        )
    )
    await conn.execute(
        "INSERT INTO products (company_id, code, title, description, status, image_urls, "  # noqa: S608 - fixed fragments
        "version, change_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)" + upsert,
        company_id,
        body.code,
        body.title,
        body.description,
        body.status,
        [str(u) for u in body.image_urls],
        version,
        seq,
    )
    await _write_variants(conn, company_id, body)
    product = await get(conn, company_id, body.code)
    assert product is not None
    data = ProductChanged(
        code=product.code, skus=[v.sku for v in product.variants], status=product.status
    )
    await events.emit(conn, company_id, events.product_changed(data, product.version))
    return product


async def exists(conn: Conn, company_id: str, code: str) -> bool:
    return bool(
        await conn.fetchval(
            "SELECT 1 FROM products WHERE company_id = $1 AND code = $2", company_id, code
        )
    )


async def get(conn: Conn, company_id: str, code: str) -> Product | None:
    rows = await _products(conn, company_id, "p.code = $2", code)
    return rows[0] if rows else None


async def by_sku(conn: Conn, company_id: str, sku: str) -> Product | None:
    code = await conn.fetchval(
        "SELECT product_code FROM variants WHERE company_id = $1 AND sku = $2", company_id, sku
    )
    return None if code is None else await get(conn, company_id, code)


async def since(conn: Conn, company_id: str, cursor: int, limit: int) -> list[tuple[int, Product]]:
    rows = await conn.fetch(
        "SELECT code, change_seq FROM products WHERE company_id = $1 AND change_seq > $2 "
        "ORDER BY change_seq LIMIT $3",
        company_id,
        cursor,
        limit,
    )
    products = {
        p.code: p
        for p in await _products(
            conn, company_id, "p.code = ANY($2::text[])", [r["code"] for r in rows]
        )
    }
    return [(r["change_seq"], products[r["code"]]) for r in rows]


async def variants_of(conn: Conn, company_id: str, skus: list[str]) -> dict[str, bool]:
    """SKU -> stock-managed, for the SKUs the catalog knows."""
    rows = await conn.fetch(
        "SELECT sku, stock_managed FROM variants WHERE company_id = $1 AND sku = ANY($2::text[])",
        company_id,
        skus,
    )
    return {r["sku"]: r["stock_managed"] for r in rows}


async def _products(conn: Conn, company_id: str, where: str, arg: Any) -> list[Product]:
    products = await conn.fetch(
        f"SELECT * FROM products p WHERE p.company_id = $1 AND {where}",  # noqa: S608 - fixed
        company_id,
        arg,
    )
    variants = await conn.fetch(
        "SELECT v.* FROM variants v JOIN products p ON p.company_id = v.company_id "  # noqa: S608 - fixed fragments
        f"AND p.code = v.product_code WHERE p.company_id = $1 AND {where} ORDER BY v.position",
        company_id,
        arg,
    )
    prices = await conn.fetch(
        "SELECT r.* FROM prices r JOIN variants v ON v.company_id = r.company_id AND v.sku = r.sku "  # noqa: S608 - fixed fragments
        "JOIN products p ON p.company_id = v.company_id AND p.code = v.product_code "
        f"WHERE p.company_id = $1 AND {where} ORDER BY r.position",
        company_id,
        arg,
    )
    by_sku: dict[str, list[Price]] = {}
    for r in prices:
        by_sku.setdefault(r["sku"], []).append(
            Price(
                price_list=r["price_list"],
                amount=r["amount"],
                currency=r["currency"],
                tax_code=r["tax_code"],
            )
        )
    by_product: dict[str, list[Variant]] = {}
    for v in variants:
        by_product.setdefault(v["product_code"], []).append(
            Variant(
                sku=v["sku"],
                barcode=v["barcode"],
                attributes=dict(v["attributes"]),
                stock_managed=v["stock_managed"],
                prices=by_sku.get(v["sku"], []),
            )
        )
    return [
        Product(
            code=p["code"],
            title=p["title"],
            description=p["description"],
            status=p["status"],
            image_urls=p["image_urls"],
            version=p["version"],
            updated_at=p["updated_at"],
            variants=by_product.get(p["code"], []),
        )
        for p in products
    ]

"""Reference data (warehouses, taxes, currencies, payment methods, document types) and
the lookups that turn an unknown code inside a valid body into a 422 naming the field."""

from __future__ import annotations

from decimal import Decimal

from erp_connector.models.reference import Currency, DocumentTypeInfo, PaymentMethod, Tax
from erp_connector.models.stock import Warehouse

from erp_sim.db import Conn
from erp_sim.problems import invalid

_TABLES = {
    "warehouse": "warehouses",
    "currency": "currencies",
    "payment method": "payment_methods",
    "tax": "taxes",
}


async def warehouses(conn: Conn, company_id: str) -> list[Warehouse]:
    rows = await conn.fetch(
        "SELECT code, name, is_shopify FROM warehouses WHERE company_id = $1 ORDER BY code",
        company_id,
    )
    return [Warehouse(**dict(r)) for r in rows]


async def taxes(conn: Conn, company_id: str) -> list[Tax]:
    rows = await conn.fetch(
        "SELECT code, name, rate, included FROM taxes WHERE company_id = $1 ORDER BY code",
        company_id,
    )
    return [Tax(**dict(r)) for r in rows]


async def currencies(conn: Conn, company_id: str) -> list[Currency]:
    rows = await conn.fetch(
        "SELECT code, name, is_default FROM currencies WHERE company_id = $1 ORDER BY code",
        company_id,
    )
    return [Currency(**dict(r)) for r in rows]


async def payment_methods(conn: Conn, company_id: str) -> list[PaymentMethod]:
    rows = await conn.fetch(
        "SELECT code, name, is_credit FROM payment_methods WHERE company_id = $1 ORDER BY code",
        company_id,
    )
    return [PaymentMethod(**dict(r)) for r in rows]


async def document_types(conn: Conn, company_id: str) -> list[DocumentTypeInfo]:
    rows = await conn.fetch(
        "SELECT type, name, series, moves_stock FROM document_types WHERE company_id = $1 "
        "ORDER BY type",
        company_id,
    )
    return [DocumentTypeInfo(**dict(r)) for r in rows]


async def require(conn: Conn, company_id: str, what: str, code: str, field: str) -> None:
    """422 naming ``field`` when the company has no ``what`` with this code."""
    found = await conn.fetchval(
        f"SELECT 1 FROM {_TABLES[what]} WHERE company_id = $1 AND code = $2",  # noqa: S608 - fixed table names
        company_id,
        code,
    )
    if not found:
        raise invalid(field, f"unknown {what} {code!r}")


async def tax_rates(conn: Conn, company_id: str) -> dict[str, tuple[Decimal, bool]]:
    rows = await conn.fetch(
        "SELECT code, rate, included FROM taxes WHERE company_id = $1", company_id
    )
    return {r["code"]: (r["rate"], r["included"]) for r in rows}


async def shopify_warehouse(conn: Conn, company_id: str) -> str | None:
    code: str | None = await conn.fetchval(
        "SELECT code FROM warehouses WHERE company_id = $1 AND is_shopify", company_id
    )
    return code


async def document_type(conn: Conn, company_id: str, type_: str) -> tuple[str, bool] | None:
    row = await conn.fetchrow(
        "SELECT series, moves_stock FROM document_types WHERE company_id = $1 AND type = $2",
        company_id,
        type_,
    )
    return None if row is None else (row["series"], row["moves_stock"])

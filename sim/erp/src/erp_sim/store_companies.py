"""Companies (tenants): the API key is kept only as its SHA-256; each company gets its
general public customer when it is created."""

from __future__ import annotations

import hashlib
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from erp_sim import store_customers
from erp_sim.db import Conn
from erp_sim.problems import conflict


class CompanyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,62}$")
    name: str = Field(default="", max_length=255)
    api_key: str = Field(min_length=8, max_length=255)
    event_url: str | None = Field(default=None, max_length=2048)
    event_secret: str | None = Field(default=None, max_length=255)
    demo: bool = False


def key_hash(api_key: str) -> str:
    return hashlib.sha256(api_key.encode()).hexdigest()


async def create(conn: Conn, body: CompanyIn) -> None:
    exists = await conn.fetchval(
        "SELECT 1 FROM companies WHERE id = $1 OR api_key_sha256 = $2",
        body.id,
        key_hash(body.api_key),
    )
    if exists:
        raise conflict(f"company {body.id!r} or its API key exists")
    await conn.execute(
        "INSERT INTO companies (id, name, api_key_sha256, event_url, event_secret) "
        "VALUES ($1, $2, $3, $4, $5)",
        body.id,
        body.name or body.id,
        key_hash(body.api_key),
        body.event_url,
        body.event_secret,
    )
    await store_customers.create_general_public(conn, body.id)


async def exists(conn: Conn, company_id: str) -> bool:
    return bool(await conn.fetchval("SELECT 1 FROM companies WHERE id = $1", company_id))


async def state(conn: Conn, company_id: str) -> dict[str, Any]:
    """Row counts per table for tests and operators."""
    tables = (
        "warehouses",
        "products",
        "variants",
        "stock_levels",
        "stock_movements",
        "customers",
        "sales_documents",
        "credit_notes",
        "shipments",
        "idempotency_keys",
        "outbox",
    )
    counts = {}
    for table in tables:
        counts[table] = await conn.fetchval(
            f"SELECT count(*) FROM {table} WHERE company_id = $1",  # noqa: S608 - fixed names
            company_id,
        )
    pending = await conn.fetchval(
        "SELECT count(*) FROM outbox WHERE company_id = $1 AND delivered_at IS NULL", company_id
    )
    return {"company": company_id, "counts": counts, "outbox_pending": pending}

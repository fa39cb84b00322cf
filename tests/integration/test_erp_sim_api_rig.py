"""Shared rig for the reference ERP's API tests (no tests here): the app on a fresh
database over ASGI with its lifespan running, a demo company and a second company."""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
from erp_sim.app import create_app
from erp_sim.settings import DEMO_API_KEY, SimSettings

OTHER_KEY = "other_company_api_key"


@dataclass
class Rig:
    client: httpx.AsyncClient  # authenticated as the demo company
    other: httpx.AsyncClient  # authenticated as company "other" (demo data too)
    db: asyncpg.Connection[Any]

    async def create(
        self, path: str, body: dict[str, Any], key: str | None = None
    ) -> httpx.Response:
        headers = {"Idempotency-Key": key or uuid.uuid4().hex}
        return await self.client.post(path, json=body, headers=headers)

    async def level(self, sku: str, warehouse: str) -> tuple[int, int]:
        row = await self.db.fetchrow(
            "SELECT on_hand, reserved FROM stock_levels WHERE company_id = 'demo' AND sku = $1 "
            "AND warehouse = $2",
            sku,
            warehouse,
        )
        return (0, 0) if row is None else (row["on_hand"], row["reserved"])

    async def last_outbox_id(self) -> int:
        return int(await self.db.fetchval("SELECT coalesce(max(id), 0) FROM outbox"))

    async def outbox_since(self, after: int, event_type: str | None = None) -> list[dict[str, Any]]:
        rows = await self.db.fetch(
            "SELECT body::text AS body FROM outbox WHERE id > $1 "
            "AND ($2::text IS NULL OR event_type = $2) ORDER BY id",
            after,
            event_type,
        )
        return [json.loads(r["body"]) for r in rows]


@contextlib.asynccontextmanager
async def running_sim(fresh_db: str) -> AsyncIterator[Rig]:
    """The app with its lifespan on ``fresh_db``: company ``demo`` and company ``other``."""
    settings = SimSettings(database_url=fresh_db, demo=True, deliver=False)
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        auth = {"Authorization": f"Bearer {DEMO_API_KEY}"}
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://erp", headers=auth) as client,
            httpx.AsyncClient(
                transport=transport,
                base_url="http://erp",
                headers={"Authorization": f"Bearer {OTHER_KEY}"},
            ) as other,
        ):
            made = await client.post(
                "/_erp/companies", json={"id": "other", "api_key": OTHER_KEY, "demo": True}
            )
            assert made.status_code == 201, made.text
            db = await asyncpg.connect(fresh_db)
            try:
                yield Rig(client, other, db)
            finally:
                await db.close()


def order_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "remission",
        "currency": "MXN",
        "payment_method": "CARD",
        "lines": [
            {"sku": "TSHIRT-M-BLA", "quantity": 2, "unit_price": "199.00", "tax_code": "IVA16"}
        ],
    }
    body.update(overrides)
    return body

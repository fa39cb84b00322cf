"""Property-based run of the contract: schemathesis generates requests for every
operation of ``openapi.json`` and sends them over real HTTP to the reference ERP (uvicorn
on a free port, the demo company, a fresh Postgres database). Every answer must be
documented (status, content type, body schema) and none may be a 5xx."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
import uuid
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import erp_connector
import httpx
import pytest
import schemathesis
import uvicorn
from erp_sim.app import create_app
from erp_sim.settings import DEMO_API_KEY, SimSettings
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

OPENAPI = Path(erp_connector.__file__).with_name("openapi.json")
schema = schemathesis.openapi.from_path(OPENAPI)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


DEMO: dict[str, str] = {}  # ids of records the fixture made, for path parameters


@schema.hook("map_case")
def demo_references(context: Any, case: schemathesis.Case) -> schemathesis.Case:
    """Every other generated body points at the demo company's real references, so the
    success paths (documents made, stock moved, credit notes) are exercised too."""
    body = case.body
    if not isinstance(body, dict) or zlib.crc32(repr(body).encode()) % 2:
        return case
    if case.path == "/v1/sales-documents":
        body.update(currency="MXN", payment_method="CASH", warehouse="SHOPIFY")
        body.pop("customer_id", None)
        for line in body.get("lines") or []:
            if isinstance(line, dict):
                line.update(sku="CAP", tax_code="IVA16")
        if isinstance(body.get("shipping"), dict):
            body["shipping"]["tax_code"] = "IVA16"
    elif case.path == "/v1/stock/movements":
        body.update(sku="CAP", warehouse="SHOPIFY")
        if body.get("to_warehouse") is not None:
            body["to_warehouse"] = "MAIN"
    elif case.path.startswith("/v1/sales-documents/{id}") and DEMO:
        target = DEMO["cancel" if case.path.endswith("/cancel") else "credit-notes"]
        case.path_parameters = {**(case.path_parameters or {}), "id": target}
        body.pop("warehouse", None)
        for line in body.get("lines") or []:
            if isinstance(line, dict):
                line.update(sku="CAP")
    return case


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _admin(url: str, statement: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def erp_url(database_url: str) -> Iterator[str]:
    """The sim under uvicorn in a thread of its own (its own event loop)."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    parts = urlsplit(database_url)
    url = urlunsplit(parts._replace(path=f"/{name}"))
    asyncio.run(_admin(database_url, f'CREATE DATABASE "{name}"'))
    port = _free_port()
    app = create_app(SimSettings(database_url=url, demo=True, deliver=False))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the sim did not start"
        time.sleep(0.05)
    assert httpx.get(f"{base}/health").status_code == 200
    for name in ("cancel", "credit-notes"):
        doc = httpx.post(
            f"{base}/v1/sales-documents",
            headers={"Authorization": f"Bearer {DEMO_API_KEY}", "Idempotency-Key": name},
            json={
                "type": "invoice",
                "currency": "MXN",
                "payment_method": "CASH",
                "lines": [
                    {"sku": "CAP", "quantity": 1000, "unit_price": "249", "tax_code": "IVA16"}
                ],
                "shipping": {"service_sku": "SHIP", "amount": "99", "tax_code": "IVA16"},
            },
        )
        assert doc.status_code == 201, doc.text
        DEMO[name] = doc.json()["id"]
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(15)
        asyncio.run(_admin(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@schema.parametrize()
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_every_operation_conforms(case: schemathesis.Case, erp_url: str) -> None:
    case.call_and_validate(
        base_url=erp_url,
        headers={"Authorization": f"Bearer {DEMO_API_KEY}"},
        checks=CHECKS,
        timeout=10,
    )

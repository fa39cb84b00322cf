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
from collections.abc import Iterator
from pathlib import Path
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

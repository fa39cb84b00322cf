"""Shared rig for the reference ERP's delivery tests (no tests here): the ERP schema on a
fresh database, outbox rows, and a real HTTP receiver (Starlette under uvicorn on
127.0.0.1) that verifies each signature with its own ``hmac`` code and records events.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import socket
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import erp_sim
import uvicorn
from erp_sim.migrations import migrate
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.erp_events import stock_event

SECRET = "test-erp-event-secret"
MIGRATIONS = Path(erp_sim.__file__).parent / "migrations"


async def apply_schema(url: str) -> None:
    """The reference ERP's own migrations, as ``python -m erp_sim`` applies them."""
    conn = await asyncpg.connect(url)
    try:
        await migrate(conn)
    finally:
        await conn.close()


async def add_company(
    conn: asyncpg.Connection[Any] | asyncpg.Pool[Any],
    company: str,
    url: str | None,
    secret: str | None = SECRET,
) -> None:
    await conn.execute(
        "INSERT INTO companies (id, event_url, event_secret) VALUES ($1, $2, $3)",
        company,
        url,
        secret,
    )


def interleaved(skus: Iterable[str], per_sku: int, warehouse: str = "MAIN") -> list[dict[str, Any]]:
    """``per_sku`` movements of each SKU, interleaved, one movement id sequence overall."""
    skus = list(skus)
    return [
        stock_event(sku, warehouse, n * len(skus) + i + 1)
        for n in range(per_sku)
        for i, sku in enumerate(skus)
    ]


async def insert_events(
    conn: asyncpg.Connection[Any] | asyncpg.Pool[Any], company: str, events: list[dict[str, Any]]
) -> None:
    """Outbox rows as the sim writes them (one transaction here, in list order)."""
    await conn.executemany(
        "INSERT INTO outbox (company_id, entity_key, event_id, event_type, body) "
        "VALUES ($1, $2, $3::uuid, $4, $5::jsonb)",
        [
            (
                company,
                f"stock:{e['data']['sku']}@{e['data']['warehouse']}",
                e["id"],
                e["type"],
                json.dumps(e),
            )
            for e in events
        ],
    )


async def pending(conn: asyncpg.Connection[Any] | asyncpg.Pool[Any], company: str) -> int:
    count = await conn.fetchval(
        "SELECT count(*) FROM outbox WHERE company_id = $1 AND delivered_at IS NULL", company
    )
    return int(count)


@dataclass
class Arrival:
    company: str
    event_id: str
    entity: str
    version: int


@dataclass
class Request_:
    company: str
    status: int
    event_ids: list[str]


@dataclass
class Receiver:
    """Verifies ``X-ERP-Signature`` over ``timestamp.body`` with ``secrets[company]``.

    ``fail_next`` answers 500 to that many requests; ``delay_s`` is spent before
    answering (a slow receiver); ``hold_after`` (events accepted) makes later requests
    record their events and then hang until ``release`` (a receiver caught mid-request).
    Events are recorded as arrivals only when the answer is a 2xx, or when held.
    """

    secrets: dict[str, str] = field(default_factory=dict)
    fail_next: int = 0
    delay_s: float = 0.0
    hold_after: int | None = None
    arrivals: list[Arrival] = field(default_factory=list)
    requests: list[Request_] = field(default_factory=list)
    bad_signatures: int = 0
    in_flight: int = 0
    held: asyncio.Event = field(default_factory=asyncio.Event)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: Request) -> Response:
        body = await request.body()
        company = request.headers.get("x-erp-company", "")
        timestamp = request.headers.get("x-erp-timestamp", "")
        secret = self.secrets.get(company, "")
        expected = hmac.new(
            secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
        ).hexdigest()
        signature = request.headers.get("x-erp-signature", "")
        fresh = timestamp.isdigit() and abs(time.time() - int(timestamp)) < 300
        if not (secret and fresh and hmac.compare_digest(expected, signature)):
            self.bad_signatures += 1
            return Response(status_code=401)
        if request.headers.get("content-type") != "application/json":
            return Response(status_code=415)
        events = json.loads(body)["events"]
        ids = [e["id"] for e in events]
        self.in_flight += 1
        try:
            if self.fail_next > 0:
                self.fail_next -= 1
                self.requests.append(Request_(company, 500, ids))
                return Response(status_code=500)
            if self.hold_after is not None and len(self.arrivals) >= self.hold_after:
                self._record(company, events)
                self.requests.append(Request_(company, 0, ids))
                self.held.set()
                await self.release.wait()
                return Response(status_code=503)
            if self.delay_s:
                await asyncio.sleep(self.delay_s)
            self._record(company, events)
            self.requests.append(Request_(company, 200, ids))
            return Response(status_code=200)
        finally:
            self.in_flight -= 1

    def _record(self, company: str, events: list[dict[str, Any]]) -> None:
        for e in events:
            data = e["data"]
            entity = f"stock:{data['sku']}@{data['warehouse']}"
            self.arrivals.append(Arrival(company, e["id"], entity, int(e["version"])))

    def ids(self, company: str | None = None) -> list[str]:
        return [a.event_id for a in self.arrivals if company in (None, a.company)]

    def first_arrivals_in_order(self) -> bool:
        """Per company and entity, the first arrival of each event comes in version order."""
        seen: set[str] = set()
        last: dict[tuple[str, str], int] = {}
        for a in self.arrivals:
            if a.event_id in seen:
                continue
            seen.add(a.event_id)
            if last.get((a.company, a.entity), 0) >= a.version:
                return False
            last[(a.company, a.entity)] = a.version
        return True


def reserve_port() -> socket.socket:
    """A bound socket that is not listening yet: connecting to it is refused."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


def url_of(sock: socket.socket) -> str:
    return f"http://127.0.0.1:{sock.getsockname()[1]}/erp/events"


class Serving:
    """The receiver under uvicorn on a given socket (so it can start late)."""

    def __init__(self, receiver: Receiver, sock: socket.socket) -> None:
        app = Starlette(routes=[Route("/erp/events", receiver.handle, methods=["POST"])])
        self.server = uvicorn.Server(
            uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
        )
        self.sock = sock
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.task = asyncio.create_task(self.server.serve(sockets=[self.sock]))
        await until(lambda: self.server.started, 5, "the receiver did not start")

    async def stop(self) -> None:
        if self.task is not None:
            self.server.should_exit = True
            await self.task
        self.sock.close()


async def until(check: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out: {what}")
        await asyncio.sleep(0.01)


async def until_async(check: Callable[[], Any], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not await check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out: {what}")
        await asyncio.sleep(0.02)


@dataclass
class Rig:
    url: str  # the database
    pool: asyncpg.Pool[Any]
    receiver: Receiver
    serving: Serving
    event_url: str


async def make_rig(database_url: str, *, start: bool = True) -> AsyncIterator[Rig]:
    """The body of a fixture: schema, pool, receiver (started unless ``start=False``)."""
    await apply_schema(database_url)
    pool = await asyncpg.create_pool(database_url, min_size=1, max_size=10)
    receiver = Receiver()
    sock = reserve_port()
    serving = Serving(receiver, sock)
    if start:
        await serving.start()
    try:
        yield Rig(database_url, pool, receiver, serving, url_of(sock))
    finally:
        receiver.release.set()
        await serving.stop()
        await pool.close()

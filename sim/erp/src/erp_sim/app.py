"""The ASGI app: ``/v1`` (the contract, through ``erp_sim.api``), ``/_erp`` (operator),
``/health``. The lifespan applies migrations, opens the pool, seeds the demo company when
asked and runs the outbox dispatcher when the settings say so."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import structlog
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from erp_sim import api, demo, problems, routes_catalog, routes_operator, routes_sales
from erp_sim.db import Pool, create_pool
from erp_sim.faults import FaultConfig, Faults
from erp_sim.migrations import migrate
from erp_sim.problems import ApiError
from erp_sim.settings import SimSettings

log = structlog.get_logger("erp_sim")
HANDLERS = {**routes_catalog.HANDLERS, **routes_sales.HANDLERS}


class Holder:
    """The pool exists only once the lifespan started; routes read it from here."""

    pool: Pool | None = None


def create_app(settings: SimSettings, faults: Faults | None = None) -> Starlette:
    faults = faults or Faults(FaultConfig())
    holder = Holder()

    def pool() -> Pool:
        assert holder.pool is not None
        return holder.pool

    async def v1(request: Request) -> Response:
        try:
            await faults.before_call()
        except ApiError as error:
            return problems.response(error)
        return await api.serve(pool(), HANDLERS, request)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        holder.pool = await create_pool(settings.database_url)
        try:
            async with holder.pool.acquire() as conn:
                await migrate(conn)
            await demo.seed_demo(holder.pool, settings)
            async with _dispatcher(holder.pool, settings):
                yield
        finally:
            await holder.pool.close()

    methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
    return Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/v1/{rest:path}", v1, methods=methods),
            *routes_operator.routes(pool, faults),
        ],
        lifespan=lifespan,
    )


@contextlib.asynccontextmanager
async def _dispatcher(pool: Pool, settings: SimSettings) -> AsyncIterator[None]:
    if not settings.deliver:
        yield
        return
    from erp_sim import delivery  # noqa: PLC0415 - only when delivering

    async with delivery.running(pool):
        yield

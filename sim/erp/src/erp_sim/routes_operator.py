"""Operator endpoints under ``/_erp/`` (not part of the contract): what an ERP user or a
test does in the back office itself: create companies, receive purchases, record
movements, ship documents, look at the state, and turn the fault knobs."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from erp_connector.models.common import Code
from erp_connector.models.shipments import ShipmentIn
from erp_connector.models.stock import MovementIn
from erp_connector.routes import BY_ID
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from erp_sim import demo, problems, store_companies, store_shipments, store_stock
from erp_sim.api import Call, _dump
from erp_sim.db import Conn, Pool
from erp_sim.faults import FaultConfig, Faults
from erp_sim.problems import ApiError, invalid, not_found
from erp_sim.routes_catalog import create_movement

M = TypeVar("M", bound=BaseModel)


class PurchaseLineIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    sku: Code
    quantity: int = Field(gt=0, le=1_000_000_000)


class PurchaseIn(BaseModel):
    """Goods received from a supplier: one ``purchase_entry`` per line."""

    model_config = ConfigDict(extra="forbid")
    warehouse: Code
    lines: list[PurchaseLineIn] = Field(min_length=1, max_length=500)
    note: str = Field(default="", max_length=255)


async def _body(request: Request, model: type[M]) -> M:
    try:
        data = json.loads(await request.body())
    except ValueError:
        raise invalid("body", "is not valid JSON") from None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise problems.from_validation(error) from None


def routes(pool: Callable[[], Pool], faults: Faults) -> list[Route]:
    def endpoint(
        work: Callable[[Conn, Request], Awaitable[Any]], status: int = 200
    ) -> Callable[[Request], Awaitable[Response]]:
        async def handle(request: Request) -> Response:
            try:
                async with pool().acquire() as conn, conn.transaction():
                    company = request.path_params.get("company")
                    if company is not None and not await store_companies.exists(conn, company):
                        raise not_found(f"company {company!r}")
                    return JSONResponse(_dump(await work(conn, request)), status_code=status)
            except ApiError as error:
                return problems.response(error)

        return handle

    async def create_company(conn: Conn, request: Request) -> Any:
        body = await _body(request, store_companies.CompanyIn)
        await store_companies.create(conn, body)
        if body.demo:
            await demo.seed(conn, body.id)
        return {"id": body.id}

    async def purchase(conn: Conn, request: Request) -> Any:
        body = await _body(request, PurchaseIn)
        company = request.path_params["company"]
        movements = []
        for i, line in enumerate(body.lines):
            move = MovementIn(
                type="purchase_entry",
                sku=line.sku,
                warehouse=body.warehouse,
                quantity=line.quantity,
                note=body.note,
            )
            try:
                movements.append(await _move(conn, company, move))
            except ApiError as error:
                if error.errors and error.errors[0].field == "sku":
                    raise invalid(f"lines[{i}].sku", error.errors[0].reason) from None
                raise
        return movements

    async def _move(conn: Conn, company: str, body: MovementIn) -> Any:
        call = Call(company, BY_ID["createMovement"], {}, body=body)
        return await create_movement(conn, call)

    async def movement(conn: Conn, request: Request) -> Any:
        return await _move(conn, request.path_params["company"], await _body(request, MovementIn))

    async def ship(conn: Conn, request: Request) -> Any:
        body = await _body(request, ShipmentIn)
        p = request.path_params
        return await store_shipments.ship(conn, p["company"], p["id"], body)

    async def state(conn: Conn, request: Request) -> Any:
        result = await store_companies.state(conn, request.path_params["company"])
        result["stock"] = await store_stock.levels(
            conn, request.path_params["company"], None, None, 10_000
        )
        return result

    async def put_faults(request: Request) -> Response:
        try:
            faults.set(await _body(request, FaultConfig))
        except ApiError as error:
            return problems.response(error)
        return JSONResponse(faults.config.model_dump())

    async def get_faults(request: Request) -> Response:
        return JSONResponse(faults.config.model_dump())

    return [
        Route("/_erp/companies", endpoint(create_company, 201), methods=["POST"]),
        Route("/_erp/faults", put_faults, methods=["PUT"]),
        Route("/_erp/faults", get_faults, methods=["GET"]),
        Route("/_erp/{company}/purchases", endpoint(purchase, 201), methods=["POST"]),
        Route("/_erp/{company}/movements", endpoint(movement, 201), methods=["POST"]),
        Route("/_erp/{company}/documents/{id}/ship", endpoint(ship, 201), methods=["POST"]),
        Route("/_erp/{company}/state", endpoint(state), methods=["GET"]),
    ]

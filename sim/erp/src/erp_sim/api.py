"""Serves ``erp_connector.routes.OPERATIONS``: routing on the raw path (so an encoded
``/`` inside an id is an id, not a path), auth, request validation with the wire models,
idempotency, one transaction per call, and the answer serialised with the answer model.

Handlers are ``async (conn, call) -> model | list[model]``; ``ApiError`` becomes
problem+json, and so does every other failure (a 500 is a bug, logged with its trace).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import asyncpg
import structlog
from erp_connector.routes import IDEMPOTENCY_HEADER, OPERATIONS, Operation
from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from erp_sim import idempotency, problems
from erp_sim.db import Conn, Pool
from erp_sim.problems import ApiError, invalid

log = structlog.get_logger("erp_sim.api")


@dataclass(frozen=True)
class Call:
    company_id: str
    operation: Operation
    path: dict[str, str]
    query: Any = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Conn, Call], Awaitable[Any]]
_ROUTES = [(op, [s for s in op.full_path.split("/") if s]) for op in OPERATIONS]


def match(method: str, raw_path: str) -> tuple[Operation, dict[str, str]]:
    """The operation for a method and raw path, literal segments first (``/customers/match``
    before ``/customers/{id}``); 404 for an unknown path, 405 for a wrong method."""
    segments = [unquote(s) for s in raw_path.split("?", 1)[0].split("/") if s]
    found: list[tuple[int, Operation, dict[str, str]]] = []
    for op, pattern in _ROUTES:
        if len(pattern) != len(segments):
            continue
        params: dict[str, str] = {}
        for p, s in zip(pattern, segments, strict=True):
            if p.startswith("{"):
                params[p[1:-1]] = s
            elif p != s:
                break
        else:
            found.append((len(params), op, params))
    if not found:
        raise ApiError(404, "no such path")
    for _, op, params in sorted(found, key=lambda f: f[0]):
        if op.method == method:
            return op, params
    raise ApiError(
        405,
        "method not allowed",
        headers={"Allow": ", ".join(sorted({f[1].method for f in found}))},
    )


def _nul(value: Any, path: str) -> str | None:
    """The first string holding NUL (Postgres text cannot store it), as a field path."""
    if isinstance(value, str):
        return path if "\x00" in value else None
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        if isinstance(key, str) and "\x00" in key:
            return path
        sub = f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else key)
        if (found := _nul(item, sub)) is not None:
            return found
    return None


async def _parse(request: Request, op: Operation, path: dict[str, str]) -> tuple[Any, Any]:
    if (where := _nul(path, "")) is not None:
        raise invalid(where, "must not contain NUL")
    query = None
    if op.query is not None:
        raw_query = dict(request.query_params)
        if (where := _nul(raw_query, "")) is not None:
            raise invalid(where, "must not contain NUL")
        try:
            query = op.query.model_validate(raw_query)
        except ValidationError as error:
            raise problems.from_validation(error) from None
    body = None
    if op.body is not None:
        raw = await request.body()
        try:
            data = json.loads(raw)
        except ValueError:
            raise invalid("body", "is not valid JSON") from None
        if (where := _nul(data, "")) is not None:
            raise invalid(where or "body", "must not contain NUL")
        try:
            body = op.body.model_validate(data)
        except ValidationError as error:
            raise problems.from_validation(error) from None
    return query, body


def _dump(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value


async def authenticate(pool: Pool, request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "send Authorization: Bearer <api key>")
    digest = hashlib.sha256(token.strip().encode()).hexdigest()
    company: str | None = await pool.fetchval(
        "SELECT id FROM companies WHERE api_key_sha256 = $1", digest
    )
    if company is None:
        raise ApiError(401, "unknown API key")
    return company


async def serve(pool: Pool, handlers: dict[str, Handler], request: Request) -> Response:
    try:
        op, path = match(
            request.method, request.scope.get("raw_path", b"").decode("latin-1") or request.url.path
        )
        company_id = await authenticate(pool, request)
        query, body = await _parse(request, op, path)
        headers = {k.lower(): v for k, v in request.headers.items()}
        call = Call(company_id, op, path, query, body, headers)
        status, content = await _run(pool, handlers[op.id], call)
        return JSONResponse(content, status_code=status)
    except ApiError as error:
        return problems.response(error)
    except asyncpg.UniqueViolationError:
        return problems.response(ApiError(409, "a concurrent change made the same record"))
    except Exception:
        log.exception("unhandled", method=request.method, path=request.url.path)
        return problems.response(ApiError(500, "internal error"))


async def _run(pool: Pool, handler: Handler, call: Call) -> tuple[int, Any]:
    op = call.operation
    status = op.ok[0]
    async with pool.acquire() as conn, conn.transaction():
        if not op.idempotent:
            return status, _dump(await handler(conn, call))
        key = call.headers.get(IDEMPOTENCY_HEADER.lower(), "")
        if not key or len(key) > idempotency.MAX_KEY_LENGTH:
            raise invalid(IDEMPOTENCY_HEADER, "required: 1 to 255 characters")
        digest = idempotency.request_hash({"path": call.path, "body": _dump(call.body)})
        stored = await idempotency.claim(conn, call.company_id, op.id, key, digest)
        if stored is not None:
            return 200, stored
        content = _dump(await handler(conn, call))
        await idempotency.record(conn, call.company_id, op.id, key, digest=digest, response=content)
        return status, content

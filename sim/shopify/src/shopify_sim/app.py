"""The emulator's ASGI app: Shopify's Admin GraphQL endpoint, bulk results, ``/_sim/``.

    POST /admin/api/{YYYY-MM}/graphql.json   X-Shopify-Access-Token; JSON or application/graphql
    GET  /_sim/bulk/{id}.jsonl                a bulk operation's result (no token, as a
                                              signed storage URL)
    GET  /health                              200
    /_sim/...                                 merchant actions and test views (sim_routes)

The shop is the one whose domain is the Host header, else the one the token belongs to
(so ``http://127.0.0.1:8081/...`` works with the token alone); the token is compared in
constant time. Any ``YYYY-MM`` version is served and echoed in ``X-Shopify-API-Version``.
"""

from __future__ import annotations

import hmac
import json
import re
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from shopify_sim.bucket import Clock
from shopify_sim.demo import seed
from shopify_sim.graphql_api import GraphQLApi
from shopify_sim.settings import SimSettings
from shopify_sim.sim_routes import routes as sim_routes
from shopify_sim.state import Shop, SimState
from shopify_sim.webhooks import Dispatcher

UNAUTHORIZED = "[API] Invalid API key or access token (unrecognized login or wrong password)"
_VERSION = re.compile(r"^\d{4}-\d{2}$|^unstable$")


def find_shop(state: SimState, host: str | None, token: str | None) -> Shop | None:
    """The shop this token opens: the Host's shop if it names one, else the token's."""
    if not token:
        return None
    domain = (host or "").split(":", 1)[0].lower()
    candidates = [state.shops[domain]] if domain in state.shops else list(state.shops.values())
    found = None
    for shop in candidates:  # compare with every candidate: no early exit on a match
        if hmac.compare_digest(shop.access_token.encode(), token.encode()):
            found = shop
    return found


def create_app(
    state: SimState,
    settings: SimSettings,
    *,
    dispatcher: Dispatcher | None = None,
    clock: Clock = time.monotonic,
) -> Starlette:
    api = GraphQLApi(state, time_factor=settings.time_factor, clock=clock)
    hooks = dispatcher or Dispatcher(state, settings)

    async def graphql(request: Request) -> Response:
        version = request.path_params["version"]
        if not _VERSION.match(version):
            return JSONResponse({"errors": "Not Found"}, status_code=404)
        headers = {"X-Shopify-API-Version": version}
        shop = find_shop(
            state, request.headers.get("host"), request.headers.get("x-shopify-access-token")
        )
        if shop is None:
            return JSONResponse({"errors": UNAUTHORIZED}, status_code=401, headers=headers)
        raw = await request.body()
        if request.headers.get("content-type", "").startswith("application/graphql"):
            body: object = {"query": raw.decode("utf-8", "replace")}
        else:
            try:
                body = json.loads(raw or b"null")
            except ValueError:
                body = None
        if not isinstance(body, dict):
            invalid = {"errors": {"query": "Required parameter missing or invalid"}}
            return JSONResponse(invalid, status_code=400, headers=headers)
        base_url = settings.public_url or str(request.base_url).rstrip("/")
        answer = api.handle(shop, version, body, base_url)
        return JSONResponse(answer, headers=headers)

    async def bulk_result(request: Request) -> Response:
        result = api.bulk.result(int(request.path_params["op_id"]))
        if result is None:
            return JSONResponse({"errors": "Not Found"}, status_code=404)
        return Response(result, media_type="application/jsonl")

    async def health(_: Request) -> Response:
        return JSONResponse({"status": "ok", "shops": sorted(state.shops)})

    @asynccontextmanager
    async def lifespan(_: Starlette) -> AsyncIterator[None]:
        await hooks.start()
        try:
            yield
        finally:
            await hooks.aclose()

    app = Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/admin/api/{version}/graphql.json", graphql, methods=["POST"]),
            Route("/_sim/bulk/{op_id:int}.jsonl", bulk_result, methods=["GET"]),
            *sim_routes(state, hooks),
        ],
        lifespan=lifespan,
    )
    app.state.api = api
    app.state.dispatcher = hooks
    return app


def build_state(settings: SimSettings) -> SimState:
    """A state with the configured shops (or the demo shop), chaos and demo data."""
    state = SimState()
    for config in settings.served_shops():
        shop = state.add_shop(
            config.domain,
            access_token=config.access_token,
            app_secret=config.app_secret,
            plan=config.plan,
            currency=config.currency,
        )
        shop.chaos = settings.chaos()
        if settings.seeds_demo_data():
            seed(state, shop)
    return state

"""``/_sim/`` HTTP routes: the merchant's hands and the test's eyes (not Shopify's API).

JSON in, JSON out. A bad input answers 422 with ``{"errors": [{"field", "message"}]}``;
an unknown shop, order or product answers 404. Merchant actions answer with the REST
body the matching webhook carries, so a demo or a test sees what the app will see.

    GET  /_sim/state                              every shop, compact (see sim_views)
    GET  /_sim/deliveries?shop=&topic=&outcome=&webhook_id=&limit=
    POST /_sim/deliveries/drain?timeout=10        wait until every delivery has settled
    GET  /_sim/shops/{domain}/state
    GET|PUT /_sim/shops/{domain}/chaos         duplicates, shuffle_window, delay_s, drop_pct, seed
    PUT  /_sim/shops/{domain}/secret              app_secret, previous_app_secret (rotation)
    GET|POST /_sim/shops/{domain}/webhooks        {topic: "orders/create", uri, api_version}
    DELETE /_sim/shops/{domain}/webhooks/{id}
    POST /_sim/shops/{domain}/orders              place an order (orders.OrderInput)
    GET  /_sim/shops/{domain}/orders/{id}
    POST /_sim/shops/{domain}/orders/{id}/mark_paid | cancel | refunds | fulfillments | edit
    PATCH /_sim/shops/{domain}/products/{id}      catalog.update_product
    POST /_sim/shops/{domain}/inventory           {sku, location_id, available | delta}
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from shopify_sim import catalog, inventory
from shopify_sim.errors import UserErrors
from shopify_sim.orders import (
    CancelInput,
    EditInput,
    MarkPaidInput,
    OrderInput,
    RefundInput,
    cancel_order,
    edit_order,
    mark_paid,
    place_order,
    refund_order,
)
from shopify_sim.orders_fulfillment import fulfill_order
from shopify_sim.payloads import (
    fulfillment_body,
    inventory_level_body,
    order_body,
    product_body,
    refund_body,
)
from shopify_sim.sim_views import shop_view
from shopify_sim.state import Chaos, Shop, SimState, WebhookSubscription
from shopify_sim.webhooks import Dispatcher

DEFAULT_API_VERSION = "2025-04"
ShopHandler = Callable[[Request, Shop], Awaitable[Response]]


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ChaosInput(_Input):
    duplicates: int = Field(default=1, ge=1, le=20)
    shuffle_window: int = Field(default=0, ge=0, le=10_000)
    delay_s: float = Field(default=0.0, ge=0, le=60)
    drop_pct: float = Field(default=0.0, ge=0, le=100)
    seed: int | None = None


class SubscriptionInput(_Input):
    topic: str = Field(pattern=r"^[a-z_]+/[a-z_]+$")  # REST form: "orders/create"
    uri: str = Field(pattern=r"^https?://")
    api_version: str = Field(default=DEFAULT_API_VERSION, pattern=r"^\d{4}-\d{2}$|^unstable$")


class SecretInput(_Input):
    """Start a rotation with both fields; end it with ``{"previous_app_secret": null}``."""

    app_secret: str | None = Field(default=None, min_length=1)
    previous_app_secret: str | None = None


class FulfilLine(_Input):
    line_item_id: int
    quantity: int = Field(ge=1)


class FulfilInput(_Input):
    line_items: list[FulfilLine] | None = None  # None: everything left
    tracking: dict[str, Any] | None = None  # company, number(s), url(s)
    notify_customer: bool = False


class StockInput(_Input):
    """Set `available` (as the admin's inventory page does) or move it by `delta`."""

    sku: str | None = None
    inventory_item_id: int | None = None
    location_id: int | None = None  # default: the shop's first location
    available: int | None = None
    delta: int | None = None
    reason: str = "correction"


class _NotFound(Exception):
    """An unknown order, product or subscription: answered 404."""


def _error(status: int, message: str, field: list[str] | None = None) -> JSONResponse:
    return JSONResponse({"errors": [{"field": field, "message": message}]}, status_code=status)


def _validation_error(exc: ValidationError) -> JSONResponse:
    errors = [{"field": [str(p) for p in e["loc"]], "message": e["msg"]} for e in exc.errors()]
    return JSONResponse({"errors": errors}, status_code=422)


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    data = json.loads(raw)
    if not isinstance(data, dict):
        raise ValueError("the body must be a JSON object")
    return data


def _shop_route(state: SimState, handler: ShopHandler) -> Callable[[Request], Awaitable[Response]]:
    """Resolve the shop, and turn refusals into 404/422 answers."""

    async def endpoint(request: Request) -> Response:
        domain = request.path_params["domain"]
        shop = state.shops.get(domain)
        if shop is None:
            return _error(404, f"No shop {domain!r} in the emulator")
        try:
            return await handler(request, shop)
        except ValidationError as exc:
            return _validation_error(exc)
        except UserErrors as exc:
            errors = [{"field": e.field, "message": e.message, "code": e.code} for e in exc.errors]
            return JSONResponse({"errors": errors}, status_code=422)
        except ValueError as exc:  # json.JSONDecodeError included
            return _error(422, f"Bad request body: {exc}")
        except _NotFound as exc:
            return _error(404, str(exc))

    return endpoint


def _order_id(request: Request, shop: Shop) -> int:
    order_id = int(request.path_params["order_id"])
    if order_id not in shop.orders:
        raise _NotFound(f"No order {order_id} in {shop.domain}")
    return order_id


class _Api:
    def __init__(self, state: SimState, dispatcher: Dispatcher) -> None:
        self.state = state
        self.dispatcher = dispatcher

    # -- inspection ---------------------------------------------------------------------

    async def all_state(self, request: Request) -> Response:
        return JSONResponse({"shops": {d: shop_view(s) for d, s in self.state.shops.items()}})

    async def shop_state(self, request: Request, shop: Shop) -> Response:
        return JSONResponse(shop_view(shop))

    async def order(self, request: Request, shop: Shop) -> Response:
        order = shop.orders[_order_id(request, shop)]
        return JSONResponse({"order": order_body(shop, order)})

    async def deliveries(self, request: Request) -> Response:
        q = request.query_params
        rows = self.dispatcher.log(
            shop=q.get("shop"), topic=q.get("topic"), outcome=q.get("outcome")
        )
        if webhook_id := q.get("webhook_id"):
            rows = [r for r in rows if r.webhook_id == webhook_id]
        if (limit := q.get("limit", "")).isdigit():
            rows = rows[-int(limit) :] if int(limit) else []
        return JSONResponse({"deliveries": [r.as_dict() for r in rows]})

    async def drain(self, request: Request) -> Response:
        try:
            timeout = float(request.query_params.get("timeout", "10"))
        except ValueError:
            return _error(422, "timeout must be a number of seconds", ["timeout"])
        try:
            await self.dispatcher.drain(timeout)
        except TimeoutError:
            return _error(504, f"deliveries still pending after {timeout:g} s")
        return JSONResponse({"drained": True})

    # -- webhook plumbing ---------------------------------------------------------------

    async def chaos(self, request: Request, shop: Shop) -> Response:
        if request.method == "PUT":
            spec = ChaosInput.model_validate(await _json(request))
            shop.chaos = Chaos(**spec.model_dump())
        return JSONResponse({"chaos": ChaosInput.model_validate(shop.chaos.__dict__).model_dump()})

    async def secret(self, request: Request, shop: Shop) -> Response:
        spec = SecretInput.model_validate(await _json(request))
        if spec.app_secret is not None:
            shop.app_secret = spec.app_secret
        if "previous_app_secret" in spec.model_fields_set:
            shop.previous_app_secret = spec.previous_app_secret
        return JSONResponse({"rotating": shop.previous_app_secret is not None})

    async def webhooks(self, request: Request, shop: Shop) -> Response:
        if request.method == "POST":
            spec = SubscriptionInput.model_validate(await _json(request))
            now = self.state.now()
            sub = WebhookSubscription(
                id=self.state.next_id(),
                topic=spec.topic,
                uri=spec.uri,
                created_at=now,
                updated_at=now,
                api_version=spec.api_version,
            )
            shop.webhook_subscriptions[sub.id] = sub
            return JSONResponse({"webhook_subscription": _subscription(sub)}, status_code=201)
        subs = [_subscription(s) for s in shop.webhook_subscriptions.values()]
        return JSONResponse({"webhook_subscriptions": subs})

    async def delete_webhook(self, request: Request, shop: Shop) -> Response:
        sub_id = int(request.path_params["subscription_id"])
        if shop.webhook_subscriptions.pop(sub_id, None) is None:
            raise _NotFound(f"No webhook subscription {sub_id} in {shop.domain}")
        return Response(status_code=204)

    # -- merchant actions ---------------------------------------------------------------

    async def place_order(self, request: Request, shop: Shop) -> Response:
        spec = OrderInput.model_validate(await _json(request))
        order = place_order(self.state, shop, spec)
        return JSONResponse({"order": order_body(shop, order)}, status_code=201)

    async def mark_paid(self, request: Request, shop: Shop) -> Response:
        order_id = _order_id(request, shop)
        order = mark_paid(
            self.state, shop, order_id, MarkPaidInput.model_validate(await _json(request))
        )
        return JSONResponse({"order": order_body(shop, order)})

    async def cancel(self, request: Request, shop: Shop) -> Response:
        order_id = _order_id(request, shop)
        spec = CancelInput.model_validate(await _json(request))
        order = cancel_order(self.state, shop, order_id, spec)
        return JSONResponse({"order": order_body(shop, order)})

    async def refund(self, request: Request, shop: Shop) -> Response:
        order_id = _order_id(request, shop)
        spec = RefundInput.model_validate(await _json(request))
        refund = refund_order(self.state, shop, order_id, spec)
        body = refund_body(shop, shop.orders[order_id], refund)
        return JSONResponse({"refund": body}, status_code=201)

    async def fulfil(self, request: Request, shop: Shop) -> Response:
        order_id = _order_id(request, shop)
        spec = FulfilInput.model_validate(await _json(request))
        lines = (
            [(li.line_item_id, li.quantity) for li in spec.line_items]
            if spec.line_items is not None
            else None
        )
        done = fulfill_order(
            self.state, shop, order_id, lines, spec.tracking, notify_customer=spec.notify_customer
        )
        order = shop.orders[order_id]
        bodies = [fulfillment_body(shop, order, f) for f in done]
        return JSONResponse({"fulfillments": bodies}, status_code=201)

    async def edit(self, request: Request, shop: Shop) -> Response:
        order_id = _order_id(request, shop)
        order = edit_order(
            self.state, shop, order_id, EditInput.model_validate(await _json(request))
        )
        return JSONResponse({"order": order_body(shop, order)})

    async def edit_product(self, request: Request, shop: Shop) -> Response:
        product_id = int(request.path_params["product_id"])
        if product_id not in shop.products:
            raise _NotFound(f"No product {product_id} in {shop.domain}")
        changes = await _json(request)
        if not changes:
            return _error(422, 'Give the fields to change, e.g. {"title": "New title"}')
        with self.state.action():
            product = catalog.update_product(self.state, shop, product_id, changes)
        return JSONResponse({"product": product_body(shop, product)})

    async def stock(self, request: Request, shop: Shop) -> Response:
        spec = StockInput.model_validate(await _json(request))
        item_id = spec.inventory_item_id
        if item_id is None and spec.sku is not None:
            variant = shop.variant_by_sku(spec.sku)
            item_id = variant.inventory_item_id if variant is not None else None
        if item_id is None or item_id not in shop.inventory_items:
            return _error(422, "Give the sku or inventory_item_id of an existing item", ["sku"])
        location_id = spec.location_id or next(iter(shop.locations))
        if location_id not in shop.locations:
            return _error(422, f"No location {location_id}", ["location_id"])
        if (spec.available is None) == (spec.delta is None):
            return _error(422, "Give exactly one of available or delta", ["available"])
        with self.state.action():
            if spec.available is not None:
                level = inventory.set_available(
                    self.state, shop, item_id, location_id, spec.available, spec.reason
                )
            else:
                level = inventory.adjust_quantities(
                    self.state,
                    shop,
                    item_id,
                    location_id,
                    # received or counted: on hand moves with available
                    {"available": spec.delta or 0, "on_hand": spec.delta or 0},
                    spec.reason,
                )
        return JSONResponse({"inventory_level": inventory_level_body(shop, level)})


def _subscription(sub: WebhookSubscription) -> dict[str, Any]:
    return {
        "id": sub.id,
        "topic": sub.topic,
        "uri": sub.uri,
        "api_version": sub.api_version,
        "consecutive_failures": sub.consecutive_failures,
        "created_at": sub.created_at.isoformat(),
    }


def routes(state: SimState, dispatcher: Dispatcher) -> list[BaseRoute]:
    api = _Api(state, dispatcher)
    shop = "/_sim/shops/{domain}"
    order = shop + "/orders/{order_id:int}"

    def on_shop(handler: ShopHandler) -> Callable[[Request], Awaitable[Response]]:
        return _shop_route(state, handler)

    return [
        Route("/_sim/state", api.all_state, methods=["GET"]),
        Route("/_sim/deliveries", api.deliveries, methods=["GET"]),
        Route("/_sim/deliveries/drain", api.drain, methods=["POST"]),
        Route(shop + "/state", on_shop(api.shop_state), methods=["GET"]),
        Route(shop + "/chaos", on_shop(api.chaos), methods=["GET", "PUT"]),
        Route(shop + "/secret", on_shop(api.secret), methods=["PUT"]),
        Route(shop + "/webhooks", on_shop(api.webhooks), methods=["GET", "POST"]),
        Route(
            shop + "/webhooks/{subscription_id:int}",
            on_shop(api.delete_webhook),
            methods=["DELETE"],
        ),
        Route(shop + "/orders", on_shop(api.place_order), methods=["POST"]),
        Route(order, on_shop(api.order), methods=["GET"]),
        Route(order + "/mark_paid", on_shop(api.mark_paid), methods=["POST"]),
        Route(order + "/cancel", on_shop(api.cancel), methods=["POST"]),
        Route(order + "/refunds", on_shop(api.refund), methods=["POST"]),
        Route(order + "/fulfillments", on_shop(api.fulfil), methods=["POST"]),
        Route(order + "/edit", on_shop(api.edit), methods=["POST"]),
        Route(shop + "/products/{product_id:int}", on_shop(api.edit_product), methods=["PATCH"]),
        Route(shop + "/inventory", on_shop(api.stock), methods=["POST"]),
    ]

"""An in-process emulator behind httpx, for the GraphQL tests: one shop, a frozen clock
for the state, a hand-moved monotonic clock for the cost bucket, and a webhook recorder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from shopify_sim.app import create_app
from shopify_sim.settings import SimSettings
from shopify_sim.state import Shop, SimState, gid

from tests.unit.shopify_sim.sim_factory import Recorder, make_state, primary_location

TOKEN = "shpat_test"
URL = "/admin/api/2026-10/graphql.json"


class ManualClock:
    """A monotonic clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Api:
    client: httpx.AsyncClient
    state: SimState
    shop: Shop
    clock: ManualClock
    hooks: Recorder

    @property
    def location_gid(self) -> str:
        return gid("Location", primary_location(self.shop).id)

    async def post(
        self,
        body: Any,
        *,
        token: str | None = TOKEN,
        version: str = "2026-10",
        host: str = "127.0.0.1:8081",
    ) -> httpx.Response:
        headers = {"Host": host}
        if token is not None:
            headers["X-Shopify-Access-Token"] = token
        return await self.client.post(
            f"/admin/api/{version}/graphql.json", json=body, headers=headers
        )

    async def answer(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The whole JSON answer (data, errors, extensions) of a 200 response."""
        response = await self.post({"query": query, "variables": variables or {}})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The data of an answer that must have no errors."""
        body = await self.answer(query, variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


def make_api(time_factor: float = 1.0, plan: str = "standard") -> tuple[Api, httpx.AsyncClient]:
    state, shop = make_state()
    shop.plan = plan  # type: ignore[assignment]
    clock = ManualClock()
    settings = SimSettings(time_factor=time_factor, demo=False)
    app = create_app(state, settings, clock=clock)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://127.0.0.1:8081")
    return Api(client, state, shop, clock, Recorder(state)), client


PRODUCT_SET = """
mutation ProductSet($input: ProductSetInput!, $identifier: ProductSetIdentifiers) {
  productSet(input: $input, identifier: $identifier, synchronous: true) {
    product {
      id handle title updatedAt
      variants(first: 250) {
        nodes { id sku price title inventoryItem { id } selectedOptions { name value } }
      }
    }
    userErrors { field message code }
  }
}
"""


def tee_input(
    location: str, skus: list[str], title: str = "Tee", available: int = 5
) -> dict[str, Any]:
    """A ProductSetInput: one Size option, one variant per SKU, stocked at `location`."""
    return {
        "title": title,
        "vendor": "Acme",
        "productOptions": [{"name": "Size", "values": [{"name": sku} for sku in skus]}],
        "variants": [
            {
                "optionValues": [{"optionName": "Size", "name": sku}],
                "sku": sku,
                "price": "19.99",
                "inventoryQuantities": [
                    {"locationId": location, "name": "available", "quantity": available}
                ],
            }
            for sku in skus
        ],
    }


async def create_tee(api: Api, skus: list[str], title: str = "Tee") -> dict[str, Any]:
    data = await api.data(PRODUCT_SET, {"input": tee_input(api.location_gid, skus, title)})
    payload: dict[str, Any] = data["productSet"]
    assert payload["userErrors"] == [], payload["userErrors"]
    product: dict[str, Any] = payload["product"]
    return product

"""The orders service's ERP adapter keeps known SKUs and the tax table, never an absence."""

from __future__ import annotations

import httpx
from orders.adapters.erp_cache import CachingHttpErp

from tests.unit.erp_connector.fakes import ANSWERS, API_KEY, BASE_URL, PRODUCT, FakeClock, _json

TAXES_JSON = ANSWERS["listTaxes"]


class Erp:
    def __init__(self) -> None:
        self.paths: list[str] = []
        self.known = {"SKU-1"}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        if request.url.path.endswith("/taxes"):
            return httpx.Response(200, json=TAXES_JSON)
        sku = request.url.path.rsplit("/", 1)[1]
        if sku in self.known:
            return httpx.Response(200, json=_json(PRODUCT))
        return httpx.Response(
            404, json={"type": "about:blank", "title": "Not found", "status": 404}
        )


def make(erp: Erp, clock: FakeClock) -> CachingHttpErp:
    http = httpx.AsyncClient(transport=httpx.MockTransport(erp))
    return CachingHttpErp(BASE_URL, API_KEY, http=http, monotonic=clock.monotonic)


async def test_a_known_sku_is_asked_once_within_its_time() -> None:
    erp, clock = Erp(), FakeClock()
    adapter = make(erp, clock)
    assert await adapter.product_by_sku("SKU-1") is not None
    assert await adapter.product_by_sku("SKU-1") is not None
    assert len(erp.paths) == 1
    clock.now += 301
    assert await adapter.product_by_sku("SKU-1") is not None
    assert len(erp.paths) == 2


async def test_an_unknown_sku_is_asked_again_so_creating_it_fixes_a_replay() -> None:
    erp, clock = Erp(), FakeClock()
    adapter = make(erp, clock)
    assert await adapter.product_by_sku("NEW-1") is None
    erp.known.add("NEW-1")
    assert await adapter.product_by_sku("NEW-1") is not None
    assert len(erp.paths) == 2


async def test_the_tax_table_is_kept_a_minute() -> None:
    erp, clock = Erp(), FakeClock()
    adapter = make(erp, clock)
    first = await adapter.taxes()
    first.clear()  # a caller's change does not reach the kept table
    assert len(await adapter.taxes()) == len(TAXES_JSON)
    assert len(erp.paths) == 1
    clock.now += 61
    await adapter.taxes()
    assert len(erp.paths) == 2

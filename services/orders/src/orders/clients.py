"""One ERP adapter and one Shopify client per tenant, made on first use and kept.

Kept because each holds what should live as long as the process: the ERP adapter its
connection pool, the Shopify client its share of the shop's cost bucket (one ``Pacer``
for the whole process, so every task on a shop draws from one model). A tenant whose
credentials change in the tenants file gets new clients; the old ones are closed.
"""

from __future__ import annotations

import httpx
from erp_connector.adapter import HttpErp
from shopify_client import Pacer, ShopifyClient

from orders.adapters.erp_cache import CachingHttpErp
from orders.adapters.shopify_orders import ShopifyOrdersAdapter
from orders.ports import ErpPort, ShopifyOrders
from orders.tenants import OrdersTenant


class TenantClients:
    def __init__(self, *, erp_timeout_s: float = 10.0) -> None:
        self._http = httpx.AsyncClient(timeout=erp_timeout_s)
        self._shopify_http = httpx.AsyncClient(timeout=30.0)
        self._pacer = Pacer()
        self._erps: dict[str, tuple[tuple[str, str], HttpErp]] = {}
        self._shops: dict[str, tuple[tuple[str, str, str | None], ShopifyClient]] = {}
        self._retired: list[HttpErp | ShopifyClient] = []

    def erp(self, tenant: OrdersTenant) -> ErpPort:
        identity = (tenant.erp_base_url, tenant.erp_api_key)
        known = self._erps.get(tenant.slug)
        if known is not None and known[0] == identity:
            return known[1]
        if known is not None:
            self._retired.append(known[1])
        erp = CachingHttpErp(tenant.erp_base_url, tenant.erp_api_key, http=self._http)
        self._erps[tenant.slug] = (identity, erp)
        return erp

    def shopify(self, tenant: OrdersTenant) -> ShopifyOrders:
        identity = (tenant.shop_domain, tenant.shopify_token, tenant.shopify_api_url)
        known = self._shops.get(tenant.slug)
        if known is None or known[0] != identity:
            if known is not None:
                self._retired.append(known[1])
            client = ShopifyClient(
                tenant.shop_domain,
                tenant.shopify_token,
                base_url=tenant.shopify_api_url,
                http=self._shopify_http,
                pacer=self._pacer,
            )
            known = (identity, client)
            self._shops[tenant.slug] = known
        return ShopifyOrdersAdapter(known[1])

    async def aclose(self) -> None:
        clients = [
            *self._retired,
            *(c for _, c in self._erps.values()),
            *(c for _, c in self._shops.values()),
        ]
        for client in clients:
            await client.aclose()
        await self._http.aclose()
        await self._shopify_http.aclose()

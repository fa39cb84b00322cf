"""The ERP adapter with the reference data an order reads every time kept for a while.

Every order asks whether its SKUs exist and reads the tax table: two to four calls of
the five or six an order costs, answered the same way minutes on end. Known SKUs are
kept ``product_ttl_s`` (a product is rarely deleted; the ERP refuses a document with a
vanished SKU anyway); unknown ones are never kept, so creating the missing product and
replaying works at once. The tax table is kept ``tax_ttl_s``: a changed rate reaches
orders within that time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from erp_connector.adapter import HttpErp
from erp_connector.models.catalog import Product
from erp_connector.models.reference import Tax


class CachingHttpErp(HttpErp):
    def __init__(
        self,
        *args: Any,
        product_ttl_s: float = 300.0,
        tax_ttl_s: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._product_ttl_s = product_ttl_s
        self._tax_ttl_s = tax_ttl_s
        self._now = monotonic
        self._products: dict[str, tuple[float, Product]] = {}
        self._taxes: tuple[float, list[Tax]] | None = None

    async def product_by_sku(self, sku: str) -> Product | None:
        kept = self._products.get(sku)
        if kept is not None and self._now() - kept[0] < self._product_ttl_s:
            return kept[1]
        product = await super().product_by_sku(sku)
        if product is not None:
            self._products[sku] = (self._now(), product)
        return product

    async def taxes(self) -> list[Tax]:
        if self._taxes is not None and self._now() - self._taxes[0] < self._tax_ttl_s:
            return list(self._taxes[1])
        taxes = await super().taxes()
        self._taxes = (self._now(), taxes)
        return list(taxes)

"""Builds emulator state for the webhook and merchant-action tests (no GraphQL needed)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from shopify_sim.state import (
    Address,
    Clock,
    Customer,
    InventoryItem,
    InventoryLevel,
    Location,
    Product,
    ProductOption,
    Shop,
    SimState,
    Variant,
    WebhookSubscription,
)

DOMAIN = "acme.myshopify.com"
SECRET = "shpss_test_secret"
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


@dataclass
class FakeSettings:
    """The three attributes the dispatcher reads from SimSettings."""

    time_factor: float = 1_000_000.0
    webhook_timeout_s: float = 5.0
    webhook_connect_timeout_s: float = 1.0


def make_state(domain: str = DOMAIN) -> tuple[SimState, Shop]:
    state = SimState(clock=Clock(T0))
    shop = state.add_shop(domain, access_token="shpat_test", app_secret=SECRET)
    return state, shop


def primary_location(shop: Shop) -> Location:
    return next(iter(shop.locations.values()))


def add_location(state: SimState, shop: Shop, name: str) -> Location:
    now = state.now()
    location = Location(id=state.next_id(), name=name, created_at=now, updated_at=now)
    shop.locations[location.id] = location
    return location


def add_product(
    state: SimState,
    shop: Shop,
    title: str,
    variants: list[tuple[str, str, int]],
    *,
    location: Location | None = None,
    vendor: str = "Acme",
) -> Product:
    """A product with one variant per (sku, price, available) stocked at `location`."""
    now = state.now()
    where = location or primary_location(shop)
    product = Product(
        id=state.next_id(),
        title=title,
        handle=title.lower().replace(" ", "-"),
        created_at=now,
        updated_at=now,
        vendor=vendor,
        product_type="Shirts",
        tags=["example", "mens"],
        published_at=now,
    )
    product.options.append(
        ProductOption(
            id=state.next_id(), name="Size", position=1, values=[sku for sku, _, _ in variants]
        )
    )
    for position, (sku, price, available) in enumerate(variants, 1):
        item = InventoryItem(id=state.next_id(), sku=sku, created_at=now, updated_at=now)
        variant = Variant(
            id=state.next_id(),
            product_id=product.id,
            inventory_item_id=item.id,
            title=sku,
            price=Decimal(price),
            position=position,
            created_at=now,
            updated_at=now,
            sku=sku,
            grams=250,
            option_values=[("Size", sku)],
        )
        item.variant_id = variant.id
        product.variants.append(variant)
        shop.inventory_items[item.id] = item
        stock(state, shop, item.id, where.id, available)
    shop.products[product.id] = product
    return product


def stock(state: SimState, shop: Shop, item_id: int, location_id: int, available: int) -> None:
    level = InventoryLevel(
        id=state.next_id(), inventory_item_id=item_id, location_id=location_id, updated_at=T0
    )
    level.quantities.update(available=available, on_hand=available)
    shop.inventory_levels[(item_id, location_id)] = level


def quantities(shop: Shop, sku: str, location_id: int | None = None) -> dict[str, int]:
    variant = shop.variant_by_sku(sku)
    assert variant is not None, sku
    where = location_id or next(iter(shop.locations))
    return dict(shop.inventory_levels[(variant.inventory_item_id, where)].quantities)


def add_customer(state: SimState, shop: Shop, email: str = "bob@biller.com") -> Customer:
    now = state.now()
    customer = Customer(
        id=state.next_id(),
        created_at=now,
        updated_at=now,
        email=email,
        first_name="Bob",
        last_name="Biller",
        note="This customer loves ice cream",
        addresses=[
            Address(
                id=state.next_id(),
                first_name="Bob",
                last_name="Biller",
                address1="151 O'Connor Street",
                city="Ottawa",
                province="Ontario",
                province_code="ON",
                country="Canada",
                country_code="CA",
                zip="K2P 2L8",
                phone="555-555-5555",
            )
        ],
    )
    shop.customers[customer.id] = customer
    return customer


def subscribe(
    state: SimState, shop: Shop, topic: str, uri: str, api_version: str = "2025-04"
) -> WebhookSubscription:
    now = state.now()
    sub = WebhookSubscription(
        id=state.next_id(),
        topic=topic,
        uri=uri,
        created_at=now,
        updated_at=now,
        api_version=api_version,
    )
    shop.webhook_subscriptions[sub.id] = sub
    return sub


class Recorder:
    """An EventSink that keeps every emit, to assert which webhooks an action causes."""

    def __init__(self, state: SimState) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.event_ids: list[str] = []

        def sink(shop: Shop, topic: str, body: dict[str, Any]) -> None:
            self.events.append((topic, json.loads(json.dumps(body))))  # as sent, JSON-safe
            self.event_ids.append(state.current_event().id)

        state.subscribe(sink)

    def topics(self) -> list[str]:
        return [topic for topic, _ in self.events]

    def bodies(self, topic: str) -> list[dict[str, Any]]:
        return [body for t, body in self.events if t == topic]

    def last(self, topic: str) -> dict[str, Any]:
        bodies = self.bodies(topic)
        assert bodies, f"no {topic} among {self.topics()}"
        return bodies[-1]

    def clear(self) -> None:
        self.events.clear()
        self.event_ids.clear()

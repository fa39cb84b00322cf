"""The emulator's in-memory state: shops and the Admin API objects they hold.

One model serves both faces of the emulator: the GraphQL resolvers read and write it,
and the webhook payload builders turn it into the REST-shaped bodies Shopify sends.
Ids are 64-bit-sized integers (as Shopify's are, so that code which rounds them through
floats breaks here as it would in production); ``gid()`` gives the GraphQL form.
Money is ``Decimal``; the builders format it as Shopify does (strings with 2 decimals).
"""

from __future__ import annotations

import itertools
import secrets
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Literal

Plan = Literal["standard", "advanced", "plus", "enterprise"]

# Leaky bucket per plan: (bucket size, restore points per second).
PLAN_LIMITS: dict[str, tuple[float, float]] = {
    "standard": (2_000.0, 100.0),
    "advanced": (4_000.0, 200.0),
    "plus": (20_000.0, 1_000.0),
    "enterprise": (40_000.0, 2_000.0),
}

QUANTITY_NAMES = ("available", "on_hand", "committed", "reserved", "incoming")

FinancialStatus = Literal[
    "pending",
    "authorized",
    "partially_paid",
    "paid",
    "partially_refunded",
    "refunded",
    "voided",
    "expired",
]


def gid(kind: str, id_: int) -> str:
    return f"gid://shopify/{kind}/{id_}"


def parse_gid(value: str, kind: str | None = None) -> tuple[str, int]:
    """Split ``gid://shopify/Kind/123``; a bad id raises ValueError with the value in it."""
    prefix = "gid://shopify/"
    parts = value[len(prefix) :].split("/") if value.startswith(prefix) else []
    if len(parts) != 2 or not parts[1].isdigit() or (kind is not None and parts[0] != kind):
        expected = f"gid://shopify/{kind or '<Type>'}/<number>"
        raise ValueError(f"invalid id {value!r}: expected {expected}")
    return parts[0], int(parts[1])


class Clock:
    """Injectable time so tests can move it; `now()` is timezone-aware UTC."""

    def __init__(self, fixed: datetime | None = None) -> None:
        self._fixed = fixed

    def now(self) -> datetime:
        return self._fixed if self._fixed is not None else datetime.now(UTC)

    def set(self, moment: datetime | None) -> None:
        self._fixed = moment


@dataclass
class Address:
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    province: str | None = None
    province_code: str | None = None
    country: str | None = None
    country_code: str | None = None
    zip: str | None = None
    phone: str | None = None
    id: int | None = None  # set on customer addresses only


@dataclass
class Location:
    id: int
    name: str
    created_at: datetime
    updated_at: datetime
    active: bool = True
    fulfills_online_orders: bool = True
    address: Address = field(default_factory=Address)


@dataclass
class InventoryItem:
    id: int
    sku: str | None
    created_at: datetime
    updated_at: datetime
    variant_id: int | None = None
    tracked: bool = True
    requires_shipping: bool = True
    cost: Decimal | None = None
    country_code_of_origin: str | None = None
    harmonized_system_code: str | None = None


@dataclass
class InventoryLevel:
    id: int
    inventory_item_id: int
    location_id: int
    updated_at: datetime
    quantities: dict[str, int] = field(default_factory=lambda: dict.fromkeys(QUANTITY_NAMES, 0))


@dataclass
class ProductOption:
    id: int
    name: str
    position: int
    values: list[str] = field(default_factory=list)


@dataclass
class Variant:
    id: int
    product_id: int
    inventory_item_id: int
    title: str
    price: Decimal
    position: int
    created_at: datetime
    updated_at: datetime
    sku: str | None = None
    barcode: str | None = None
    compare_at_price: Decimal | None = None
    taxable: bool = True
    inventory_policy: Literal["deny", "continue"] = "deny"
    grams: int = 0
    # (option name, value) in option order, e.g. [("Size", "M"), ("Color", "Red")].
    option_values: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Product:
    id: int
    title: str
    handle: str
    created_at: datetime
    updated_at: datetime
    description_html: str = ""
    vendor: str = ""
    product_type: str = ""
    status: Literal["ACTIVE", "DRAFT", "ARCHIVED"] = "ACTIVE"
    tags: list[str] = field(default_factory=list)
    options: list[ProductOption] = field(default_factory=list)
    variants: list[Variant] = field(default_factory=list)
    published_at: datetime | None = None


@dataclass
class Customer:
    id: int
    created_at: datetime
    updated_at: datetime
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    note: str | None = None
    tags: list[str] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)  # the first is the default
    verified_email: bool = True
    tax_exempt: bool = False
    state: Literal["enabled", "disabled", "invited", "declined"] = "enabled"
    accepts_marketing: bool = False
    currency: str = "USD"


@dataclass
class TaxLine:
    title: str
    rate: Decimal
    price: Decimal


@dataclass
class DiscountApplication:
    """An order-level discount; `code` is set for discount codes."""

    type: Literal["discount_code", "manual", "automatic"]
    value: Decimal
    value_type: Literal["percentage", "fixed_amount"]
    title: str
    code: str | None = None
    allocation_method: Literal["across", "each"] = "across"
    target_selection: Literal["all", "entitled", "explicit"] = "all"
    target_type: Literal["line_item", "shipping_line"] = "line_item"


@dataclass
class DiscountAllocation:
    amount: Decimal
    discount_application_index: int


@dataclass
class LineItem:
    id: int
    title: str
    quantity: int
    price: Decimal
    variant_id: int | None = None
    product_id: int | None = None
    sku: str | None = None
    variant_title: str | None = None
    vendor: str | None = None
    grams: int = 0
    taxable: bool = True
    requires_shipping: bool = True
    fulfillable_quantity: int = 0
    fulfillment_status: Literal["fulfilled", "partial"] | None = None
    tax_lines: list[TaxLine] = field(default_factory=list)
    discount_allocations: list[DiscountAllocation] = field(default_factory=list)
    # Units taken off by an order edit; `quantity` stays the ordered count, as in Shopify.
    removed_quantity: int = 0

    @property
    def name(self) -> str:
        return f"{self.title} - {self.variant_title}" if self.variant_title else self.title


@dataclass
class ShippingLine:
    id: int
    title: str
    price: Decimal
    code: str | None = None
    source: str = "shopify"
    tax_lines: list[TaxLine] = field(default_factory=list)
    discount_allocations: list[DiscountAllocation] = field(default_factory=list)


@dataclass
class Transaction:
    id: int
    order_id: int
    kind: Literal["authorization", "capture", "sale", "void", "refund"]
    status: Literal["pending", "success", "failure", "error"]
    amount: Decimal
    currency: str
    gateway: str
    created_at: datetime
    processed_at: datetime
    parent_id: int | None = None
    source_name: str = "web"
    location_id: int | None = None
    test: bool = False
    authorization: str | None = None
    error_code: str | None = None
    message: str | None = None


@dataclass
class RefundLineItem:
    id: int
    line_item_id: int
    quantity: int
    restock_type: Literal["no_restock", "cancel", "return", "legacy_restock"]
    subtotal: Decimal
    total_tax: Decimal
    location_id: int | None = None


@dataclass
class OrderAdjustment:
    id: int
    amount: Decimal
    tax_amount: Decimal
    kind: Literal["shipping_refund", "refund_discrepancy"]
    reason: str


@dataclass
class Refund:
    id: int
    order_id: int
    created_at: datetime
    processed_at: datetime
    note: str | None = None
    restock: bool = False
    refund_line_items: list[RefundLineItem] = field(default_factory=list)
    transactions: list[Transaction] = field(default_factory=list)
    order_adjustments: list[OrderAdjustment] = field(default_factory=list)


@dataclass
class FulfillmentOrderLineItem:
    id: int
    line_item_id: int
    inventory_item_id: int | None
    total_quantity: int
    remaining_quantity: int


@dataclass
class FulfillmentOrder:
    id: int
    order_id: int
    assigned_location_id: int
    created_at: datetime
    updated_at: datetime
    status: Literal["OPEN", "IN_PROGRESS", "CLOSED", "CANCELLED", "INCOMPLETE"] = "OPEN"
    line_items: list[FulfillmentOrderLineItem] = field(default_factory=list)


@dataclass
class FulfillmentLine:
    line_item_id: int
    quantity: int


@dataclass
class Fulfillment:
    id: int
    order_id: int
    location_id: int
    name: str  # "#1001.1"
    created_at: datetime
    updated_at: datetime
    status: Literal["pending", "open", "success", "cancelled", "error", "failure"] = "success"
    line_items: list[FulfillmentLine] = field(default_factory=list)
    tracking_company: str | None = None
    tracking_numbers: list[str] = field(default_factory=list)
    tracking_urls: list[str] = field(default_factory=list)
    shipment_status: str | None = None
    notify_customer: bool = False


@dataclass
class Order:
    id: int
    name: str  # "#1001"
    order_number: int  # 1001
    number: int  # 1
    created_at: datetime
    updated_at: datetime
    processed_at: datetime
    currency: str
    financial_status: FinancialStatus
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    email: str | None = None
    phone: str | None = None
    customer_id: int | None = None
    line_items: list[LineItem] = field(default_factory=list)
    shipping_lines: list[ShippingLine] = field(default_factory=list)
    discount_applications: list[DiscountApplication] = field(default_factory=list)
    transactions: list[Transaction] = field(default_factory=list)
    refunds: list[Refund] = field(default_factory=list)
    fulfillments: list[Fulfillment] = field(default_factory=list)
    fulfillment_orders: list[FulfillmentOrder] = field(default_factory=list)
    billing_address: Address | None = None
    shipping_address: Address | None = None
    source_name: str = "web"  # "pos" for point of sale
    location_id: int | None = None  # POS orders: where the sale happened
    gateway: str = "manual"
    taxes_included: bool = False
    test: bool = False
    note: str | None = None
    tags: list[str] = field(default_factory=list)
    cancelled_at: datetime | None = None
    cancel_reason: Literal["customer", "fraud", "inventory", "declined", "other"] | None = None
    closed_at: datetime | None = None
    buyer_accepts_marketing: bool = False

    @property
    def fulfillment_status(self) -> Literal["fulfilled", "partial"] | None:
        statuses = [li.fulfillment_status for li in self.line_items if li.requires_shipping]
        if statuses and all(s == "fulfilled" for s in statuses):
            return "fulfilled"
        if any(s is not None for s in statuses):
            return "partial"
        return None

    @property
    def subtotal(self) -> Decimal:
        """Line prices minus line-level discount allocations, before shipping and tax."""
        gross = sum((li.price * li.quantity for li in self.line_items), Decimal(0))
        return gross - self.total_line_discounts

    @property
    def total_line_discounts(self) -> Decimal:
        return sum(
            (a.amount for li in self.line_items for a in li.discount_allocations), Decimal(0)
        )

    @property
    def total_shipping(self) -> Decimal:
        return sum((s.price for s in self.shipping_lines), Decimal(0))

    @property
    def total_tax(self) -> Decimal:
        lines = (t.price for li in self.line_items for t in li.tax_lines)
        shipping = (t.price for s in self.shipping_lines for t in s.tax_lines)
        return sum(itertools.chain(lines, shipping), Decimal(0))

    @property
    def total(self) -> Decimal:
        tax = Decimal(0) if self.taxes_included else self.total_tax
        return self.subtotal + self.total_shipping + tax

    @property
    def total_refunded(self) -> Decimal:
        return sum(
            (t.amount for r in self.refunds for t in r.transactions if t.status == "success"),
            Decimal(0),
        )


@dataclass
class WebhookSubscription:
    id: int
    topic: str  # REST form, "orders/create"; GraphQL shows ORDERS_CREATE
    uri: str
    created_at: datetime
    updated_at: datetime
    api_version: str
    format: Literal["JSON"] = "JSON"
    consecutive_failures: int = 0


@dataclass
class BulkOperation:
    id: int
    query: str
    created_at: datetime
    status: Literal["CREATED", "RUNNING", "COMPLETED", "FAILED", "CANCELED", "EXPIRED"] = "CREATED"
    type: Literal["QUERY", "MUTATION"] = "QUERY"
    completed_at: datetime | None = None
    object_count: int = 0
    file_size: int | None = None
    url: str | None = None
    error_code: str | None = None
    result: bytes | None = None  # the JSONL, served by the emulator at `url`


@dataclass
class Chaos:
    """Per-shop webhook misbehaviour, so the platform's defences can be proven."""

    duplicates: int = 1  # every webhook is delivered this many times (1 = once)
    shuffle_window: int = 0  # deliveries are held and released shuffled in groups of N
    delay_s: float = 0.0  # extra delay before each delivery
    drop_pct: float = 0.0  # share of webhooks never delivered, 0..100
    seed: int | None = None  # fixes the random choices for a reproducible run


@dataclass
class Shop:
    id: int
    domain: str  # "acme.myshopify.com"
    access_token: str
    app_secret: str
    plan: Plan = "standard"
    name: str = ""
    currency: str = "USD"
    # The secret Shopify may still sign with during a rotation (up to an hour).
    previous_app_secret: str | None = None
    locations: dict[int, Location] = field(default_factory=dict)
    products: dict[int, Product] = field(default_factory=dict)
    inventory_items: dict[int, InventoryItem] = field(default_factory=dict)
    # (inventory_item_id, location_id) -> level
    inventory_levels: dict[tuple[int, int], InventoryLevel] = field(default_factory=dict)
    customers: dict[int, Customer] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    webhook_subscriptions: dict[int, WebhookSubscription] = field(default_factory=dict)
    bulk_operations: dict[int, BulkOperation] = field(default_factory=dict)
    # @idempotent(key:) -> the first response's data for that key
    idempotency: dict[str, Any] = field(default_factory=dict)
    chaos: Chaos = field(default_factory=Chaos)
    next_order_number: int = 1001

    def variants(self) -> Iterator[Variant]:
        for product in self.products.values():
            yield from product.variants

    def variant(self, variant_id: int) -> Variant | None:
        return next((v for v in self.variants() if v.id == variant_id), None)

    def variant_by_sku(self, sku: str) -> Variant | None:
        return next((v for v in self.variants() if v.sku == sku), None)


# A webhook the state wants sent: (shop, REST topic such as "orders/create", body).
EventSink = Callable[[Shop, str, dict[str, Any]], None]


@dataclass(frozen=True)
class Event:
    """One merchant action: every webhook it causes shares X-Shopify-Event-Id."""

    id: str
    triggered_at: datetime


_EVENT: ContextVar[Event | None] = ContextVar("shopify_sim_event", default=None)


class SimState:
    """All shops, one id sequence, one clock, and where emitted webhooks go."""

    def __init__(self, clock: Clock | None = None, first_id: int = 820_982_911_946_154_500):
        self.shops: dict[str, Shop] = {}
        self.clock = clock or Clock()
        self._ids = itertools.count(first_id)
        self._sinks: list[EventSink] = []

    def next_id(self) -> int:
        return next(self._ids)

    def now(self) -> datetime:
        return self.clock.now()

    def add_shop(
        self,
        domain: str,
        access_token: str,
        app_secret: str,
        plan: Plan = "standard",
        currency: str = "USD",
    ) -> Shop:
        shop = Shop(
            id=self.next_id(),
            domain=domain,
            access_token=access_token,
            app_secret=app_secret,
            plan=plan,
            name=domain.split(".", 1)[0],
            currency=currency,
        )
        now = self.now()
        location = Location(id=self.next_id(), name="Shop location", created_at=now, updated_at=now)
        shop.locations[location.id] = location
        self.shops[domain] = shop
        return shop

    def shop_by_token(self, access_token: str) -> Shop | None:
        return next((s for s in self.shops.values() if s.access_token == access_token), None)

    def subscribe(self, sink: EventSink) -> None:
        self._sinks.append(sink)

    @contextmanager
    def action(self) -> Iterator[Event]:
        """Group the emits of one merchant action or mutation under one event (nestable)."""
        current = _EVENT.get()
        if current is not None:
            yield current
            return
        event = Event(id=str(uuid.uuid4()), triggered_at=self.now())
        token = _EVENT.set(event)
        try:
            yield event
        finally:
            _EVENT.reset(token)

    def current_event(self) -> Event:
        """The enclosing action's event, or a fresh one for an emit outside any action."""
        return _EVENT.get() or Event(id=str(uuid.uuid4()), triggered_at=self.now())

    def emit(self, shop: Shop, topic: str, body: dict[str, Any]) -> None:
        """Hand a webhook to every sink (the dispatcher); state changes come first."""
        for sink in self._sinks:
            sink(shop, topic, body)

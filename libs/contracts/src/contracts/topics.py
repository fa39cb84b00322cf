"""Every Kafka topic of the platform, in one place.

Topics are named ``<source>.<entity>.v<N>``; each has a ``.dlq`` twin for messages that
failed permanently. A topic's partition count caps how many consumers of one group can
share its work, and changing it on a keyed topic breaks per-key order, so it is fixed
here and only here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

TOPIC_PATTERN = re.compile(r"^(shopify|erp)\.[a-z_]+\.v[1-9][0-9]*$")
DLQ_SUFFIX = ".dlq"
DEFAULT_PARTITIONS = 6
DLQ_PARTITIONS = 3


@dataclass(frozen=True)
class Topic:
    """A keyed topic: its name, partition count and what its key identifies."""

    name: str
    key_entity: str
    description: str
    event_types: tuple[str, ...]
    partitions: int = DEFAULT_PARTITIONS

    def __post_init__(self) -> None:
        if not TOPIC_PATTERN.fullmatch(self.name):
            msg = f"topic name {self.name!r} is not '<source>.<entity>.v<N>'"
            raise ValueError(msg)

    @property
    def dlq(self) -> str:
        return dlq_name(self.name)


def dlq_name(topic: str) -> str:
    return f"{topic}{DLQ_SUFFIX}"


def original_topic(dlq: str) -> str:
    if not dlq.endswith(DLQ_SUFFIX):
        msg = f"{dlq!r} is not a DLQ topic"
        raise ValueError(msg)
    return dlq.removesuffix(DLQ_SUFFIX)


SHOPIFY_ORDERS = Topic(
    name="shopify.orders.v1",
    key_entity="Shopify order id",
    description="Order lifecycle, transactions, refunds and fulfillments, keyed by order.",
    event_types=(
        "orders/create",
        "orders/updated",
        "orders/paid",
        "orders/cancelled",
        "orders/fulfilled",
        "orders/partially_fulfilled",
        "orders/edited",
        "orders/delete",
        "order_transactions/create",
        "refunds/create",
        "fulfillments/create",
        "fulfillments/update",
    ),
)
SHOPIFY_PRODUCTS = Topic(
    name="shopify.products.v1",
    key_entity="Shopify product id",
    description="Product and variant changes made in Shopify.",
    event_types=("products/create", "products/update", "products/delete"),
)
SHOPIFY_INVENTORY = Topic(
    name="shopify.inventory.v1",
    key_entity="Shopify inventory item id",
    description="Inventory levels and items changed in Shopify.",
    event_types=(
        "inventory_levels/update",
        "inventory_items/create",
        "inventory_items/update",
        "inventory_items/delete",
    ),
)
SHOPIFY_CUSTOMERS = Topic(
    name="shopify.customers.v1",
    key_entity="Shopify customer id",
    description="Customers created, changed or deleted in Shopify.",
    event_types=("customers/create", "customers/update", "customers/delete"),
)
SHOPIFY_COMPLIANCE = Topic(
    name="shopify.compliance.v1",
    key_entity="Shopify customer id (shop id for shop/redact)",
    description="GDPR requests: erase or report a customer's data, erase a shop's.",
    event_types=("customers/redact", "customers/data_request", "shop/redact"),
    partitions=3,
)
ERP_PRODUCTS = Topic(
    name="erp.products.v1",
    key_entity="ERP product code",
    description="Products changed in the ERP.",
    event_types=("product.changed",),
)
ERP_STOCK = Topic(
    name="erp.stock.v1",
    key_entity="SKU",
    description="Resulting stock after every ERP movement.",
    event_types=("stock.changed",),
)
ERP_CUSTOMERS = Topic(
    name="erp.customers.v1",
    key_entity="ERP customer id",
    description="Customers changed in the ERP.",
    event_types=("customer.changed",),
)
ERP_DOCUMENTS = Topic(
    name="erp.documents.v1",
    key_entity="ERP document id",
    description="Sales documents shipped or cancelled in the ERP.",
    event_types=("shipment.created", "document.cancelled"),
)

TOPICS: tuple[Topic, ...] = (
    SHOPIFY_ORDERS,
    SHOPIFY_PRODUCTS,
    SHOPIFY_INVENTORY,
    SHOPIFY_CUSTOMERS,
    SHOPIFY_COMPLIANCE,
    ERP_PRODUCTS,
    ERP_STOCK,
    ERP_CUSTOMERS,
    ERP_DOCUMENTS,
)
BY_NAME: dict[str, Topic] = {t.name: t for t in TOPICS}


@dataclass(frozen=True)
class Route:
    """Where one source event type goes and which payload field makes its key."""

    topic: Topic
    key_path: tuple[str, ...] = field(default=("id",))

    def entity_id(self, payload: dict[str, Any]) -> str:
        """The entity id at ``key_path``; raises LookupError when the payload lacks it."""
        node: Any = payload
        for part in self.key_path:
            if not isinstance(node, dict) or node.get(part) is None:
                msg = f"payload has no {'.'.join(self.key_path)}"
                raise LookupError(msg)
            node = node[part]
        if isinstance(node, bool) or not isinstance(node, int | str) or node == "":
            msg = f"{'.'.join(self.key_path)} is not an id: {type(node).__name__}"
            raise LookupError(msg)
        return str(node)


def _routes() -> dict[str, Route]:
    key_paths: dict[str, tuple[str, ...]] = {
        "orders/edited": ("order_edit", "order_id"),
        "order_transactions/create": ("order_id",),
        "refunds/create": ("order_id",),
        "fulfillments/create": ("order_id",),
        "fulfillments/update": ("order_id",),
        "inventory_levels/update": ("inventory_item_id",),
        "customers/redact": ("customer", "id"),
        "customers/data_request": ("customer", "id"),
        "shop/redact": ("shop_id",),
        # ERP events: the key field of the event's ``data`` (erp_connector.models.events)
        "product.changed": ("code",),
        "stock.changed": ("sku",),
        "customer.changed": ("id",),
        "shipment.created": ("document_id",),
        "document.cancelled": ("document_id",),
    }
    routes: dict[str, Route] = {}
    for topic in TOPICS:
        for event_type in topic.event_types:
            if event_type in routes:
                msg = f"event type {event_type!r} is routed to two topics"
                raise ValueError(msg)
            routes[event_type] = Route(topic, key_paths.get(event_type, ("id",)))
    return routes


ROUTES: dict[str, Route] = _routes()
"""Source event type ('orders/create', 'stock.changed') -> its topic and key field."""


def route_for(event_type: str) -> Route | None:
    """The route of an event type we consume, or None for one we ignore."""
    return ROUTES.get(event_type)

"""The executable schema: our SDL, scalar serializers, type resolution, idempotency.

``schema.graphql`` is built with graphql-core and every field is resolved by
``resolvers_common.default_resolver`` (the registered resolver, else the model's
attribute). ``@idempotent(key:)`` on a mutation field is honoured here, for every
mutation: the first payload for a (field, key) pair is kept on the shop and a repeat
returns it without running the mutation again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import cache
from importlib.resources import files
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLAbstractType,
    GraphQLScalarType,
    GraphQLSchema,
    build_schema,
    execute_sync,
)
from graphql.execution.values import get_directive_values

# Imported for their @resolver registrations.
from shopify_sim import (  # noqa: F401
    resolvers_bulk,
    resolvers_catalog,
    resolvers_customers,
    resolvers_fulfillments,
    resolvers_inventory,
    resolvers_inventory_mutations,
    resolvers_order_aftersale,
    resolvers_order_lines,
    resolvers_orders,
    resolvers_shop,
    resolvers_webhooks,
)
from shopify_sim.resolvers_common import Context, Info, OrderPart, default_resolver
from shopify_sim.resolvers_order_lines import discount_type
from shopify_sim.state import (
    Address,
    BulkOperation,
    Customer,
    DiscountApplication,
    Fulfillment,
    FulfillmentOrder,
    InventoryItem,
    InventoryLevel,
    LineItem,
    Location,
    Order,
    Product,
    Refund,
    Transaction,
    Variant,
    WebhookSubscription,
)

_TYPE_NAMES: dict[type, str] = {
    Product: "Product",
    Variant: "ProductVariant",
    InventoryItem: "InventoryItem",
    InventoryLevel: "InventoryLevel",
    Location: "Location",
    Customer: "Customer",
    Order: "Order",
    WebhookSubscription: "WebhookSubscription",
    BulkOperation: "BulkOperation",
    FulfillmentOrder: "FulfillmentOrder",
    Fulfillment: "Fulfillment",
    Refund: "Refund",
    Transaction: "OrderTransaction",
    LineItem: "LineItem",
    Address: "MailingAddress",
}


def _datetime(value: Any) -> str:
    """Shopify's DateTime: UTC, whole seconds, ``Z``."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(value)


def _text(value: Any) -> str:
    return str(value)


_SERIALIZERS: dict[str, Callable[[Any], Any]] = {
    "DateTime": _datetime,
    "Decimal": _text,
    "Money": _text,
    "UnsignedInt64": _text,
    "URL": _text,
    "HTML": _text,
}


@cache
def load_schema() -> GraphQLSchema:
    schema = build_schema(files("shopify_sim").joinpath("schema.graphql").read_text())
    for name, serialize in _SERIALIZERS.items():
        scalar = schema.type_map.get(name)
        if isinstance(scalar, GraphQLScalarType):
            scalar.coerce_output_value = serialize
    return schema


def resolve_type(value: Any, info: Info, abstract_type: GraphQLAbstractType) -> str | None:
    target = value.part if isinstance(value, OrderPart) else value
    if isinstance(target, Mapping):
        name = target.get("__typename")
        return str(name) if name is not None else None
    if isinstance(target, DiscountApplication):
        return discount_type(target)
    return _TYPE_NAMES.get(type(target))


def idempotency(next_: Callable[..., Any], root: Any, info: Info, **args: Any) -> Any:
    """Middleware: replay the first payload of a mutation field's ``@idempotent`` key."""
    if info.parent_type.name != "Mutation":
        return next_(root, info, **args)
    directive = info.schema.get_directive("idempotent")
    values = (
        get_directive_values(directive, info.field_nodes[0], info.variable_values)
        if directive is not None
        else None
    )
    if not values:
        return next_(root, info, **args)
    context = info.context
    key = f"{info.field_name}:{values['key']}"
    if key in context.shop.idempotency:
        return context.shop.idempotency[key]
    context.notes["idempotency_key"] = values["key"]
    result = next_(root, info, **args)
    context.shop.idempotency[key] = result
    return result


def run(
    document: DocumentNode,
    context: Context,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
) -> ExecutionResult:
    """Execute a validated document for one shop (synchronously: resolvers do no I/O,
    so one request's changes are never interleaved with another's)."""
    return execute_sync(
        load_schema(),
        document,
        context_value=context,
        variable_values=dict(variables or {}),
        operation_name=operation_name,
        field_resolver=default_resolver,
        type_resolver=resolve_type,
        middleware=[idempotency],
    )

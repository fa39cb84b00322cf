"""The emulator's SDL is a subset of Shopify's Admin schema, type for type.

A document the emulator accepts must be one Shopify accepts, with the same types: every
type, field, argument, input field, enum value, union member and directive in
``shopify_sim/schema.graphql`` must exist in the real schema with the same type (and
kind), and nothing the real schema requires (a non-null argument or input field without
a default) may be missing. The real schema is 2025-04 with the 2026 inventory deltas
(``real_schema.py``) plus the two later additions the emulator speaks, applied below.
"""

from __future__ import annotations

import gzip
from functools import cache
from importlib.resources import files
from pathlib import Path

import pytest
from graphql import (
    GraphQLArgument,
    GraphQLEnumType,
    GraphQLInputField,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    build_schema,
    is_specified_directive,
    parse,
    validate,
)
from shopify_client.documents import ALL_DOCUMENTS

from tests.contract.real_schema import SDL_FILE, apply_2026_deltas

# Changes after 2025-04 that the emulator speaks and real_schema.py does not add.
# 2025-10: webhookSubscriptionCreate gains `uri` (shared Shopify README); 2026-01: a
# changeFromQuantity mismatch fails with CHANGE_FROM_QUANTITY_STALE.
_LATER_DELTAS = (
    ("enum InventorySetQuantitiesUserErrorCode {", "\n\tCHANGE_FROM_QUANTITY_STALE"),
    ("input WebhookSubscriptionInput {", "\n\turi: String"),
    ("type WebhookSubscription implements LegacyInteroperability & Node {", "\n\turi: String!"),
)


@cache
def _real_with_later_deltas(shared_dir: Path) -> GraphQLSchema:
    raw = gzip.decompress((shared_dir / SDL_FILE).read_bytes()).decode("utf-8")
    sdl = apply_2026_deltas(raw)
    for anchor, addition in _LATER_DELTAS:
        assert sdl.count(anchor) == 1, anchor
        sdl = sdl.replace(anchor, anchor + addition)
    return build_schema(sdl, assume_valid=True, assume_valid_sdl=True)


def _required(arg: GraphQLArgument | GraphQLInputField) -> bool:
    return isinstance(arg.type, GraphQLNonNull) and (
        arg.ast_node is None or arg.ast_node.default_value is None
    )


def subset_violations(ours: GraphQLSchema, real: GraphQLSchema) -> list[str]:
    """Everything in `ours` that `real` lacks or types differently, one line each."""
    found: list[str] = []
    for name, ours_type in ours.type_map.items():
        if name.startswith("__"):
            continue
        real_type = real.type_map.get(name)
        if real_type is None:
            found.append(f"{name}: no such type in Shopify's schema")
            continue
        if type(real_type) is not type(ours_type):
            found.append(
                f"{name}: {type(ours_type).__name__}, Shopify's is a {type(real_type).__name__}"
            )
            continue
        found += _type_violations(name, ours_type, real_type)
    for directive in ours.directives:
        if is_specified_directive(directive):  # @skip, @include...: every server has them
            continue
        real_directive = real.get_directive(directive.name)
        if real_directive is None:
            found.append(f"@{directive.name}: no such directive in Shopify's schema")
            continue
        found += _args_violations(f"@{directive.name}", directive.args, real_directive.args)
        if set(directive.locations) - set(real_directive.locations):
            found.append(f"@{directive.name}: locations not in Shopify's")
    for operation in ("query_type", "mutation_type"):
        ours_root, real_root = getattr(ours, operation), getattr(real, operation)
        if ours_root is not None and (real_root is None or ours_root.name != real_root.name):
            found.append(f"{operation}: {ours_root.name}, Shopify's is {real_root}")
    return found


def _type_violations(name: str, ours: object, real: object) -> list[str]:
    found: list[str] = []
    if isinstance(ours, GraphQLObjectType | GraphQLInterfaceType):
        assert isinstance(real, GraphQLObjectType | GraphQLInterfaceType)
        real_interfaces = {i.name for i in real.interfaces}
        found += [
            f"{name}: does not implement {i.name} in Shopify's schema"
            for i in ours.interfaces
            if i.name not in real_interfaces
        ]
        for field_name, field in ours.fields.items():
            real_field = real.fields.get(field_name)
            where = f"{name}.{field_name}"
            if real_field is None:
                found.append(f"{where}: no such field in Shopify's schema")
            elif str(field.type) != str(real_field.type):
                found.append(f"{where}: {field.type}, Shopify's is {real_field.type}")
            else:
                found += _args_violations(where, field.args, real_field.args)
    elif isinstance(ours, GraphQLInputObjectType):
        assert isinstance(real, GraphQLInputObjectType)
        found += _args_violations(name, ours.fields, real.fields)
    elif isinstance(ours, GraphQLEnumType):
        assert isinstance(real, GraphQLEnumType)
        found += [f"{name}.{v}: no such enum value" for v in ours.values if v not in real.values]
    elif isinstance(ours, GraphQLUnionType):
        assert isinstance(real, GraphQLUnionType)
        real_members = {t.name for t in real.types}
        found += [
            f"{name}: {t.name} is not a member" for t in ours.types if t.name not in real_members
        ]
    return found


def _args_violations(
    where: str,
    ours: dict[str, GraphQLArgument] | dict[str, GraphQLInputField],
    real: dict[str, GraphQLArgument] | dict[str, GraphQLInputField],
) -> list[str]:
    found: list[str] = []
    for arg_name, arg in ours.items():
        real_arg = real.get(arg_name)
        if real_arg is None:
            found.append(f"{where}({arg_name}): not in Shopify's schema")
        elif str(arg.type) != str(real_arg.type):
            found.append(f"{where}({arg_name}): {arg.type}, Shopify's is {real_arg.type}")
    found += [
        f"{where}({arg_name}): required by Shopify, missing here"
        for arg_name, real_arg in real.items()
        if arg_name not in ours and _required(real_arg)
    ]
    return found


@pytest.fixture
def real(shared_dir: Path) -> GraphQLSchema:
    return _real_with_later_deltas(shared_dir)


def ours() -> GraphQLSchema:
    return build_schema(files("shopify_sim").joinpath("schema.graphql").read_text())


def test_the_emulator_schema_is_a_subset_of_shopifys(real: GraphQLSchema) -> None:
    assert subset_violations(ours(), real) == []


def test_the_emulator_schema_covers_what_a_sync_engine_calls() -> None:
    schema = ours()
    assert schema.query_type is not None
    assert schema.mutation_type is not None
    queries = set(schema.query_type.fields)
    mutations = set(schema.mutation_type.fields)
    assert {"products", "productVariants", "orders", "order", "customers", "locations"} <= queries
    assert {"node", "nodes", "shop", "currentBulkOperation", "inventoryItem"} <= queries
    assert {"productSet", "inventorySetQuantities", "customerSet", "fulfillmentCreate"} <= mutations
    assert {"webhookSubscriptionCreate", "bulkOperationRunQuery"} <= mutations
    assert schema.get_directive("idempotent") is not None


WRONG = """
schema { query: QueryRoot mutation: Mutation }
directive @idempotent(key: Int!) on FIELD
type QueryRoot {
  product(id: ID!, pretend: Boolean): Product
  products(first: Int): [Product!]!
}
type Mutation { inventoryItemUpdate(id: ID!): InventoryItemUpdatePayload }
type InventoryItemUpdatePayload { inventoryItem: InventoryItem }
type InventoryItem { id: ID! sku: String }
type Product implements Node { id: ID! title: Int handle: String! madeUp: String }
interface Node { id: ID! }
type Gadget { id: ID! }
union WebhookSubscriptionEndpoint = WebhookHttpEndpoint | Product
type WebhookHttpEndpoint { callbackUrl: URL! }
scalar URL
enum ProductStatus { ACTIVE SOLD_OUT }
input InventoryQuantityInput { inventoryItemId: ID! locationId: ID! quantity: String! }
"""


def test_the_check_reports_each_kind_of_drift(real: GraphQLSchema) -> None:
    found = subset_violations(build_schema(WRONG), real)
    assert "Product.title: Int, Shopify's is String!" in found
    assert "Product.madeUp: no such field in Shopify's schema" in found
    assert "QueryRoot.product(pretend): not in Shopify's schema" in found
    assert "QueryRoot.products: [Product!]!, Shopify's is ProductConnection!" in found
    assert "Gadget: no such type in Shopify's schema" in found
    assert "ProductStatus.SOLD_OUT: no such enum value" in found
    assert "InventoryQuantityInput(quantity): String!, Shopify's is Int!" in found
    assert "Mutation.inventoryItemUpdate(input): required by Shopify, missing here" in found
    assert "@idempotent(key): Int!, Shopify's is String!" in found
    assert "WebhookSubscriptionEndpoint: Product is not a member" in found
    assert len(found) == 10, found


def test_the_emulator_answers_every_document_the_client_sends() -> None:
    """The other direction: what the platform sends, the emulator must understand."""
    schema = ours()
    problems = {
        document.name: [error.message for error in validate(schema, parse(document.text))]
        for document in ALL_DOCUMENTS
    }
    assert {name: found for name, found in problems.items() if found} == {}
    assert len(problems) >= 20

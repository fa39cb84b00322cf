"""Every document the client sends validates against the real Admin schema.

The schema is the real 2025-04 SDL with the 2026 inventory deltas applied
(``real_schema.py``): a misspelt field, a wrong argument type or a missing required
variable fails here, not in a merchant's shop.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from graphql import (
    FieldNode,
    GraphQLInputObjectType,
    OperationDefinitionNode,
    OperationType,
    get_named_type,
    parse,
    print_ast,
    type_from_ast,
    validate,
)
from graphql.execution.values import get_variable_values
from shopify_client import QuantityChange, batch_idempotency_key
from shopify_client.cost import MAX_SINGLE_QUERY_COST
from shopify_client.document import Document
from shopify_client.documents import ALL_DOCUMENTS, INVENTORY_SET_QUANTITIES
from shopify_client.pagination import MAX_PAGE_SIZE
from shopify_sim.cost import QueryCost as SimQueryCost

from tests.contract.real_schema import real_schema

# The documents the sync services depend on; losing one is a contract break too.
REQUIRED = {
    "ProductsPage",
    "ProductVariantsBySku",
    "LocationsPage",
    "InventoryItemLevels",
    "InventorySetQuantities",
    "ProductSet",
    "ProductVariantsBulkUpdate",
    "InventoryItemUpdate",
    "InventoryActivate",
    "CustomerSet",
    "CustomerCreate",
    "CustomerUpdate",
    "CustomersPage",
    "OrdersUpdatedSince",
    "OrderById",
    "OrderAfterSale",
    "FulfillmentCreate",
    "WebhookSubscriptionCreate",
    "WebhookSubscriptionDelete",
    "BulkOperationRunQuery",
    "CurrentBulkOperation",
    "BulkOperationById",
}


def test_the_documents_are_many_and_uniquely_named() -> None:
    names = [d.name for d in ALL_DOCUMENTS]
    assert names
    assert len(names) == len(set(names))
    assert set(names) >= REQUIRED, f"missing: {sorted(REQUIRED - set(names))}"


@pytest.mark.parametrize("document", ALL_DOCUMENTS, ids=lambda d: d.name)
def test_document_validates_against_the_real_schema(document: Document, shared_dir: Path) -> None:
    ast = parse(document.text)
    errors = validate(real_schema(shared_dir), ast)
    assert not errors, "\n".join(e.message for e in errors)
    (operation,) = [d for d in ast.definitions if isinstance(d, OperationDefinitionNode)]
    assert operation.name is not None
    assert operation.name.value == document.name
    assert operation.operation.value == document.kind


def test_inventory_set_quantities_is_idempotent_and_compare_and_swap(shared_dir: Path) -> None:
    schema = real_schema(shared_dir)
    (operation,) = parse(INVENTORY_SET_QUANTITIES.text).definitions
    assert isinstance(operation, OperationDefinitionNode)
    assert operation.operation is OperationType.MUTATION
    variables = {v.variable.name.value: v for v in operation.variable_definitions or ()}
    assert print_ast(variables["idempotencyKey"].type) == "String!"
    (field,) = operation.selection_set.selections
    assert isinstance(field, FieldNode)
    assert field.name.value == "inventorySetQuantities"
    (directive,) = field.directives or ()
    assert directive.name.value == "idempotent"
    assert print_ast(directive) == "@idempotent(key: $idempotencyKey)"

    # The input the mutation takes carries changeFromQuantity on every quantity.
    input_type = get_named_type(type_from_ast(schema, variables["input"].type))
    assert isinstance(input_type, GraphQLInputObjectType)
    quantity_type = get_named_type(input_type.fields["quantities"].type)
    assert isinstance(quantity_type, GraphQLInputObjectType)
    assert "changeFromQuantity" in quantity_type.fields
    assert "compareQuantity" not in quantity_type.fields


def test_the_variables_the_batch_helper_builds_fit_the_schema(shared_dir: Path) -> None:
    """What set_quantities sends, coerced by the schema as Shopify would."""
    (operation,) = parse(INVENTORY_SET_QUANTITIES.text).definitions
    assert isinstance(operation, OperationDefinitionNode)
    changes = [
        QuantityChange("gid://shopify/InventoryItem/1", "gid://shopify/Location/2", 5, 3),
        QuantityChange("gid://shopify/InventoryItem/2", "gid://shopify/Location/2", 0, None),
    ]
    inputs = {
        "idempotencyKey": batch_idempotency_key("msg-1", 0),
        "input": {
            "name": "available",
            "reason": "correction",
            "referenceDocumentUri": None,
            "quantities": [change.as_input() for change in changes],
        },
    }
    coerced = get_variable_values(
        real_schema(shared_dir), operation.variable_definitions or (), inputs
    )
    assert not isinstance(coerced, list), [e.message for e in coerced]
    values: dict[str, Any] = coerced.coerced  # graphql-core 3.3: VariableValues
    assert [q["changeFromQuantity"] for q in values["input"]["quantities"]] == [3, None]


_DUMMY = {"ID": "gid://shopify/Order/1", "String": "x", "Int": 1, "[String!]": ["available"]}


@pytest.mark.parametrize("document", ALL_DOCUMENTS, ids=lambda d: d.name)
def test_document_fits_the_single_query_cost_limit(document: Document, shared_dir: Path) -> None:
    """At a full page (first: 250) every document costs at most 1,000 points by Shopify's
    documented rules (as the emulator implements them), so none is refused with
    MAX_COST_EXCEEDED in production."""
    schema = real_schema(shared_dir)
    (operation,) = parse(document.text).definitions
    assert isinstance(operation, OperationDefinitionNode)
    inputs: dict[str, Any] = {}
    for definition in operation.variable_definitions or ():
        name = definition.variable.name.value
        type_name = print_ast(definition.type).rstrip("!")
        if name == "first":
            inputs[name] = MAX_PAGE_SIZE
        elif type_name in _DUMMY:
            inputs[name] = _DUMMY[type_name]
    variables = None
    if operation.operation is OperationType.QUERY:
        coerced = get_variable_values(schema, operation.variable_definitions or (), inputs)
        assert not isinstance(coerced, list), [e.message for e in coerced]
        variables = coerced
    cost = SimQueryCost(schema, operation, {}, variables).requested()
    assert 0 < cost <= MAX_SINGLE_QUERY_COST, f"{document.name} costs {cost}"

"""Requested and actual cost of sample documents, by the rules cost.py documents."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import FragmentDefinitionNode, OperationDefinitionNode, parse
from graphql.execution.values import VariableValues, get_variable_values
from shopify_sim.cost import QueryCost
from shopify_sim.executor import load_schema


def cost_of(document: str, variables: dict[str, Any] | None = None) -> QueryCost:
    schema = load_schema()
    parsed = parse(document)
    [operation] = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in parsed.definitions if isinstance(d, FragmentDefinitionNode)
    }
    coerced = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    assert isinstance(coerced, VariableValues), coerced
    return QueryCost(schema, operation, fragments, coerced)


@pytest.mark.parametrize(
    ("document", "variables", "expected"),
    [
        ("{ shop { id name currencyCode } }", None, 1),  # an object; scalars and enums free
        ("{ shop { plan { displayName } } }", None, 2),
        ("query Burst { products(first: 48) { edges { node { id } } } }", None, 50),
        (
            "query($n: Int!) { products(first: $n) {"
            " nodes { id title } pageInfo { hasNextPage } } }",
            {"n": 10},
            12,
        ),
        ("query($n: Int = 7) { products(first: $n) { nodes { id } } }", None, 9),
        ("{ products(last: 3) { edges { cursor node { id } } } }", None, 5),
        # a nested connection multiplies: 2 + 5 x (1 product + (2 + 10 variants))
        ("{ products(first: 5) { nodes { variants(first: 10) { nodes { sku } } } } }", None, 67),
        # objects inside a node count once per node: 2 + 10 x (1 + product 1 + item 1)
        (
            "{ productVariants(first: 10) { nodes { product { id } inventoryItem { id } } } }",
            None,
            32,
        ),
        # edges/node and nodes are the same objects: the dearer, never both
        (
            "{ products(first: 4) { nodes { id }"
            " edges { node { variants(first: 1) { nodes { id } } } } } }",
            None,
            2 + 4 * (1 + 3),
        ),
        ('{ nodes(ids: ["a", "b", "c"]) { id } }', None, 3),
        # type conditions: only one can match, so the dearest counts
        (
            """{ node(id: "x") { id ... on Product { variants(first: 3) { nodes { id } } }
                                  ... on Order { customer { id } } } }""",
            None,
            1 + 5,
        ),
        (
            """query { product(id: "x") { ...P } } fragment P on Product { options { id } }""",
            None,
            2,
        ),
        (
            'mutation { webhookSubscriptionDelete(id: "x") { deletedWebhookSubscriptionId } }',
            None,
            10,
        ),
        (
            """mutation { a: webhookSubscriptionDelete(id: "x") { userErrors { message } }
                          b: webhookSubscriptionDelete(id: "y") { userErrors { message } } }""",
            None,
            20,
        ),
        ("{ products { nodes { id } } }", None, 2),  # no first: only the connection itself
    ],
)
def test_requested_cost(document: str, variables: dict[str, Any] | None, expected: int) -> None:
    assert cost_of(document, variables).requested() == expected


def test_actual_cost_counts_what_came_back() -> None:
    cost = cost_of("{ products(first: 10) { nodes { id variants(first: 5) { nodes { id } } } } }")
    data = {
        "products": {
            "nodes": [
                {"id": "p1", "variants": {"nodes": [{"id": "v1"}, {"id": "v2"}]}},
                {"id": "p2", "variants": {"nodes": []}},
            ]
        }
    }
    assert cost.requested() == 2 + 10 * (1 + 2 + 5)
    assert cost.actual(data) == 2 + (1 + 2 + 2) + (1 + 2)


def test_actual_cost_of_edges_and_nulls() -> None:
    cost = cost_of(
        '{ shop { id } product(id: "x") { id } products(first: 3) { edges { node { id } } } }'
    )
    data = {"shop": {"id": "s"}, "product": None, "products": {"edges": [{"node": {"id": "a"}}]}}
    assert cost.actual(data) == 1 + 0 + (2 + 1)
    assert cost.actual(None) == 0


def test_a_mutation_costs_ten_whatever_it_returns() -> None:
    cost = cost_of('mutation { webhookSubscriptionDelete(id: "x") { userErrors { message } } }')
    assert cost.actual({"webhookSubscriptionDelete": None}) == 10

"""Query cost as Shopify calculates it: requested from the document, actual from the result.

Shopify documents the rules, not the algorithm; this is the emulator's reading of them,
chosen so a client can predict every number:

requested cost
  - a scalar or enum field, ``__typename``, ``pageInfo`` and ``cursor``: 0
  - an object, interface or union field: 1 + the cost of its selection
  - a connection (a ``...Connection`` type): 2 + n x (1 + the cost of one node's
    selection), n = ``first`` or ``last`` (variables and their defaults honoured; 0 when
    neither is given). ``edges { node }`` and ``nodes`` are the same objects: the dearer
    of the two counts, never both
  - a list of objects that is not a connection: n x (1 + selection), n = ``first`` if the
    field takes it, the number of ``ids`` for ``nodes(ids:)``, else 1
  - fragments: fields without a type condition add up; of the fragments with a type
    condition, the dearest counts (only one type can match at run time)
  - a mutation: 10 per top-level field; the payload's selection is free

So ``products(first: N) { edges { node { id } } }`` costs exactly 2 + N, as does
``products(first: N) { nodes { id title } pageInfo { hasNextPage } }``.

actual cost: the same rules over what came back: a connection costs 2 + the cost of the
nodes it returned, a null object costs nothing, a list costs its elements; a mutation
still costs 10 per field. The bucket charges the requested cost up front and refunds
the difference.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_leaf_type,
)
from graphql.execution.values import VariableValues, get_argument_values

MUTATION_COST = 10
CONNECTION_COST = 2
MAX_QUERY_COST = 1000
_FREE = {"pageInfo", "cursor"}


def is_connection(named: GraphQLNamedType) -> bool:
    return isinstance(named, GraphQLObjectType) and named.name.endswith("Connection")


def _is_list(type_: GraphQLOutputType) -> bool:
    inner = type_.of_type if isinstance(type_, GraphQLNonNull) else type_
    return isinstance(inner, GraphQLList)


class QueryCost:
    """The cost of one operation of a validated document, with its coerced variables."""

    def __init__(
        self,
        schema: GraphQLSchema,
        operation: OperationDefinitionNode,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: VariableValues | None,
    ) -> None:
        self._schema = schema
        self._operation = operation
        self._fragments = fragments
        self._variables = variables

    @property
    def is_mutation(self) -> bool:
        return self._operation.operation == OperationType.MUTATION

    def _root(self) -> GraphQLObjectType:
        root = self._schema.get_root_type(self._operation.operation)
        assert root is not None, "validated documents only"
        return root

    def requested(self) -> int:
        if self.is_mutation:
            return MUTATION_COST * len(self._fields(self._operation.selection_set))
        return self._selection(self._operation.selection_set, self._root())

    def actual(self, data: Mapping[str, Any] | None) -> int:
        if self.is_mutation:
            return self.requested()
        if data is None:
            return 0
        return self._selection_actual(self._operation.selection_set, self._root(), data)

    # -- requested ------------------------------------------------------------------

    def _fields(self, selection_set: SelectionSetNode) -> list[FieldNode]:
        """Every field of a selection, fragments flattened (for mutations and connections)."""
        found: list[FieldNode] = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                found.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                found += self._fields(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                found += self._fields(self._fragments[selection.name.value].selection_set)
        return found

    def _groups(
        self, selection_set: SelectionSetNode, parent: GraphQLNamedType
    ) -> dict[str | None, list[tuple[FieldNode, GraphQLNamedType]]]:
        """Fields by the type condition they sit under (None: no condition)."""
        groups: dict[str | None, list[tuple[FieldNode, GraphQLNamedType]]] = {}

        def visit(node: SelectionSetNode, condition: str | None, on: GraphQLNamedType) -> None:
            for selection in node.selections:
                if isinstance(selection, FieldNode):
                    groups.setdefault(condition, []).append((selection, on))
                    continue
                if isinstance(selection, InlineFragmentNode):
                    type_name = (
                        selection.type_condition.name.value if selection.type_condition else None
                    )
                    inner = selection.selection_set
                else:
                    assert isinstance(selection, FragmentSpreadNode)
                    fragment = self._fragments[selection.name.value]
                    type_name, inner = fragment.type_condition.name.value, fragment.selection_set
                if type_name is None or type_name == on.name:
                    visit(inner, condition, on)
                else:
                    visit(inner, type_name, self._schema.type_map[type_name])

        visit(selection_set, None, parent)
        return groups

    def _selection(self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType) -> int:
        if selection_set is None:
            return 0
        groups = self._groups(selection_set, parent)
        totals = {
            key: sum(self._field(node, on) for node, on in fields) for key, fields in groups.items()
        }
        unconditional = totals.pop(None, 0)
        return unconditional + max(totals.values(), default=0)

    def _definition(self, node: FieldNode, parent: GraphQLNamedType) -> GraphQLField | None:
        if node.name.value.startswith("__") or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            return None
        found: GraphQLField | None = parent.fields.get(node.name.value)
        return found

    def _count(self, node: FieldNode, definition: GraphQLField, default: int) -> int:
        args = get_argument_values(definition, node, self._variables)
        for name in ("first", "last"):
            if isinstance(args.get(name), int):
                return max(0, cast(int, args[name]))
        if isinstance(args.get("ids"), list):
            return len(args["ids"])
        return default

    def _field(self, node: FieldNode, parent: GraphQLNamedType) -> int:
        definition = self._definition(node, parent)
        if definition is None or node.name.value in _FREE:
            return 0
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return 0
        if is_connection(named):
            return CONNECTION_COST + self._count(node, definition, 0) * self._node(node, named)
        one = 1 + self._selection(node.selection_set, named)
        if _is_list(definition.type):
            return self._count(node, definition, 1) * one
        return one

    def _node(self, node: FieldNode, connection: GraphQLNamedType) -> int:
        """The cost of one node of a connection: through `nodes` or `edges { node }`."""
        assert isinstance(connection, GraphQLObjectType)
        best = 0
        for field in self._fields(node.selection_set) if node.selection_set else []:
            name = field.name.value
            if name == "nodes":
                best = max(
                    best, 1 + self._selection(field.selection_set, self._node_type(connection))
                )
            elif name == "edges" and field.selection_set is not None:
                for inner in self._fields(field.selection_set):
                    if inner.name.value == "node":
                        cost = 1 + self._selection(inner.selection_set, self._node_type(connection))
                        best = max(best, cost)
        return best

    @staticmethod
    def _node_type(connection: GraphQLObjectType) -> GraphQLNamedType:
        named: GraphQLNamedType = get_named_type(connection.fields["nodes"].type)
        return named

    # -- actual ---------------------------------------------------------------------

    def _selection_actual(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType, value: Any
    ) -> int:
        if selection_set is None or not isinstance(value, Mapping):
            return 0
        groups = self._groups(selection_set, parent)
        totals = {
            key: sum(self._field_actual(node, on, value) for node, on in fields)
            for key, fields in groups.items()
        }
        unconditional = totals.pop(None, 0)
        return unconditional + max(totals.values(), default=0)

    def _field_actual(
        self, node: FieldNode, parent: GraphQLNamedType, value: Mapping[str, Any]
    ) -> int:
        definition = self._definition(node, parent)
        key = node.alias.value if node.alias else node.name.value
        got = value.get(key)
        if definition is None or got is None or node.name.value in _FREE:
            return 0
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return 0
        if is_connection(named):
            assert isinstance(named, GraphQLObjectType)
            return CONNECTION_COST + self._nodes_actual(node, named, got)
        if isinstance(got, list):
            return sum(
                1 + self._selection_actual(node.selection_set, named, item)
                for item in got
                if item is not None
            )
        return 1 + self._selection_actual(node.selection_set, named, got)

    def _nodes_actual(self, node: FieldNode, connection: GraphQLObjectType, got: Any) -> int:
        if not isinstance(got, Mapping) or node.selection_set is None:
            return 0
        node_type = self._node_type(connection)
        best = 0
        for field in self._fields(node.selection_set):
            key = field.alias.value if field.alias else field.name.value
            items = got.get(key)
            if not isinstance(items, list):
                continue
            if field.name.value == "nodes":
                cost = sum(
                    1 + self._selection_actual(field.selection_set, node_type, item)
                    for item in items
                    if item is not None
                )
                best = max(best, cost)
            elif field.name.value == "edges" and field.selection_set is not None:
                cost = 0
                for inner in self._fields(field.selection_set):
                    if inner.name.value != "node":
                        continue
                    inner_key = inner.alias.value if inner.alias else "node"
                    cost += sum(
                        1
                        + self._selection_actual(
                            inner.selection_set, node_type, edge.get(inner_key)
                        )
                        for edge in items
                        if isinstance(edge, Mapping) and edge.get(inner_key) is not None
                    )
                best = max(best, cost)
        return best

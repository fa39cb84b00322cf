"""Bulk query operations: run a query over the whole state, serve the result as JSONL.

``bulkOperationRunQuery`` answers at once with the operation CREATED; a background task
marks it RUNNING, executes the query with unpaged connections, writes one JSON object per
node (a nested connection's nodes become their own lines with ``__parentId``, after
their parent), marks it COMPLETED and emits ``bulk_operations/finish``. The file is
served at ``/_sim/bulk/{id}.jsonl`` on this app, without the access token (Shopify's is
a signed storage URL). As in Shopify: a query with no connection is refused, a parent of
a nested connection must select ``id``, an empty result has no URL, and a shop runs one
bulk query at a time (five from 2026-01).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator, Mapping
from typing import Any

import structlog
from graphql import (
    FieldNode,
    GraphQLError,
    GraphQLNamedType,
    GraphQLObjectType,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    parse,
    validate,
)

from shopify_sim.cost import is_connection
from shopify_sim.errors import UserErrors
from shopify_sim.executor import load_schema, run
from shopify_sim.resolvers_bulk import finish_body
from shopify_sim.resolvers_common import Context
from shopify_sim.state import BulkOperation, SimState, gid

log = structlog.get_logger("shopify_sim.bulk")

RESULT_PATH = "/_sim/bulk/{id}.jsonl"


def _concurrent_limit(api_version: str) -> int:
    return 5 if api_version >= "2026-01" else 1


def _fields(selection_set: SelectionSetNode | None) -> list[FieldNode]:
    if selection_set is None:
        return []
    return [s for s in selection_set.selections if isinstance(s, FieldNode)]


def _node_selections(node: FieldNode) -> Iterator[SelectionSetNode | None]:
    """The selections of a connection's node, through `nodes` or `edges { node }`."""
    for field in _fields(node.selection_set):
        if field.name.value == "nodes":
            yield field.selection_set
        elif field.name.value == "edges":
            for inner in _fields(field.selection_set):
                if inner.name.value == "node":
                    yield inner.selection_set


def _check_shape(
    selection_set: SelectionSetNode | None, parent: GraphQLNamedType, in_node: bool, path: str
) -> tuple[int, list[str]]:
    """(connections found, nested connections whose parent node does not select id)."""
    if not isinstance(parent, GraphQLObjectType):
        return 0, []
    count, missing = 0, []
    has_id = any(f.name.value == "id" for f in _fields(selection_set))
    for field in _fields(selection_set):
        definition = parent.fields.get(field.name.value)
        if definition is None:
            continue
        named = get_named_type(definition.type)
        where = f"{path}.{field.name.value}" if path else field.name.value
        if is_connection(named):
            count += 1
            if in_node and not has_id:
                missing.append(where)
            assert isinstance(named, GraphQLObjectType)
            node_type = get_named_type(named.fields["nodes"].type)
            for inner in _node_selections(field):
                found, lost = _check_shape(inner, node_type, True, where)
                count, missing = count + found, missing + lost
        else:
            found, lost = _check_shape(field.selection_set, named, in_node, where)
            count, missing = count + found, missing + lost
    return count, missing


def _connection_nodes(value: Any) -> list[Any] | None:
    """The nodes of a connection-shaped result value, or None if it is not one."""
    if (
        not isinstance(value, Mapping)
        or not value
        or not set(value) <= {"edges", "nodes", "pageInfo"}
    ):
        return None
    if isinstance(value.get("nodes"), list):
        return list(value["nodes"])
    if isinstance(value.get("edges"), list):
        return [edge.get("node") for edge in value["edges"] if isinstance(edge, Mapping)]
    return None


def jsonl_rows(data: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Flatten a bulk query result: each node a row, nested connections as child rows."""
    rows: list[dict[str, Any]] = []

    def emit(node: Any, parent_id: str | None) -> None:
        if not isinstance(node, Mapping):
            return
        row: dict[str, Any] = {}
        children: list[list[Any]] = []
        for key, value in node.items():
            nested = _connection_nodes(value)
            if nested is None:
                row[key] = value
            else:
                children.append(nested)
        if parent_id is not None:
            row["__parentId"] = parent_id
        rows.append(row)
        for nested in children:
            for child in nested:
                emit(child, node.get("id"))

    for value in data.values():
        nodes = _connection_nodes(value)
        if nodes is None:
            emit(value, None)  # a top-level object beside the connections
            continue
        for node in nodes:
            emit(node, None)
    return rows


def _canceled(op: BulkOperation) -> bool:
    return op.status == "CANCELED"


class BulkRunner:
    """Starts bulk operations (``Context.start_bulk``) and finishes them in the background."""

    def __init__(self, state: SimState) -> None:
        self._state = state
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, context: Context, query: str) -> BulkOperation:
        schema = load_schema()
        try:
            document = parse(query)
        except GraphQLError as exc:
            raise UserErrors.one(
                f"Invalid bulk query: {exc.message}", ["query"], "INVALID"
            ) from None
        errors = validate(schema, document)
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        if errors:
            raise UserErrors.one(f"Invalid bulk query: {errors[0].message}", ["query"], "INVALID")
        if len(operations) != 1 or operations[0].operation != OperationType.QUERY:
            raise UserErrors.one(
                "Bulk queries must contain exactly one query operation", ["query"], "INVALID"
            )
        assert schema.query_type is not None
        count, missing = _check_shape(operations[0].selection_set, schema.query_type, False, "")
        if count == 0:
            raise UserErrors.one(
                "Bulk queries must contain at least one connection.", ["query"], "INVALID"
            )
        if missing:
            raise UserErrors.one(
                "The parent 'node' field for a nested connection must select the 'id' field."
                f" Connection fields without 'id': {', '.join(missing)}.",
                ["query"],
                "INVALID",
            )
        shop = context.shop
        running = [
            op
            for op in shop.bulk_operations.values()
            if op.type == "QUERY" and op.status in ("CREATED", "RUNNING")
        ]
        if len(running) >= _concurrent_limit(context.api_version):
            raise UserErrors.one(
                f"A bulk query operation for this app and shop is already in progress: "
                f"{gid('BulkOperation', running[0].id)}.",
                None,
                "OPERATION_IN_PROGRESS",
            )
        op = BulkOperation(id=self._state.next_id(), query=query, created_at=self._state.now())
        shop.bulk_operations[op.id] = op
        bulk_context = Context(
            state=self._state,
            shop=shop,
            api_version=context.api_version,
            base_url=context.base_url,
            bulk=True,
        )
        task = asyncio.get_running_loop().create_task(self._run(bulk_context, op, query))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return op

    async def _run(self, context: Context, op: BulkOperation, query: str) -> None:
        await asyncio.sleep(0)
        if op.status != "CREATED":  # canceled before it started
            return
        op.status = "RUNNING"
        await asyncio.sleep(0)
        result = run(parse(query), context)
        if _canceled(op):
            return
        op.completed_at = self._state.now()
        if result.errors or result.data is None:
            log.warning("bulk_failed", id=op.id, errors=[e.message for e in result.errors or []])
            op.status, op.error_code = "FAILED", "INTERNAL_SERVER_ERROR"
        else:
            rows = jsonl_rows(result.data)
            body = "".join(json.dumps(row, separators=(",", ":")) + "\n" for row in rows).encode()
            op.result, op.object_count, op.file_size = body, len(rows), len(body)
            op.url = f"{context.base_url}{RESULT_PATH.format(id=op.id)}" if rows else None
            op.status = "COMPLETED"
        with self._state.action():
            self._state.emit(context.shop, "bulk_operations/finish", finish_body(op))

    def result(self, op_id: int) -> bytes | None:
        for shop in self._state.shops.values():
            op = shop.bulk_operations.get(op_id)
            if op is not None:
                return op.result
        return None

    async def drain(self) -> None:
        """Wait for every running operation to finish (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

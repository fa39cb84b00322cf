"""Bulk operations, the GraphQL side: start, find, cancel (``bulk`` runs them)."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError

from shopify_sim.errors import UserErrors
from shopify_sim.payloads_common import ts
from shopify_sim.resolvers_common import Info, ctx, payload, required_id, resolver
from shopify_sim.state import BulkOperation, gid


@resolver("QueryRoot", "currentBulkOperation")
def current_bulk_operation(_: None, info: Info, type: str = "QUERY") -> BulkOperation | None:
    ops = [op for op in ctx(info).shop.bulk_operations.values() if op.type == type]
    return max(ops, key=lambda op: op.id, default=None)


@resolver("BulkOperation", "rootObjectCount")
def root_object_count(op: BulkOperation, _: Info) -> int:
    lines = (op.result or b"").splitlines()
    return sum(1 for line in lines if b'"__parentId"' not in line)


@resolver("BulkOperation", "partialDataUrl")
def partial_data_url(op: BulkOperation, _: Info) -> None:
    return None


@resolver("Mutation", "bulkOperationRunQuery")
def bulk_operation_run_query(_: None, info: Info, query: str) -> dict[str, Any]:
    context = ctx(info)
    if context.start_bulk is None:
        raise GraphQLError("Bulk operations are not available in this emulator instance")
    try:
        operation = context.start_bulk(context, query)
    except UserErrors as refused:
        return payload(refused, bulkOperation=None)
    return {"bulkOperation": operation, "userErrors": []}


@resolver("Mutation", "bulkOperationCancel")
def bulk_operation_cancel(_: None, info: Info, id: str) -> dict[str, Any]:
    operations = ctx(info).shop.bulk_operations
    try:
        op = operations.get(required_id(id, "BulkOperation", ["id"]))
        if op is None:
            raise UserErrors.one("Bulk operation does not exist", ["id"])
        if op.status not in ("CREATED", "RUNNING"):
            raise UserErrors.one(
                f"A bulk operation cannot be canceled when it is {op.status.lower()}", ["id"]
            )
        op.status = "CANCELED"
        op.completed_at = ctx(info).state.now()
    except UserErrors as refused:
        return payload(refused, bulkOperation=None)
    return {"bulkOperation": op, "userErrors": []}


def finish_body(op: BulkOperation) -> dict[str, Any]:
    """The bulk_operations/finish webhook body."""
    return {
        "admin_graphql_api_id": gid("BulkOperation", op.id),
        "completed_at": ts(op.completed_at),
        "created_at": ts(op.created_at),
        "error_code": op.error_code.lower() if op.error_code else None,
        "status": op.status.lower(),
        "type": op.type.lower(),
    }

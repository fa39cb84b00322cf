"""One Admin GraphQL request, as Shopify handles it: parse, validate, cost, bucket, run.

Order of refusals, each with ``extensions.cost`` like every answer:
  1. a syntax, validation or variable error: ``errors``, nothing charged;
  2. a requested cost over 1,000: ``MAX_COST_EXCEEDED``, nothing charged;
  3. an input array over 250 items: ``MAX_INPUT_SIZE_EXCEEDED``, nothing charged;
  4. more points requested than the bucket holds: ``THROTTLED``, no ``data``,
     ``actualQueryCost: null``, nothing charged (HTTP 200, as Shopify).
Otherwise the requested cost is taken, the operation runs, and the difference to the
actual cost is refunded. `handle` never awaits, so in the event loop one request's
bucket arithmetic and state changes are never interleaved with another's.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import structlog
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    get_operation_ast,
    parse,
    validate,
)
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values

from shopify_sim.bucket import Buckets, Clock, ThrottleStatus
from shopify_sim.bulk import BulkRunner
from shopify_sim.cost import MAX_QUERY_COST, QueryCost
from shopify_sim.executor import load_schema, run
from shopify_sim.resolvers_common import Context
from shopify_sim.state import Shop, SimState

log = structlog.get_logger("shopify_sim.graphql")

MAX_INPUT_SIZE = 250
# Arrays with their own, larger limit (2025-10: up to 2,048 variants per product).
INPUT_SIZE_EXCEPTIONS: dict[tuple[str | int, ...], int] = {
    ("productSet", "input", "variants"): 2048,
    ("productSet", "input", "productOptions", "values"): 2048,
}
RATE_LIMITS_DOC = "https://shopify.dev/api/usage/rate-limits"


def _cost(requested: int, actual: int | None, status: ThrottleStatus) -> dict[str, Any]:
    return {
        "cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": status.as_json(),
        }
    }


def _too_large(value: Any, path: list[str | int]) -> tuple[list[str | int], int, int] | None:
    """The first input array over its limit, as (path, size, limit)."""
    if isinstance(value, list):
        limit = INPUT_SIZE_EXCEPTIONS.get(tuple(path), MAX_INPUT_SIZE)
        if len(value) > limit:
            return path, len(value), limit
        for item in value:
            found = _too_large(item, path)
            if found:
                return found
    elif isinstance(value, Mapping):
        for key, item in value.items():
            found = _too_large(item, [*path, key])
            if found:
                return found
    return None


@dataclass(frozen=True)
class _Request:
    document: DocumentNode
    operation: OperationDefinitionNode
    operation_name: str | None
    raw_variables: dict[str, Any]
    variables: VariableValues


def _location(node: FieldNode) -> list[dict[str, int]]:
    if node.loc is None:
        return []
    return [{"line": node.loc.start_token.line, "column": node.loc.start_token.column}]


class GraphQLApi:
    """The Admin GraphQL endpoint's logic, HTTP aside (``app`` does the HTTP)."""

    def __init__(
        self, state: SimState, *, time_factor: float = 1.0, clock: Clock = time.monotonic
    ) -> None:
        self.state = state
        self.schema = load_schema()
        self.buckets = Buckets(time_factor, clock)
        self.bulk = BulkRunner(state)

    def _refused(self, shop: Shop, errors: list[Any]) -> dict[str, Any]:
        status = self.buckets.for_shop(shop).status()
        return {"errors": errors, "extensions": _cost(0, None, status)}

    def handle(
        self, shop: Shop, api_version: str, body: Mapping[str, Any], base_url: str = ""
    ) -> dict[str, Any]:
        prepared = self._prepare(body)
        if isinstance(prepared, list):
            return self._refused(shop, prepared)
        return self._execute(shop, api_version, prepared, base_url)

    def _prepare(self, body: Mapping[str, Any]) -> _Request | list[Any]:
        """The request, parsed, validated and with coerced variables; or its errors."""
        query, raw = body.get("query"), body.get("variables") or {}
        if not isinstance(query, str) or not query.strip():
            return [{"message": "Parameter 'query' is required"}]
        if not isinstance(raw, Mapping):
            return [{"message": "variables must be a JSON object"}]
        try:
            document = parse(query)
        except GraphQLError as exc:
            return [exc.formatted]
        name = body.get("operationName")
        name = name if isinstance(name, str) else None
        operation = get_operation_ast(document, name)
        errors: list[Any] = [e.formatted for e in validate(self.schema, document)]
        if operation is None and not errors:
            errors = [{"message": f"No operation named {name}" if name else "Name the operation"}]
        if errors or operation is None:
            return errors
        variables = get_variable_values(
            self.schema, operation.variable_definitions or (), dict(raw)
        )
        if not isinstance(variables, VariableValues):
            return [e.formatted for e in variables]
        return _Request(document, operation, name, dict(raw), variables)

    def _execute(
        self, shop: Shop, api_version: str, request: _Request, base_url: str
    ) -> dict[str, Any]:
        fragments = {
            d.name.value: d
            for d in request.document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }
        cost = QueryCost(self.schema, request.operation, fragments, request.variables)
        requested = cost.requested()
        bucket = self.buckets.for_shop(shop)
        refusal = self._too_costly(requested) or self._input_too_large(request)
        if refusal is not None:
            return {"errors": [refusal], "extensions": _cost(requested, None, bucket.status())}
        taken, status = bucket.take(requested)
        if not taken:
            throttled = {
                "message": "Throttled",
                "extensions": {"code": "THROTTLED", "documentation": RATE_LIMITS_DOC},
            }
            return {"errors": [throttled], "extensions": _cost(requested, None, status)}
        context = Context(
            state=self.state,
            shop=shop,
            api_version=api_version,
            base_url=base_url,
            start_bulk=self.bulk.start,
        )
        result = run(request.document, context, request.raw_variables, request.operation_name)
        actual = cost.actual(result.data)
        status = bucket.refund(requested - actual)
        answer: dict[str, Any] = {"data": result.data}
        if result.errors:
            for failure in result.errors:
                original = failure.original_error
                if original is not None and not isinstance(original, GraphQLError):
                    log.error("resolver_failed", path=failure.path, error=repr(original))
            answer["errors"] = [e.formatted for e in result.errors]
        answer["extensions"] = _cost(requested, actual, status)
        return answer

    @staticmethod
    def _too_costly(requested: int) -> dict[str, Any] | None:
        if requested <= MAX_QUERY_COST:
            return None
        message = (
            f"Query cost is {requested}, which exceeds the single query max cost limit "
            f"({MAX_QUERY_COST}).\n\nSee {RATE_LIMITS_DOC} for more information on how the "
            "cost of a query is calculated.\n\nTo query larger amounts of data with fewer "
            "limits, bulk operations should be used instead."
        )
        return {
            "message": message,
            "extensions": {
                "code": "MAX_COST_EXCEEDED",
                "cost": requested,
                "maxCost": MAX_QUERY_COST,
            },
        }

    def _input_too_large(self, request: _Request) -> dict[str, Any] | None:
        operation, variables = request.operation, request.variables
        root = self.schema.get_root_type(operation.operation)
        assert root is not None
        for selection in operation.selection_set.selections:
            if not isinstance(selection, FieldNode) or selection.name.value not in root.fields:
                continue
            args = get_argument_values(root.fields[selection.name.value], selection, variables)
            found = _too_large(args, [selection.name.value])
            if found:
                path, size, limit = found
                return {
                    "message": f"The input array size of {size} is greater than the maximum "
                    f"allowed of {limit}.",
                    "locations": _location(selection),
                    "path": path,
                    "extensions": {"code": "MAX_INPUT_SIZE_EXCEEDED"},
                }
        return None

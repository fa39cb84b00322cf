"""The parameters of one operation in the OpenAPI document: path parameters (strings),
one query parameter per field of the operation's query model, and the headers the
contract requires (``Idempotency-Key`` on creates, ``If-Match`` on a product update)."""

from __future__ import annotations

import re
from typing import Any

from erp_connector.routes import IDEMPOTENCY_HEADER, IF_MATCH_HEADER, Operation, Query

_PATH_PARAMETER = re.compile(r"{([^}]+)}")


def _query_parameters(query: type[Query]) -> list[dict[str, Any]]:
    schema = query.model_json_schema(mode="validation")
    required = set(schema.get("required", []))
    parameters = []
    for name, declared in schema["properties"].items():
        field_schema = dict(declared)
        field_schema.pop("title", None)
        # A query string has no null: an absent parameter is the field's default.
        branches = field_schema.pop("anyOf", None)
        if branches is not None:
            not_null = [b for b in branches if b.get("type") != "null"]
            if len(not_null) == 1:
                field_schema.update(not_null[0])
            else:
                field_schema["anyOf"] = not_null
        if field_schema.get("default", 0) is None:
            del field_schema["default"]
        parameters.append(
            {"name": name, "in": "query", "required": name in required, "schema": field_schema}
        )
    return parameters


def operation_parameters(operation: Operation) -> list[dict[str, Any]]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in _PATH_PARAMETER.findall(operation.path)
    ]
    if operation.query is not None:
        parameters.extend(_query_parameters(operation.query))
    if operation.idempotent:
        parameters.append(
            {
                "name": IDEMPOTENCY_HEADER,
                "in": "header",
                "required": True,
                "description": "The caller's key for this effect: the same key answers what "
                "it made the first time; the same key with another body is a 409.",
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
            }
        )
    if operation.id == "updateProduct":
        parameters.append(
            {
                "name": IF_MATCH_HEADER,
                "in": "header",
                "required": False,
                "description": "The product version the change was decided on: 409 when "
                "the product moved on since.",
                "schema": {"type": "string", "pattern": "^[0-9]{1,18}$"},
            }
        )
    return parameters

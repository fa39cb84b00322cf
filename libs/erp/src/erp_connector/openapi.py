"""The OpenAPI 3.1 document of the ERP connector API v1, built from ``routes.OPERATIONS``
and the wire models, so the published contract cannot drift from the code that serves and
calls it. ``python -m erp_connector.openapi [path]`` (``make openapi``) writes
``openapi.json``; a contract test fails when the committed file is stale.

Request bodies use the models' validation schema and answers their serialization schema;
pydantic names a model ``X-Input``/``X-Output`` only where the two differ.
"""

from __future__ import annotations

import json
import sys
from http import HTTPStatus
from pathlib import Path
from typing import Any, get_args, get_origin

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from erp_connector.models.events import (
    CustomerChangedEvent,
    DocumentCancelledEvent,
    EventBatch,
    ProductChangedEvent,
    ShipmentCreatedEvent,
    StockChangedEvent,
)
from erp_connector.models.problems import PROBLEM_MEDIA_TYPE, Problem
from erp_connector.openapi_parameters import operation_parameters
from erp_connector.openapi_webhooks import webhooks
from erp_connector.routes import BASE_PATH, OPERATIONS, Operation

DEFAULT_PATH = Path(__file__).with_name("openapi.json")
REF_TEMPLATE = "#/components/schemas/{model}"
JSON = "application/json"
SECURITY_SCHEME = "ApiKey"
EVENT_MODELS: tuple[type[BaseModel], ...] = (
    EventBatch,
    ProductChangedEvent,
    StockChangedEvent,
    CustomerChangedEvent,
    ShipmentCreatedEvent,
    DocumentCancelledEvent,
)
Key = tuple[type[BaseModel], JsonSchemaMode]


def _models(answer: type[Any]) -> type[BaseModel]:
    """The model inside an answer type (``list[X]`` answers are arrays of ``X``)."""
    inner = get_args(answer)[0] if get_origin(answer) is list else answer
    if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
        msg = f"answer type {answer!r} is neither a model nor a list of models"
        raise TypeError(msg)
    return inner


def _schemas() -> tuple[dict[Key, dict[str, Any]], dict[str, Any]]:
    keys: list[Key] = [(Problem, "serialization")]
    for operation in OPERATIONS:
        keys.append((_models(operation.ok[1]), "serialization"))
        if operation.body is not None:
            keys.append((operation.body, "validation"))
    keys.extend((model, "validation") for model in EVENT_MODELS)
    models = {model for model, _ in keys}
    refs, defs = models_json_schema(list(dict.fromkeys(keys)), ref_template=REF_TEMPLATE)
    by_model = {(model, mode): ref for (model, mode), ref in refs.items() if model in models}
    schemas: dict[str, Any] = defs.get("$defs", {})
    return by_model, schemas


def _answer_schema(answer: type[Any], refs: dict[Key, dict[str, Any]]) -> dict[str, Any]:
    ref = refs[(_models(answer), "serialization")]
    return {"type": "array", "items": ref} if get_origin(answer) is list else ref


def _problem_answer(status: int) -> dict[str, Any]:
    return {
        "description": HTTPStatus(status).phrase,
        "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": REF_TEMPLATE.format(model="Problem")}}},
    }


def _operation(operation: Operation, refs: dict[Key, dict[str, Any]]) -> dict[str, Any]:
    status, answer = operation.ok
    content = {JSON: {"schema": _answer_schema(answer, refs)}}
    responses: dict[str, Any] = {
        str(status): {"description": operation.summary, "content": content}
    }
    if operation.idempotent and status == 201:
        responses["200"] = {
            "description": "A replay: the same Idempotency-Key already made this",
            "content": content,
        }
    for error in sorted({401, *operation.errors}):
        responses[str(error)] = _problem_answer(error)
    spec: dict[str, Any] = {
        "operationId": operation.id,
        "summary": operation.summary,
        "tags": list(operation.tags),
        "responses": responses,
    }
    parameters = operation_parameters(operation)
    if parameters:
        spec["parameters"] = parameters
    if operation.body is not None:
        spec["requestBody"] = {
            "required": True,
            "content": {JSON: {"schema": refs[(operation.body, "validation")]}},
        }
    return spec


def document() -> dict[str, Any]:
    refs, defs = _schemas()
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        paths.setdefault(operation.full_path, {})[operation.method.lower()] = _operation(
            operation, refs
        )
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "ERP connector API",
            "version": "1.0.0",
            "description": "What an ERP offers the platform (catalog, stock, customers, "
            "reference data, sales documents, shipments) and the change events it sends. "
            f"Every path is below {BASE_PATH}; every call carries a bearer API key that "
            "names the company. Money travels as decimal strings; errors are RFC 9457 "
            "problem+json naming the field.",
        },
        "servers": [{"url": "https://erp.example.com", "description": "the ERP's base URL"}],
        "security": [{SECURITY_SCHEME: []}],
        "tags": [{"name": tag} for tag in dict.fromkeys(t for o in OPERATIONS for t in o.tags)],
        "paths": paths,
        "webhooks": webhooks(refs[(EventBatch, "validation")]),
        "components": {
            "schemas": defs,
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The company's API key",
                }
            },
        },
    }


def render() -> str:
    return json.dumps(document(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> None:
    path = Path(argv[0]) if argv else DEFAULT_PATH
    path.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    main(sys.argv[1:])

"""The ERP connector API's OpenAPI document: current, valid OpenAPI 3.1, complete."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from erp_connector.models.catalog import Price, Product, Variant
from erp_connector.models.documents import LineIn, SalesDocumentIn
from erp_connector.openapi import DEFAULT_PATH, document, render
from erp_connector.routes import OPERATIONS
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.definitions import OPENAPI_31


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return document()


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _resolve(doc: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), f"{ref} is not a local reference"
    node: Any = doc
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _validator(doc: dict[str, Any], ref: str) -> jsonschema_rs.Validator:
    return jsonschema_rs.Draft202012Validator({"$ref": ref, "components": doc["components"]})


def test_committed_document_is_current() -> None:
    assert DEFAULT_PATH.read_text(encoding="utf-8") == render(), (
        "libs/erp/src/erp_connector/openapi.json is stale: run `make openapi` and commit it"
    )


def test_document_is_valid_openapi_3_1(doc: dict[str, Any]) -> None:
    assert doc["openapi"].startswith("3.1")
    errors = [f"{e.instance_path}: {e.message}" for e in
              jsonschema_rs.Draft202012Validator(OPENAPI_31).iter_errors(doc)]  # fmt: skip
    assert errors == []
    for name, schema in doc["components"]["schemas"].items():
        assert jsonschema_rs.meta.is_valid(schema), f"{name} is not a valid JSON Schema"


def test_schemathesis_loads_every_operation(doc: dict[str, Any]) -> None:
    schema = schemathesis.openapi.from_dict(doc)
    results = list(schema.get_all_operations())
    failed = [result.err() for result in results if not isinstance(result, Ok)]
    assert failed == []
    loaded = [result.ok() for result in results if isinstance(result, Ok)]
    assert {operation.definition.raw["operationId"] for operation in loaded} == {
        operation.id for operation in OPERATIONS
    }


def test_every_operation_of_the_table_is_documented(doc: dict[str, Any]) -> None:
    for operation in OPERATIONS:
        spec = doc["paths"][operation.full_path][operation.method.lower()]
        assert spec["operationId"] == operation.id
        assert str(operation.ok[0]) in spec["responses"]
        for status in {401, *operation.errors}:
            content = spec["responses"][str(status)]["content"]
            assert content["application/problem+json"]["schema"] == {
                "$ref": "#/components/schemas/Problem"
            }
        if operation.body is not None:
            assert "application/json" in spec["requestBody"]["content"]


def test_every_ref_resolves(doc: dict[str, Any]) -> None:
    refs = set(_refs(doc))
    assert refs
    for ref in refs:
        assert isinstance(_resolve(doc, ref), dict), ref


def test_idempotent_operations_require_the_key_and_creates_document_the_replay(
    doc: dict[str, Any],
) -> None:
    for operation in OPERATIONS:
        spec = doc["paths"][operation.full_path][operation.method.lower()]
        headers = {p["name"]: p for p in spec.get("parameters", []) if p["in"] == "header"}
        if operation.idempotent:
            key = headers["Idempotency-Key"]
            assert key["required"] is True
            assert key["schema"] == {"type": "string", "minLength": 1, "maxLength": 255}
            if operation.ok[0] == 201:
                assert spec["responses"]["200"]["content"] == spec["responses"]["201"]["content"]
        else:
            assert "Idempotency-Key" not in headers
    update = doc["paths"]["/v1/products/{code}"]["put"]
    if_match = next(p for p in update["parameters"] if p["name"] == "If-Match")
    assert if_match["required"] is False


def test_path_and_query_parameters(doc: dict[str, Any]) -> None:
    by_sku = doc["paths"]["/v1/products/by-sku/{sku}"]["get"]["parameters"]
    assert by_sku == [{"name": "sku", "in": "path", "required": True, "schema": {"type": "string"}}]
    find = {p["name"]: p for p in doc["paths"]["/v1/sales-documents"]["get"]["parameters"]}
    assert find["shopify_order_id"]["required"] is True
    feed = {p["name"]: p for p in doc["paths"]["/v1/products"]["get"]["parameters"]}
    assert feed["since"]["required"] is False
    assert feed["limit"]["schema"]["maximum"] == 250


def test_bearer_security_applies_everywhere_but_the_signed_webhook(doc: dict[str, Any]) -> None:
    assert doc["security"] == [{"ApiKey": []}]
    assert doc["components"]["securitySchemes"]["ApiKey"]["scheme"] == "bearer"
    webhook = doc["webhooks"]["changeEvents"]["post"]
    assert webhook["security"] == []
    headers = {p["name"] for p in webhook["parameters"] if p["required"]}
    assert headers == {"X-ERP-Signature", "X-ERP-Timestamp"}
    assert webhook["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/EventBatch"
    }
    for event in ("ProductChangedEvent", "StockChangedEvent", "ShipmentCreatedEvent"):
        assert event in doc["components"]["schemas"]


def test_money_is_a_decimal_string_in_bodies_and_answers(doc: dict[str, Any]) -> None:
    body = SalesDocumentIn(
        type="invoice",
        currency="MXN",
        payment_method="CARD",
        lines=[LineIn(sku="SKU-1", quantity=2, unit_price=Decimal("10.50"), tax_code="IVA16")],
    ).model_dump(mode="json", exclude_defaults=True)
    assert body["lines"][0]["unit_price"] == "10.50"
    assert _validator(doc, "#/components/schemas/SalesDocumentIn").is_valid(body)
    body["lines"][0]["unit_price"] = 10.5
    assert not _validator(doc, "#/components/schemas/SalesDocumentIn").is_valid(body)

    answer = Product(
        code="P-1", title="Shirt", description="", status="active", image_urls=[],
        variants=[Variant(sku="SKU-1", barcode=None, attributes={"Size": "M"},
                          stock_managed=True, prices=[Price(price_list="GEN",
                          amount=Decimal("199.000000"), currency="MXN", tax_code="IVA16")])],
        version=3, updated_at=datetime(2026, 1, 1, tzinfo=UTC),
    ).model_dump(mode="json")  # fmt: skip
    assert _validator(doc, "#/components/schemas/Product").is_valid(answer)

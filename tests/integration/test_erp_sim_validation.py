"""Bad input is a 4xx problem+json naming the field, never a 500; customers are matched
by e-mail then phone; products follow their version."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.integration.test_erp_sim_api_rig import Rig, order_body, running_sim

LINE = {"sku": "CAP", "quantity": 1, "unit_price": "249.00", "tax_code": "IVA16"}


@pytest.fixture
async def rig(fresh_db: str) -> AsyncIterator[Rig]:
    async with running_sim(fresh_db) as r:
        yield r


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (order_body(lines=[LINE, {**LINE, "sku": "NOPE"}]), "lines[1].sku"),
        (order_body(lines=[{**LINE, "unit_price": "12.3.4"}]), "lines[0].unit_price"),
        (order_body(colour="red"), "colour"),
        (order_body(lines=[{**LINE, "tax_code": "VAT"}]), "lines[0].tax_code"),
        (order_body(payment_method="BITCOIN"), "payment_method"),
        (order_body(currency="EUR"), "currency"),
        (order_body(warehouse="NOWHERE"), "warehouse"),
        (order_body(customer_id="nobody"), "customer_id"),
        (order_body(lines=[]), "lines"),
    ],
)
async def test_422_names_the_field(rig: Rig, body: dict[str, object], field: str) -> None:
    answer = await rig.create("/v1/sales-documents", body)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    assert field in [e["field"] for e in answer.json()["errors"]]


async def test_missing_idempotency_key_and_malformed_json(rig: Rig) -> None:
    answer = await rig.client.post("/v1/sales-documents", json=order_body())
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "Idempotency-Key"
    broken = await rig.client.post(
        "/v1/sales-documents", content=b"{not json", headers={"Idempotency-Key": "k"}
    )
    assert broken.status_code == 422
    assert broken.json()["errors"][0]["field"] == "body"
    query = await rig.client.get("/v1/products", params={"limit": "9999"})
    assert query.status_code == 422
    assert query.json()["errors"][0]["field"] == "limit"


async def test_customer_match_by_email_then_phone(rig: Rig) -> None:
    ada = {"first_name": "Ada", "email": "ada@example.com", "phone": "+52 55 1234 5678"}
    made = await rig.client.put("/v1/customers/by-ref/shopify:1", json=ada)
    assert made.status_code == 200, made.text
    other = {"first_name": "Bob", "email": "bob@example.com", "phone": "+52 55 0000 0000"}
    assert (await rig.client.put("/v1/customers/by-ref/shopify:2", json=other)).status_code == 200
    by_email = await rig.client.get(
        "/v1/customers/match", params={"email": "ADA@example.com", "phone": "+52 55 0000 0000"}
    )
    assert by_email.json()["matched_by"] == "email"
    assert by_email.json()["customer"]["id"] == made.json()["id"]
    by_phone = await rig.client.get(
        "/v1/customers/match", params={"email": "x@example.com", "phone": "+52 55 0000 0000"}
    )
    assert by_phone.json()["matched_by"] == "phone"
    assert by_phone.json()["customer"]["first_name"] == "Bob"
    none = await rig.client.get("/v1/customers/match", params={"email": "x@example.com"})
    assert none.json() == {"customer": None, "matched_by": None}
    # the same upsert again changes nothing and emits nothing
    mark = await rig.last_outbox_id()
    again = await rig.client.put("/v1/customers/by-ref/shopify:1", json=ada)
    assert again.json()["version"] == made.json()["version"]
    assert await rig.outbox_since(mark) == []


async def test_product_versions_and_if_match(rig: Rig) -> None:
    product = (await rig.client.get("/v1/products/by-sku/CAP")).json()
    body = {"code": "CAP", "title": "Gorra nueva", "variants": [{"sku": "CAP"}]}
    stale = await rig.client.put("/v1/products/CAP", json=body, headers={"If-Match": "99"})
    assert stale.status_code == 409
    mark = await rig.last_outbox_id()
    fresh = await rig.client.put(
        "/v1/products/CAP", json=body, headers={"If-Match": str(product["version"])}
    )
    assert fresh.status_code == 200, fresh.text
    assert fresh.json()["version"] == product["version"] + 1
    [event] = await rig.outbox_since(mark)
    assert event["type"] == "product.changed"
    assert event["version"] == fresh.json()["version"]
    taken = await rig.create(
        "/v1/products", {"code": "NEW", "title": "x", "variants": [{"sku": "CAP"}]}
    )
    assert taken.status_code == 409
    missing = await rig.client.put("/v1/products/NOPE", json={**body, "code": "NOPE"})
    assert missing.status_code == 404

from __future__ import annotations

import dataclasses
import json

from syncctl.redact import redact, redact_headers
from syncctl.render import list_item, list_table, shorten, show_document, show_text

from tests.unit.syncctl.letters import envelope, record

CUSTOMER = {
    "id": 7,
    "email": "ana@example.com",
    "phone": "+34 600 123 456",
    "first_name": "Ana",
    "verified_email": True,
    "phone_2": None,
    "last_name": "López",
    "default_address": {"address1": "Calle Mayor 1", "city": "Madrid", "zip": "28013"},
}
ORDER = {
    "id": 1001,
    "name": "#1001",
    "contact_email": "ana@example.com",
    "total_price": "49.90",
    "customer": CUSTOMER,
    "shipping_address": {"address1": "Calle Mayor 1", "phone": "600123456"},
    "line_items": [{"sku": "TSHIRT-XL", "name": "T-shirt XL", "quantity": 2}],
    "note": "call ana@example.com before 5pm",
    "access_token": "shpat_x",
}


def test_the_table_has_one_aligned_line_per_record_and_a_short_error() -> None:
    rows = [
        record(tenant="acme", offset=0, message="SKU TSHIRT-XL is not in the ERP " * 5),
        record(tenant="bolt", entity="2", reason="erp_422", offset=1),
    ]
    lines = list_table(rows).splitlines()
    assert lines[0].split() == [
        "DLQ", "TOPIC", "P:OFFSET", "TENANT", "TYPE", "KEY", "REASON", "ATTEMPTS", "FAILED",
        "AT", "ERROR",
    ]  # fmt: skip
    assert len(lines) == 3
    assert lines[1].startswith("shopify.orders.v1.dlq  1:0 ")
    assert "acme:1001" in lines[1]
    assert "unknown_sku" in lines[1]
    assert "2026-11-23 11:55:00Z" in lines[1]
    assert lines[1].endswith("…")
    assert len(lines[1].split("  ")[-1]) <= 60
    assert lines[2].index("bolt") == lines[1].index("acme")  # columns line up


def test_shorten_keeps_one_line() -> None:
    assert shorten("a\nb   c", 10) == "a b c"
    assert shorten("x" * 20, 10) == "x" * 9 + "…"


def test_the_json_item_carries_the_whole_message_and_ids() -> None:
    item = list_item(record(message="boom " * 50))
    assert item["envelope_id"] == "hook-acme-1001"
    assert item["attempts"] == 3
    assert item["error_message"] == "boom " * 50
    assert item["failed_at"] == "2026-11-23T11:55:00+00:00"
    json.dumps(item)


def test_customer_pii_is_redacted_unless_full_and_secrets_always() -> None:
    shown = redact(ORDER)
    assert shown["customer"]["email"] == "[redacted]"
    assert shown["customer"]["phone"] == "[redacted]"
    assert shown["customer"]["first_name"] == "[redacted]"
    assert shown["customer"]["default_address"] == "[redacted]"
    assert shown["customer"]["verified_email"] is True  # a flag, no PII
    assert shown["customer"]["phone_2"] is None
    assert shown["shipping_address"] == "[redacted]"
    assert shown["contact_email"] == "[redacted]"
    assert shown["note"] == "call [redacted] before 5pm"
    assert shown["access_token"] == "[secret]"
    # what support needs stays
    assert shown["line_items"] == ORDER["line_items"]
    assert (shown["id"], shown["name"], shown["total_price"]) == (1001, "#1001", "49.90")
    assert shown["customer"]["id"] == 7

    full = redact(ORDER, full=True)
    assert full["customer"] == CUSTOMER
    assert full["access_token"] == "[secret]"


def test_headers_never_show_signatures_or_tokens() -> None:
    headers = {"x-shopify-hmac-sha256": "abc=", "authorization": "Bearer x", "x-a": "a@b.io"}
    assert redact_headers(headers) == {
        "x-shopify-hmac-sha256": "[secret]",
        "authorization": "[secret]",
        "x-a": "[redacted]",
    }
    assert redact_headers(headers, full=True)["x-a"] == "a@b.io"
    assert redact_headers(headers, full=True)["authorization"] == "[secret]"


def test_show_prints_headers_and_the_redacted_envelope() -> None:
    letter = record(headers=(("x-shopify-hmac-sha256", b"sig"), ("traceparent", b"00-1")))
    raw = envelope(email="ana@example.com", sku="TSHIRT-XL").to_bytes()
    letter = dataclasses.replace(letter, value=raw)
    document = show_document(letter)
    assert document["headers"]["x-dlq-error-reason"] == "unknown_sku"
    assert document["headers"]["x-shopify-hmac-sha256"] == "[secret]"
    assert document["envelope"]["payload"] == {
        "id": "1001",
        "email": "[redacted]",
        "sku": "TSHIRT-XL",
    }
    text = show_text(document)
    assert "ana@example.com" not in text
    assert "sig" not in text.split("envelope:")[0].split()
    assert '"sku": "TSHIRT-XL"' in text
    assert show_document(letter, full=True)["envelope"]["payload"]["email"] == "ana@example.com"


def test_show_tolerates_an_undecodable_value() -> None:
    document = show_document(record(value=b"not json, mail bob@x.org"))
    assert document["envelope"] == {"undecodable": "not json, mail [redacted]"}

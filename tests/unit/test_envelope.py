from __future__ import annotations

import json
from datetime import UTC, datetime

import pydantic
import pytest
from contracts import Envelope, InvalidKey, make_key, split_key


def _envelope(**overrides: object) -> Envelope:
    fields: dict[str, object] = {
        "id": "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043",
        "type": "orders/create",
        "source": "shopify",
        "tenant": "acme",
        "entity_id": 820982911946154508,
        "payload": {"id": 820982911946154508, "total_price": "199.00"},
        "occurred_at": datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
        "meta": {"api_version": "2026-10"},
    }
    fields.update(overrides)
    return Envelope.new(**fields)  # type: ignore[arg-type]


def test_json_round_trip_is_lossless() -> None:
    big = 2**63 - 1  # beyond 2^53: a float would silently change it
    original = _envelope(
        entity_id=big,
        payload={"id": big, "name": "Zoë's #1001", "lines": [{"qty": 2, "price": "9.99"}]},
    )

    restored = Envelope.from_bytes(original.to_bytes())

    assert restored == original
    assert restored.payload["id"] == big
    assert json.loads(original.to_bytes())["key"] == f"acme:{big}"


def test_key_is_tenant_and_entity() -> None:
    envelope = _envelope()
    assert envelope.key == "acme:820982911946154508"
    assert split_key(envelope.key) == ("acme", "820982911946154508")


def test_key_of_another_tenant_is_refused() -> None:
    with pytest.raises(pydantic.ValidationError, match="does not start with the tenant"):
        Envelope(
            id="1",
            type="orders/create",
            source="shopify",
            tenant="acme",
            key="globex:1",
            occurred_at=datetime.now(UTC),
            payload={},
        )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tenant", "Acme Inc"),
        ("tenant", "acme:eu"),
        ("source", "magento"),
        ("type", ""),
        ("id", ""),
    ],
)
def test_invalid_fields_are_refused(field: str, value: str) -> None:
    raw = json.loads(_envelope().to_bytes())
    raw[field] = value
    with pytest.raises(pydantic.ValidationError):
        Envelope.model_validate(raw)


def test_unknown_fields_are_refused() -> None:
    raw = json.loads(_envelope().to_bytes())
    raw["secret"] = "x"
    with pytest.raises(pydantic.ValidationError, match="Extra inputs"):
        Envelope.model_validate(raw)


def test_naive_timestamps_are_refused() -> None:
    raw = json.loads(_envelope().to_bytes())
    raw["occurred_at"] = "2026-11-23T10:00:00"
    with pytest.raises(pydantic.ValidationError, match="timezone"):
        Envelope.model_validate(raw)


@pytest.mark.parametrize("entity", ["", "a b", "x\n"])
def test_bad_entity_ids_make_no_key(entity: str) -> None:
    with pytest.raises(InvalidKey):
        make_key("acme", entity)


def test_log_context_never_carries_the_payload() -> None:
    context = _envelope().log_context()
    assert set(context) == {"message_id", "message_type", "tenant", "key", "correlation_id"}

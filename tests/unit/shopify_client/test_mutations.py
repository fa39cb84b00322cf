"""userErrors in a mutation payload become exceptions that say which field and why."""

from __future__ import annotations

import pytest
from shopify_client import (
    ChangeFromQuantityStale,
    ShopifyUserError,
    UserError,
)
from shopify_client.documents import (
    CUSTOMER_UPDATE,
    INVENTORY_ITEM_UPDATE,
    INVENTORY_SET_QUANTITIES,
)

from .fakes import Recorder, make_client, ok


async def test_user_errors_raise_naming_the_field_and_the_reason() -> None:
    payload = {
        "customerUpdate": {
            "customer": None,
            "userErrors": [
                {"field": ["input", "email"], "message": "Email has already been taken"}
            ],
        }
    }
    recorder = Recorder([ok(payload)])
    client = make_client(recorder)

    with pytest.raises(ShopifyUserError) as caught:
        await client.mutate(CUSTOMER_UPDATE, {"input": {"id": "gid://shopify/Customer/1"}})

    assert str(caught.value) == "CustomerUpdate refused: input.email: Email has already been taken"
    assert caught.value.errors == [
        UserError(field=("input", "email"), message="Email has already been taken")
    ]
    assert not caught.value.transient
    assert len(recorder.calls) == 1  # a refusal is not retried


async def test_stale_change_from_quantity_has_its_own_exception() -> None:
    payload = {
        "inventorySetQuantities": {
            "inventoryAdjustmentGroup": None,
            "userErrors": [
                {
                    "field": ["input", "quantities", "0", "changeFromQuantity"],
                    "message": "The quantity has changed since it was read.",
                    "code": "CHANGE_FROM_QUANTITY_STALE",
                }
            ],
        }
    }
    client = make_client(Recorder([ok(payload)]))

    with pytest.raises(ChangeFromQuantityStale) as caught:
        await client.mutate(INVENTORY_SET_QUANTITIES, {"input": {}, "idempotencyKey": "k"})

    assert caught.value.codes == ["CHANGE_FROM_QUANTITY_STALE"]
    assert "input.quantities.0.changeFromQuantity" in str(caught.value)
    assert "[CHANGE_FROM_QUANTITY_STALE]" in str(caught.value)


async def test_user_error_without_field_is_still_readable() -> None:
    payload = {
        "inventoryItemUpdate": {
            "inventoryItem": None,
            "userErrors": [{"field": None, "message": "Nope"}],
        }
    }
    client = make_client(Recorder([ok(payload)]))
    with pytest.raises(ShopifyUserError, match=r"InventoryItemUpdate refused: \(no field\): Nope"):
        await client.mutate(
            INVENTORY_ITEM_UPDATE, {"id": "gid://shopify/InventoryItem/1", "input": {}}
        )


async def test_a_clean_payload_is_returned() -> None:
    payload = {
        "inventoryItemUpdate": {
            "inventoryItem": {"id": "gid://shopify/InventoryItem/1"},
            "userErrors": [],
        }
    }
    client = make_client(Recorder([ok(payload)]))
    result = await client.mutate(
        INVENTORY_ITEM_UPDATE, {"id": "gid://shopify/InventoryItem/1", "input": {}}
    )
    assert result["inventoryItem"] == {"id": "gid://shopify/InventoryItem/1"}

"""inventorySetQuantities batches: at most 250 a call, each with its own replay-safe key."""

from __future__ import annotations

import httpx
import pytest
from shopify_client import (
    ChangeFromQuantityStale,
    QuantityChange,
    batch_idempotency_key,
    set_quantities,
)

from .fakes import Call, Recorder, make_client, ok


def _changes(count: int) -> list[QuantityChange]:
    return [
        QuantityChange(
            inventory_item_id=f"gid://shopify/InventoryItem/{i}",
            location_id="gid://shopify/Location/7",
            quantity=i,
            change_from=None if i % 2 else i + 1,
        )
        for i in range(count)
    ]


def _answer(call: Call) -> httpx.Response:
    key = call.variables["idempotencyKey"]
    return ok(
        {"inventorySetQuantities": {"inventoryAdjustmentGroup": {"id": key}, "userErrors": []}}
    )


async def test_600_quantities_go_as_250_250_100_with_distinct_deterministic_keys() -> None:
    recorder = Recorder([_answer])
    client = make_client(recorder)

    groups = await set_quantities(
        client, _changes(600), idempotency_key="erp-move-42", reason="correction"
    )

    sent = [c.variables["input"]["quantities"] for c in recorder.calls]
    assert [len(q) for q in sent] == [250, 250, 100]
    assert [q["quantity"] for batch in sent for q in batch] == list(range(600))
    keys = [c.variables["idempotencyKey"] for c in recorder.calls]
    assert len(set(keys)) == 3
    assert keys == [batch_idempotency_key("erp-move-42", i) for i in range(3)]
    assert [g["id"] for g in groups] == keys
    assert all(c.variables["input"]["name"] == "available" for c in recorder.calls)
    assert all(c.variables["input"]["reason"] == "correction" for c in recorder.calls)
    assert "@idempotent(key: $idempotencyKey)" in recorder.calls[0].body["query"]


async def test_every_quantity_carries_change_from_quantity_even_when_null() -> None:
    recorder = Recorder([_answer])
    await set_quantities(make_client(recorder), _changes(3), idempotency_key="k")
    quantities = recorder.calls[0].variables["input"]["quantities"]
    assert [q["changeFromQuantity"] for q in quantities] == [1, None, 3]
    assert all("changeFromQuantity" in q for q in quantities)


async def test_a_retry_of_the_same_message_sends_the_same_keys() -> None:
    first, again = Recorder([_answer]), Recorder([_answer])
    await set_quantities(make_client(first), _changes(300), idempotency_key="msg-1")
    await set_quantities(make_client(again), _changes(300), idempotency_key="msg-1")
    other = Recorder([_answer])
    await set_quantities(make_client(other), _changes(300), idempotency_key="msg-2")

    def keys(r: Recorder) -> list[str]:
        return [c.variables["idempotencyKey"] for c in r.calls]

    assert keys(first) == keys(again)
    assert not set(keys(first)) & set(keys(other))


async def test_a_refused_batch_stops_the_run_and_names_the_quantity() -> None:
    refused = ok(
        {
            "inventorySetQuantities": {
                "inventoryAdjustmentGroup": None,
                "userErrors": [
                    {
                        "field": ["input", "quantities", "3", "changeFromQuantity"],
                        "message": "The specified compare quantity does not match",
                        "code": "CHANGE_FROM_QUANTITY_STALE",
                    }
                ],
            }
        }
    )
    recorder = Recorder([_answer, refused, _answer])
    with pytest.raises(ChangeFromQuantityStale, match=r"input\.quantities\.3\.changeFromQuantity"):
        await set_quantities(make_client(recorder), _changes(600), idempotency_key="k")
    assert len(recorder.calls) == 2


async def test_empty_input_sends_nothing_and_a_key_is_required() -> None:
    recorder = Recorder([_answer])
    assert await set_quantities(make_client(recorder), [], idempotency_key="k") == []
    assert recorder.calls == []
    with pytest.raises(ValueError, match="idempotency key"):
        await set_quantities(make_client(recorder), _changes(1), idempotency_key="")

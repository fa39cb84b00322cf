"""Stock through GraphQL: inventorySetQuantities with compare-and-swap, idempotency keys,
the 250-quantity limit, unstocked locations, activation, item updates and webhooks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from shopify_sim.state import gid

from tests.unit.shopify_sim.graphql_harness import Api, make_api
from tests.unit.shopify_sim.sim_factory import add_location, add_product, primary_location

SET = """
mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup {
      id reason referenceDocumentUri
      changes { name delta quantityAfterChange item { id } location { id } }
    }
    userErrors { field message code }
  }
}
"""


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    harness, client = make_api()
    async with client:
        add_product(
            harness.state, harness.shop, "Tee", [("TEE-S", "10.00", 10), ("TEE-M", "10.00", 4)]
        )
        yield harness


def item(api: Api, sku: str) -> str:
    variant = api.shop.variant_by_sku(sku)
    assert variant is not None
    return gid("InventoryItem", variant.inventory_item_id)


def stock(api: Api, sku: str) -> dict[str, int]:
    variant = api.shop.variant_by_sku(sku)
    assert variant is not None
    level = api.shop.inventory_levels[(variant.inventory_item_id, primary_location(api.shop).id)]
    return dict(level.quantities)


def row(api: Api, sku: str, quantity: int, change_from: int | None) -> dict[str, Any]:
    return {
        "inventoryItemId": item(api, sku),
        "locationId": api.location_gid,
        "quantity": quantity,
        "changeFromQuantity": change_from,
    }


def set_input(*rows: dict[str, Any], name: str = "available") -> dict[str, Any]:
    return {
        "name": name,
        "reason": "correction",
        "referenceDocumentUri": "gid://erp/StockMovement/42",
        "quantities": list(rows),
    }


async def test_set_available_moves_on_hand_and_sends_the_webhook(api: Api) -> None:
    data = await api.data(SET, {"input": set_input(row(api, "TEE-S", 7, 10)), "key": "k1"})
    group = data["inventorySetQuantities"]["inventoryAdjustmentGroup"]
    assert data["inventorySetQuantities"]["userErrors"] == []
    assert group["referenceDocumentUri"] == "gid://erp/StockMovement/42"
    assert {(c["name"], c["delta"], c["quantityAfterChange"]) for c in group["changes"]} == {
        ("available", -3, 7),
        ("on_hand", -3, 7),
    }
    assert (stock(api, "TEE-S")["available"], stock(api, "TEE-S")["on_hand"]) == (7, 7)
    body = api.hooks.last("inventory_levels/update")
    assert (body["available"], body["location_id"]) == (7, primary_location(api.shop).id)


async def test_a_stale_change_from_quantity_refuses_the_whole_call(api: Api) -> None:
    before = (stock(api, "TEE-S"), stock(api, "TEE-M"))
    data = await api.data(
        SET,
        {
            "input": set_input(row(api, "TEE-S", 8, 10), row(api, "TEE-M", 1, 3)),  # M holds 4
            "key": "k-stale",
        },
    )
    payload = data["inventorySetQuantities"]
    assert payload["inventoryAdjustmentGroup"] is None
    [error] = payload["userErrors"]
    assert error["code"] == "CHANGE_FROM_QUANTITY_STALE"
    assert error["field"] == ["input", "quantities", "1", "changeFromQuantity"]
    assert (stock(api, "TEE-S"), stock(api, "TEE-M")) == before  # the good row did not apply
    assert "inventory_levels/update" not in api.hooks.topics()


async def test_a_null_change_from_quantity_skips_the_check(api: Api) -> None:
    data = await api.data(SET, {"input": set_input(row(api, "TEE-M", 9, None)), "key": "k-null"})
    assert data["inventorySetQuantities"]["userErrors"] == []
    assert stock(api, "TEE-M")["available"] == 9


async def test_since_2026_04_every_quantity_must_say_its_change_from_quantity(api: Api) -> None:
    bare = {k: v for k, v in row(api, "TEE-S", 3, None).items() if k != "changeFromQuantity"}
    variables = {"input": set_input(bare), "key": "bare"}
    refused = (await api.post({"query": SET, "variables": variables}, version="2026-04")).json()
    assert "changeFromQuantity" in refused["errors"][0]["message"]
    assert stock(api, "TEE-S")["available"] == 10
    older = (await api.post({"query": SET, "variables": variables}, version="2026-01")).json()
    assert older["data"]["inventorySetQuantities"]["userErrors"] == []
    assert stock(api, "TEE-S")["available"] == 3


async def test_a_replayed_idempotency_key_applies_once_and_returns_the_first_result(
    api: Api,
) -> None:
    variables = {"input": set_input(row(api, "TEE-S", 6, None)), "key": "same-key"}
    first = await api.data(SET, variables)
    api.shop.inventory_levels[
        (api.shop.variant_by_sku("TEE-S").inventory_item_id, primary_location(api.shop).id)  # type: ignore[union-attr]
    ].quantities["available"] = 2  # someone sold stock in between
    again = await api.data(SET, variables)
    assert again == first
    assert stock(api, "TEE-S")["available"] == 2  # not set back to 6 by the replay
    assert api.hooks.topics().count("inventory_levels/update") == 1
    other = await api.data(SET, {**variables, "key": "another-key"})
    assert (
        other["inventorySetQuantities"]["inventoryAdjustmentGroup"]["id"]
        != (first["inventorySetQuantities"]["inventoryAdjustmentGroup"]["id"])
    )
    assert stock(api, "TEE-S")["available"] == 6


async def test_more_than_250_quantities_are_refused_before_anything_runs(api: Api) -> None:
    rows = [row(api, "TEE-S", n, None) for n in range(251)]
    body = await api.answer(SET, {"input": set_input(*rows), "key": "k-big"})
    error = body["errors"][0]
    assert error["extensions"]["code"] == "MAX_INPUT_SIZE_EXCEEDED"
    assert error["message"] == (
        "The input array size of 251 is greater than the maximum allowed of 250."
    )
    assert error["path"] == ["inventorySetQuantities", "input", "quantities"]
    assert body.get("data") is None
    assert stock(api, "TEE-S")["available"] == 10
    assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 2000


async def test_an_item_not_stocked_at_the_location_is_named(api: Api) -> None:
    depot = add_location(api.state, api.shop, "Depot")
    bad = {**row(api, "TEE-S", 1, None), "locationId": gid("Location", depot.id)}
    data = await api.data(SET, {"input": set_input(bad), "key": "k-depot"})
    [error] = data["inventorySetQuantities"]["userErrors"]
    assert error["code"] == "ITEM_NOT_STOCKED_AT_LOCATION"
    assert error["field"] == ["input", "quantities", "0"]


async def test_unknown_reason_and_name_are_refused(api: Api) -> None:
    bad_reason = {**set_input(row(api, "TEE-S", 1, None)), "reason": "because"}
    bad_name = set_input(row(api, "TEE-S", 1, None), name="committed")
    first = await api.data(SET, {"input": bad_reason, "key": "r"})
    second = await api.data(SET, {"input": bad_name, "key": "n"})
    assert first["inventorySetQuantities"]["userErrors"][0]["code"] == "INVALID_REASON"
    assert second["inventorySetQuantities"]["userErrors"][0]["code"] == "INVALID_NAME"


async def test_set_on_hand_moves_available_too(api: Api) -> None:
    data = await api.data(
        SET, {"input": set_input(row(api, "TEE-M", 10, 4), name="on_hand"), "key": "oh"}
    )
    assert data["inventorySetQuantities"]["userErrors"] == []
    assert (stock(api, "TEE-M")["on_hand"], stock(api, "TEE-M")["available"]) == (10, 10)


async def test_activate_stocks_an_item_at_a_new_location(api: Api) -> None:
    depot = add_location(api.state, api.shop, "Depot")
    data = await api.data(
        """mutation($i: ID!, $l: ID!) { inventoryActivate(inventoryItemId: $i, locationId: $l,
             available: 3) { inventoryLevel { location { name }
             quantities(names: ["available"]) { quantity } } userErrors { message } } }""",
        {"i": item(api, "TEE-S"), "l": gid("Location", depot.id)},
    )
    level = data["inventoryActivate"]["inventoryLevel"]
    assert level == {"location": {"name": "Depot"}, "quantities": [{"quantity": 3}]}


async def test_inventory_item_update_and_its_webhook(api: Api) -> None:
    data = await api.data(
        """mutation($id: ID!) { inventoryItemUpdate(id: $id, input: {tracked: false,
             cost: "4.50", sku: "TEE-SMALL"}) { inventoryItem { sku tracked unitCost { amount } }
             userErrors { message } } }""",
        {"id": item(api, "TEE-S")},
    )
    assert data["inventoryItemUpdate"]["inventoryItem"] == {
        "sku": "TEE-SMALL",
        "tracked": False,
        "unitCost": {"amount": "4.50"},
    }
    body = api.hooks.last("inventory_items/update")
    assert (body["sku"], body["tracked"], body["cost"]) == ("TEE-SMALL", False, "4.50")
    assert api.shop.variant_by_sku("TEE-SMALL") is not None  # REST's variant sku follows


async def test_location_levels_page(api: Api) -> None:
    data = await api.data(
        """query($id: ID!) { location(id: $id) { inventoryLevels(first: 1) {
             nodes { item { sku } quantities(names: ["available"]) { quantity } }
             pageInfo { hasNextPage } } } }""",
        {"id": api.location_gid},
    )
    levels = data["location"]["inventoryLevels"]
    assert levels["nodes"] == [{"item": {"sku": "TEE-S"}, "quantities": [{"quantity": 10}]}]
    assert levels["pageInfo"]["hasNextPage"] is True

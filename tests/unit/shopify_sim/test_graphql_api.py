"""The endpoint as a client meets it: auth, versions, cost on every answer, throttling,
the single-query cost ceiling, input limits and error shapes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.unit.shopify_sim.graphql_harness import TOKEN, Api, create_tee, make_api
from tests.unit.shopify_sim.sim_factory import add_product

BURST = "query Burst($first: Int!) { products(first: $first) { edges { node { id } } } }"


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    harness, client = make_api()
    async with client:
        yield harness


def stock_products(api: Api, count: int = 48) -> None:
    """Enough products that the burst query returns all it asks for (no refund)."""
    for i in range(count):
        add_product(api.state, api.shop, f"Product {i}", [(f"SKU-{i}", "1.00", 1)])


async def test_a_wrong_or_missing_token_is_401_like_shopify(api: Api) -> None:
    for token in ("shpat_wrong", None):
        response = await api.post({"query": "{ shop { name } }"}, token=token)
        assert response.status_code == 401
        assert response.json() == {
            "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
        }


async def test_the_token_alone_finds_the_shop_and_the_version_is_echoed(api: Api) -> None:
    response = await api.post({"query": "{ shop { myshopifyDomain } }"}, version="2026-10")
    assert response.status_code == 200
    assert response.headers["X-Shopify-API-Version"] == "2026-10"
    assert response.json()["data"]["shop"]["myshopifyDomain"] == api.shop.domain


async def test_a_host_naming_another_shop_does_not_accept_this_token(api: Api) -> None:
    other = api.state.add_shop("other.myshopify.com", "shpat_other", "secret")
    ok = await api.post({"query": "{ shop { name } }"}, token="shpat_other", host=other.domain)
    refused = await api.post({"query": "{ shop { name } }"}, token=TOKEN, host=other.domain)
    assert ok.status_code == 200
    assert refused.status_code == 401


async def test_a_malformed_version_is_not_found(api: Api) -> None:
    response = await api.post({"query": "{ shop { name } }"}, version="latest")
    assert response.status_code == 404


async def test_every_answer_carries_extensions_cost(api: Api) -> None:
    answers = [
        await api.answer("{ shop { name } }"),
        await api.answer("{ shop { nope } }"),  # validation error
        await api.answer("{ shop { name "),  # syntax error
        await api.answer(
            'mutation { webhookSubscriptionDelete(id: "gid://shopify/WebhookSubscription/1")'
            " { userErrors { message } } }"
        ),
    ]
    for body in answers:
        cost = body["extensions"]["cost"]
        assert set(cost) == {"requestedQueryCost", "actualQueryCost", "throttleStatus"}
        assert set(cost["throttleStatus"]) == {
            "maximumAvailable",
            "currentlyAvailable",
            "restoreRate",
        }
    assert answers[0]["extensions"]["cost"]["requestedQueryCost"] == 1
    assert answers[3]["extensions"]["cost"]["requestedQueryCost"] == 10  # a mutation


async def test_the_burst_query_costs_two_plus_first_and_refunds_what_was_not_returned(
    api: Api,
) -> None:
    await create_tee(api, ["A"])
    body = await api.answer(BURST, {"first": 48})
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 50
    assert cost["actualQueryCost"] == 3  # 2 + the one product there is
    # the productSet cost 10 and this query 3 after its refund (the clock stood still)
    assert cost["throttleStatus"]["currentlyAvailable"] == 2000 - 10 - 3


async def test_an_empty_bucket_answers_throttled_with_shopifys_shape(api: Api) -> None:
    stock_products(api)
    for _ in range(40):  # 40 x 50 points empties a 2,000 point bucket; nothing restores
        await api.answer(BURST, {"first": 48})
    response = await api.post({"query": BURST, "variables": {"first": 48}})
    assert response.status_code == 200
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "THROTTLED"
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 50
    assert cost["actualQueryCost"] is None
    assert cost["throttleStatus"]["currentlyAvailable"] < 50


async def test_concurrent_requests_spend_the_bucket_exactly(api: Api) -> None:
    stock_products(api)
    answers = await asyncio.gather(*(api.answer(BURST, {"first": 48}) for _ in range(60)))
    throttled = [a for a in answers if "errors" in a]
    assert len(throttled) == 20  # 2,000 points buy exactly 40 queries of 50
    assert all(a["errors"][0]["extensions"]["code"] == "THROTTLED" for a in throttled)
    levels = sorted(
        a["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"]
        for a in answers
        if "errors" not in a
    )
    assert levels == list(range(0, 2000, 50))  # every spend seen once, none lost


async def test_the_bucket_restores_at_the_plan_rate(api: Api) -> None:
    stock_products(api)
    for _ in range(40):
        await api.answer(BURST, {"first": 48})
    api.clock.advance(0.4)  # 40 points back at 100/s: still not enough for 50
    assert (await api.answer(BURST, {"first": 48}))["errors"][0]["extensions"]["code"] == (
        "THROTTLED"
    )
    api.clock.advance(0.2)
    body = await api.answer(BURST, {"first": 48})
    assert "errors" not in body
    assert body["extensions"]["cost"]["throttleStatus"]["restoreRate"] == 100.0


async def test_time_factor_speeds_up_the_restore_and_reports_it() -> None:
    fast, client = make_api(time_factor=10.0, plan="plus")
    async with client:
        body = await fast.answer("{ shop { name } }")
        status = body["extensions"]["cost"]["throttleStatus"]
        assert status == {
            "maximumAvailable": 20000.0,
            "currentlyAvailable": 19999,
            "restoreRate": 10000.0,
        }


async def test_a_query_over_1000_points_is_refused_before_running(api: Api) -> None:
    body = await api.answer(
        "{ products(first: 250) { nodes { variants(first: 10) { nodes { id } } } } }"
    )
    assert "data" not in body or body["data"] is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert error["extensions"]["cost"] == 2 + 250 * (1 + 2 + 10)
    assert error["message"].startswith("Query cost is 3252, which exceeds the single query")
    cost = body["extensions"]["cost"]
    assert cost["actualQueryCost"] is None
    assert cost["throttleStatus"]["currentlyAvailable"] == 2000  # nothing charged


async def test_connections_need_first_or_last_and_at_most_250(api: Api) -> None:
    missing = await api.answer("{ products { nodes { id } } }")
    too_many = await api.answer("{ products(first: 251) { nodes { id } } }")
    assert missing["errors"][0]["message"] == "you must provide one of first or last"
    assert "250" in too_many["errors"][0]["message"]


async def test_bad_json_is_a_400(api: Api) -> None:
    response = await api.client.post(
        "/admin/api/2026-10/graphql.json",
        content=b"{not json",
        headers={"X-Shopify-Access-Token": TOKEN},
    )
    assert response.status_code == 400


async def test_a_raw_graphql_body_is_accepted(api: Api) -> None:
    response = await api.client.post(
        "/admin/api/2026-10/graphql.json",
        content=b"{ shop { name } }",
        headers={"X-Shopify-Access-Token": TOKEN, "Content-Type": "application/graphql"},
    )
    assert response.json()["data"]["shop"]["name"] == "acme"


async def test_health_answers(api: Api) -> None:
    response = await api.client.get("/health")
    assert response.status_code == 200

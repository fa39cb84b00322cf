from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest
from syncctl.errors import CliError
from syncctl.reconcile import reconcile_orders, report_text

REPORT = {
    "tenant": "demo",
    "since": "2026-11-23T10:00:00+00:00",
    "seen": 12,
    "linked_already": 10,
    "passed": {"applied": 2},
    "failed": 0,
}


def _client(answer: httpx.Response, seen: list[httpx.Request]) -> httpx.AsyncClient:
    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer

    return httpx.AsyncClient(transport=httpx.MockTransport(handle))


async def test_posts_the_tenant_and_since_and_returns_the_report() -> None:
    seen: list[httpx.Request] = []
    since = datetime(2026, 11, 23, 10, tzinfo=UTC)
    async with _client(httpx.Response(200, json=REPORT), seen) as http:
        report = await reconcile_orders(http, "http://orders:8093/", "demo", since)
    assert report == REPORT
    [request] = seen
    assert request.method == "POST"
    assert str(request.url) == "http://orders:8093/admin/reconcile/orders"
    assert json.loads(request.content) == {"tenant": "demo", "since": since.isoformat()}


async def test_no_since_is_null_so_the_service_resumes_from_its_last_run() -> None:
    seen: list[httpx.Request] = []
    async with _client(httpx.Response(200, json=REPORT), seen) as http:
        await reconcile_orders(http, "http://orders", "demo", None)
    assert json.loads(seen[0].content) == {"tenant": "demo", "since": None}


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (httpx.Response(404, json={"detail": "unknown tenant 'x'"}), "404: unknown tenant 'x'"),
        (httpx.Response(502, text="Bad Gateway"), "502: Bad Gateway"),
        (httpx.Response(500), "500: Internal Server Error"),
        (httpx.Response(200, text="ok"), "without a JSON report"),
    ],
)
async def test_a_refusal_carries_the_services_message(answer: httpx.Response, message: str) -> None:
    async with _client(answer, []) as http:
        with pytest.raises(CliError, match=message):
            await reconcile_orders(http, "http://orders", "x", None)


async def test_an_unreachable_service_is_named() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as http:
        with pytest.raises(CliError, match="cannot reach the orders service at http://o:1"):
            await reconcile_orders(http, "http://o:1", "demo", None)


def test_the_report_reads_as_lines() -> None:
    text = report_text({**REPORT, "since": None})
    assert text.splitlines() == [
        "tenant: demo",
        "since: (since the last run)",
        "seen: 12",
        "linked_already: 10",
        "passed:",
        "  applied: 2",
        "failed: 0",
    ]
    assert "passed: (none)" in report_text({"passed": {}})

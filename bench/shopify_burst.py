"""Burst benchmark of the Shopify client's cost pacing against the emulator.

N queries of a fixed cost are fired at once (at most ``--concurrency`` in flight) at a
fresh shop of each plan. The emulator runs in this process behind uvicorn on a free
127.0.0.1 port, so every request makes a real HTTP hop. The bucket starts full, so the
best any client can do is spend the bucket at once and then one query per refill:

    theoretical floor = max(0, (N * cost - bucket at start) / restoreRate)

The acceptance figure: no THROTTLED reaches the caller and the Standard burst's total
time is within 10% of its floor. ``--time-factor`` speeds up the emulator's refill (the
restoreRate it reports is scaled too, so the floor is computed from what it reports).

    uv run python -m bench.shopify_burst                # 500 x 50 on Standard and Plus
    uv run python -m bench.shopify_burst --smoke        # what CI runs (a few seconds)

Results go to bench/results/shopify_burst.json (override with --out).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from plumbing.logging import configure_logging
from prometheus_client import CollectorRegistry
from shopify_client import ClientMetrics, Pacer, RetryPolicy, ShopifyClient, ShopifyThrottledError
from shopify_client.cost import QueryCost
from shopify_client.documents import PRODUCTS_PAGE
from shopify_sim.app import create_app
from shopify_sim.catalog_set import product_set
from shopify_sim.settings import ShopConfig, SimSettings
from shopify_sim.state import SimState
from starlette.types import ASGIApp

DEFAULT_OUT = Path(__file__).parent / "results" / "shopify_burst.json"
TOKEN = "shpat_bench_token"  # a throwaway token for the in-process emulator
SECRET = "bench-app-secret"

# (ASGI app, shop domain) for a fresh shop of ``plan`` with ``products`` products.
AppFactory = Callable[[str, float, int], tuple[ASGIApp, str]]


@dataclass
class WireStats:
    """What crossed the wire, seen from an httpx response hook."""

    responses: int = 0
    throttled: int = 0
    requested_costs: set[float] = field(default_factory=set)
    first: QueryCost | None = None


@dataclass
class Run:
    plan: str
    queries: int
    cost: int
    concurrency: int
    time_factor: float
    total_s: float
    floor_s: float
    ratio: float | None
    bucket_at_start: float
    maximum_available: float
    restore_rate: float
    throttled_responses: int
    throttled_errors: int
    retries: int
    requested_query_cost: list[float]
    responses: int


def emulator_app(plan: str, time_factor: float, products: int) -> tuple[ASGIApp, str]:
    """A fresh emulator with one shop of ``plan`` holding ``products`` products (so a
    page of ``first: products`` returns full and its actual cost equals the requested)."""
    domain = f"bench-{plan}.myshopify.com"
    shop_config = ShopConfig(domain=domain, access_token=TOKEN, app_secret=SECRET, plan=plan)
    settings = SimSettings(time_factor=time_factor, demo=False, shops=[shop_config])
    state = SimState()
    shop = state.add_shop(domain, access_token=TOKEN, app_secret=SECRET, plan=shop_config.plan)
    for i in range(products):
        product_set(state, shop, {"title": f"Bench product {i}"}, None)
    return create_app(state, settings), domain


@contextmanager
def serve(app: ASGIApp) -> Iterator[str]:
    """Run ``app`` under uvicorn in a thread on a free port; yield its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            msg = "the emulator did not start"
            raise RuntimeError(msg)
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _wire_hook(stats: WireStats) -> Callable[[httpx.Response], Any]:
    async def on_response(response: httpx.Response) -> None:
        body = json.loads(await response.aread())
        stats.responses += 1
        errors = body.get("errors") or []
        if errors and (errors[0].get("extensions") or {}).get("code") == "THROTTLED":
            stats.throttled += 1
        cost = QueryCost.parse(body)
        if cost is not None and cost.requested is not None:
            stats.requested_costs.add(cost.requested)
            if stats.first is None and cost.throttle is not None and cost.actual is not None:
                stats.first = cost

    return on_response


async def _burst(base_url: str, shop: str, args: argparse.Namespace, plan: str) -> Run:
    stats = WireStats()
    registry = CollectorRegistry()
    limits = httpx.Limits(
        max_connections=args.concurrency, max_keepalive_connections=args.concurrency
    )
    http = httpx.AsyncClient(
        limits=limits,
        timeout=httpx.Timeout(60.0, connect=5.0),
        event_hooks={"response": [_wire_hook(stats)]},
    )
    client = ShopifyClient(
        shop,
        TOKEN,
        base_url=base_url,
        http=http,
        pacer=Pacer(),
        retry=RetryPolicy(max_attempts=5, max_throttled=10),
        metrics=ClientMetrics.create(registry),
    )
    variables = {"first": args.cost - 2, "after": None, "query": None}  # 2 + first points
    gate = asyncio.Semaphore(args.concurrency)
    throttled_errors = 0
    done = 0

    async def one() -> None:
        nonlocal throttled_errors, done
        async with gate:
            try:
                await client.execute(PRODUCTS_PAGE, variables)
            except ShopifyThrottledError:
                throttled_errors += 1
            done += 1
            if done % 25 == 0 or done == args.queries:
                _progress(plan, done, args.queries)

    started = time.monotonic()
    async with http:
        await asyncio.gather(*(one() for _ in range(args.queries)))
    total = time.monotonic() - started

    if stats.first is None:
        msg = "no answer carried extensions.cost: is this the Shopify emulator?"
        raise SystemExit(msg)
    if stats.requested_costs != {float(args.cost)}:
        msg = f"the emulator costed the query at {sorted(stats.requested_costs)}, not {args.cost}"
        raise SystemExit(msg)
    first, throttle = stats.first, stats.first.throttle
    assert throttle is not None
    assert first.actual is not None
    at_start = min(throttle.maximum_available, throttle.currently_available + first.actual)
    floor = max(0.0, (args.queries * args.cost - at_start) / throttle.restore_rate)
    retries = sum(
        sample.value
        for metric in registry.collect()
        if metric.name == "shopify_client_retries"
        for sample in metric.samples
        if sample.name == "shopify_client_retries_total"
    )
    return Run(
        plan=plan,
        queries=args.queries,
        cost=args.cost,
        concurrency=args.concurrency,
        time_factor=args.time_factor,
        total_s=round(total, 3),
        floor_s=round(floor, 3),
        ratio=round(total / floor, 4) if floor > 0 else None,
        bucket_at_start=at_start,
        maximum_available=throttle.maximum_available,
        restore_rate=throttle.restore_rate,
        throttled_responses=stats.throttled,
        throttled_errors=throttled_errors,
        retries=int(retries),
        requested_query_cost=sorted(stats.requested_costs),
        responses=stats.responses,
    )


def _progress(label: str, done: int, total: int) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    sys.stderr.write(f"\r{label:<9} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def run(args: argparse.Namespace, make_app: AppFactory = emulator_app) -> list[Run]:
    runs = []
    for plan in args.plans:
        app, shop = make_app(plan, args.time_factor, args.cost - 2)
        with serve(app) as base_url:
            runs.append(asyncio.run(_burst(base_url, shop, args, plan)))
    return runs


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.shopify_burst",
        description="Fire a burst of fixed-cost queries through the paced Shopify client at "
        "the in-process emulator (real HTTP) and compare the time with the bucket's floor.",
    )
    parser.add_argument("--queries", type=int, default=500, help="queries in the burst")
    parser.add_argument("--cost", type=int, default=50, help="cost of each query (points)")
    parser.add_argument("--concurrency", type=int, default=50, help="queries in flight at most")
    parser.add_argument(
        "--plans",
        type=lambda v: [p.strip() for p in v.split(",") if p.strip()],
        default=["standard", "plus"],
        help="comma-separated shop plans (standard, advanced, plus, enterprise)",
    )
    parser.add_argument(
        "--time-factor",
        type=float,
        default=1.0,
        help="speed-up of the emulator's bucket refill (1 = Shopify's real rates)",
    )
    parser.add_argument("--smoke", action="store_true", help="small, fast run for CI")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results JSON file")
    args = parser.parse_args(argv)
    if args.smoke:
        args.queries, args.time_factor, args.plans = 100, 10.0, ["standard"]
    if args.cost < 3 or args.queries < 1 or args.concurrency < 1:
        parser.error("--cost must be at least 3, --queries and --concurrency at least 1")
    return args


def summary(result: dict[str, Any]) -> str:
    lines = []
    for r in result["runs"]:
        ratio = "n/a (the bucket covers the burst)" if r["ratio"] is None else f"{r['ratio']:.3f}"
        lines.append(
            f"{r['plan']:<9} {r['queries']} x {r['cost']} pts: total {r['total_s']:.2f} s, "
            f"floor {r['floor_s']:.2f} s (bucket {r['bucket_at_start']:.0f}, "
            f"{r['restore_rate']:.0f} pts/s), ratio {ratio}, "
            f"THROTTLED seen {r['throttled_responses']}, reached caller {r['throttled_errors']}, "
            f"retries {r['retries']}"
        )
    if result.get("plus_to_standard") is not None:
        lines.append(f"plus / standard total time: {result['plus_to_standard']:.3f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None, make_app: AppFactory = emulator_app) -> dict[str, Any]:
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    configure_logging("bench", os.environ.get("LOG_LEVEL", "WARNING"))
    runs = run(args, make_app)
    by_plan = {r.plan: r for r in runs}
    result: dict[str, Any] = {
        "runs": [asdict(r) for r in runs],
        "plus_to_standard": (
            round(by_plan["plus"].total_s / by_plan["standard"].total_s, 4)
            if {"plus", "standard"} <= by_plan.keys()
            else None
        ),
        "command": " ".join(["python -m bench.shopify_burst", *argv]),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cpu",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(summary(result))
    print(f"written to {args.out}")
    return result


if __name__ == "__main__":
    main()

"""End-to-end orders benchmark: Shopify emulator -> gateway -> Kafka -> orders -> ERP.

The whole flow runs as real processes (``tests.e2e.stack.Stack``: emulator, reference
ERP, gateway, orders, each ``python -m`` on a free port) for a throwaway tenant with fresh
databases on the Postgres named by ``DATABASE_URL`` and the Kafka named by
``KAFKA_BOOTSTRAP_SERVERS``.

Latency of one order: from the moment the emulator emitted orders/create to the ERP's
``sales_documents.created_at``. The emulator's delivery log (``GET /_sim/deliveries``)
records when each POST to the gateway finished, but not which order it carried, so it
cannot be joined per order; the emit moment is taken as the return of ``POST
/_sim/shops/<shop>/orders`` (the emulator emits, and spawns the delivery, before it
answers). Both clocks are this machine's wall clock (the emulator's time factor scales
only its simulated clock, not these timestamps). ``created_at`` is the ERP transaction's
start, a few ms before its commit. The latency from the order's *scheduled* time is
reported too: orders are placed on an open-loop timetable by several placers, so a slow
emulator cannot hide a backlog (coordinated omission). The delivery log still gives the
emulator -> gateway (Kafka acked) share per step, in aggregate.

Steps: the offered rate goes up (10 .. 150 orders/s, until a step falls behind) with one
orders instance and then with two in the same consumer group (shopify.orders.v1 has 6
partitions; each process runs ``--consumers`` consumers). A step "kept up" when every
document was committed, the last within ``--keep-up-s`` of the last order being placed,
and documents came at >= 90 % of the offered rate. The CPU of
each process is read from /proc, since two cores are shared by Kafka, Postgres, both
emulators, the gateway, the orders processes and this load generator.

    uv run python -m bench.orders                           # steps with 1 and 2 instances
    uv run python -m bench.orders --rates 50 --seconds 30 --instances 1
    uv run python -m bench.orders --scenario chaos --orders 200   # the full-size e2e check
    uv run python -m bench.orders --smoke                   # what CI runs (20 at 10/s)

Results go to bench/results/orders.json (override with --out).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import random
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
from aiokafka.admin import AIOKafkaAdminClient

from bench.gateway import _machine_busy, _pct, _proc_cpu_s, _progress
from tests.e2e.orders_scenario import (
    assert_exactly_once,
    dlq_entries,
    existing_orders,
    linked,
    order_spec,
    stock_up,
)
from tests.e2e.stack import ERP_COMPANY, SHOP, Stack

DEFAULT_OUT = Path(__file__).parent / "results" / "orders.json"
TARGET_RATE = 50.0
TARGET_P99_MS = 500.0
PARTITIONS = 6  # shopify.orders.v1 (contracts.topics.SHOPIFY_ORDERS)


# --- databases and the stack ---------------------------------------------------------------


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        raise SystemExit("DATABASE_URL is not set (source deploy/env.sh)")
    return url


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


async def _create_database(server: str) -> str:
    name = f"b_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return name


async def _drop_database(server: str, name: str) -> None:
    admin = await asyncpg.connect(server)
    try:
        for attempt in range(10):
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                return
            except asyncpg.InsufficientPrivilegeError:  # an autovacuum worker: soon gone
                if attempt == 9:
                    raise
                await asyncio.sleep(0.5)
    finally:
        await admin.close()


async def group_settled(kafka: str, group: str, members: int, within_s: float = 90) -> int:
    """Waits until the consumer group is Stable with at least ``members`` members, twice
    in a row a second apart, so no rebalance falls into a measured step. Returns the
    member count."""
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka)
    await admin.start()
    try:
        deadline = time.monotonic() + within_s
        seen: list[tuple[str, int]] = []
        while time.monotonic() < deadline:
            (described,) = (await admin.describe_consumer_groups([group]))[0].groups
            seen.append((described[2], len(described[5])))
            stable = len(seen) >= 2 and seen[-1] == seen[-2] and seen[-1][0] == "Stable"
            if stable and seen[-1][1] >= members:
                return seen[-1][1]
            await asyncio.sleep(1.0)
        msg = f"consumer group {group} not settled with {members} members: {seen[-3:]}"
        raise TimeoutError(msg)
    finally:
        await admin.close()


@contextlib.asynccontextmanager
async def running_stack(
    instances: int,
    consumers: int,
    *,
    extra_env: dict[str, dict[str, str]] | None = None,
    workdir: Path | None = None,
) -> AsyncIterator[Stack]:
    """A started Stack with ``instances`` orders processes in one group; its databases
    are dropped and its processes stopped on the way out."""
    server = _database_url()
    kafka = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    names = [await _create_database(server), await _create_database(server)]
    with tempfile.TemporaryDirectory(prefix="bench-orders-") as tmp:
        stack = Stack(
            kafka=kafka,
            orders_db=_with_database(server, names[0]),
            erp_db=_with_database(server, names[1]),
            workdir=workdir or Path(tmp) / "stack",
            tenant=f"bench{uuid.uuid4().hex[:8]}",
            orders_env={"ORDERS_CONSUMERS": str(consumers)},
            extra_env=extra_env or {},
        )
        try:
            await stack.start()
            for n in range(2, instances + 1):
                await stack.add_orders(f"orders{n}")
            await group_settled(kafka, f"orders-{stack.tenant}", instances * consumers)
            yield stack
        finally:
            stack.stop_all()
            for name in names:
                await _drop_database(server, name)


# --- CPU -----------------------------------------------------------------------------------


def _shared_pids() -> dict[str, list[int]]:
    """Kafka's JVM and every postgres process (theirs and other users' work alike)."""
    found: dict[str, list[int]] = {"kafka": [], "postgres": []}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            comm = (entry / "comm").read_text().strip()
            if comm == "postgres" or comm.startswith("postgres"):
                found["postgres"].append(int(entry.name))
            elif comm == "java" and b"kafka" in (entry / "cmdline").read_bytes():
                found["kafka"].append(int(entry.name))
        except OSError:
            continue
    return found


class CpuMeter:
    """CPU seconds of the stack's processes, Kafka, Postgres and this process."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack

    def sample(self) -> tuple[dict[str, dict[int, float]], tuple[float, float], float]:
        groups: dict[str, list[int]] = {
            name: [p.popen.pid] for name, p in self.stack.procs.items() if p.popen is not None
        }
        groups |= _shared_pids()
        usage = {name: {pid: _proc_cpu_s(pid) for pid in pids} for name, pids in groups.items()}
        return usage, _machine_busy(), time.process_time()

    @staticmethod
    def percent(
        before: tuple[dict[str, dict[int, float]], tuple[float, float], float],
        after: tuple[dict[str, dict[int, float]], tuple[float, float], float],
        seconds: float,
    ) -> dict[str, float]:
        out: dict[str, float] = {}
        for name, pids in after[0].items():
            used = sum(t - before[0].get(name, {}).get(pid, 0.0) for pid, t in pids.items())
            out[name] = round(100 * max(used, 0.0) / seconds, 1)
        out["bench"] = round(100 * (after[2] - before[2]) / seconds, 1)
        busy = after[1][0] - before[1][0]
        total = max(1, after[1][1] - before[1][1])
        out["machine"] = round(100 * (os.cpu_count() or 1) * busy / total, 1)
        return out


# --- one step ------------------------------------------------------------------------------


@dataclass
class Step:
    instances: int
    consumers_per_instance: int
    offered_per_s: float
    orders: int
    placed: int
    place_errors: dict[str, int]
    documents: int
    schedule_s: float
    achieved_docs_per_s: float
    drained_docs_per_s: float
    backlog_after_step_s: float
    kept_up: bool
    latency_ms_p50: float
    latency_ms_p95: float
    latency_ms_p99: float
    latency_ms_max: float
    from_schedule_ms_p50: float
    from_schedule_ms_p99: float
    place_ms_p50: float
    place_ms_p99: float
    emulator_to_gateway_ms_p50: float
    emulator_to_gateway_ms_p99: float
    orders_handler_ms_p50: float
    orders_handler_ms_p99: float
    documented_by_process: dict[str, int]
    cpu_pct: dict[str, float]
    meets_target: bool
    errors: list[str] = field(default_factory=list)


class Placer:
    """Places orders in the emulator on an open-loop timetable over keep-alive
    connections and waits for their ERP documents."""

    def __init__(self, stack: Stack, placers: int, seed: int) -> None:
        self.stack = stack
        self.placers = placers
        self.rng = random.Random(seed)
        self.seq = 0
        self.url = f"{stack.url('shopify_sim')}/_sim/shops/{SHOP}/orders"

    async def run(
        self, rate: float, count: int, *, label: str = ""
    ) -> tuple[list[tuple[str, float, float]], dict[str, int], float, float]:
        """(order id, scheduled wall time, placed wall time) per order, errors, start and
        end of the timetable (wall)."""
        specs = []
        for _ in range(count):
            specs.append(order_spec(self.seq, self.rng))
            self.seq += 1
        queue: asyncio.Queue[tuple[int, float] | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()
        offset = time.time() - loop.time()
        placed: list[tuple[str, float, float]] = []
        errors: dict[str, int] = {}

        async def dispatch(begin: float) -> None:
            for i in range(count):
                at = begin + i / rate
                if (delay := at - loop.time()) > 0:
                    await asyncio.sleep(delay)
                queue.put_nowait((i, at))
                if label and i % max(1, int(rate)) == 0:
                    _progress(label, i, count)
            for _ in range(self.placers):
                queue.put_nowait(None)

        async def work(client: httpx.AsyncClient) -> None:
            while (item := await queue.get()) is not None:
                i, at = item
                try:
                    response = await client.post(self.url, json=specs[i])
                    response.raise_for_status()
                    order_id = str(response.json()["order"]["id"])
                except (httpx.HTTPError, KeyError, ValueError) as exc:
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                    continue
                placed.append((order_id, at + offset, loop.time() + offset))

        limits = httpx.Limits(max_connections=self.placers, max_keepalive_connections=self.placers)
        async with httpx.AsyncClient(timeout=30, limits=limits) as client:
            begin = loop.time() + 0.05
            await asyncio.gather(dispatch(begin), *(work(client) for _ in range(self.placers)))
        if label:
            _progress(label, count, count)
        return placed, errors, begin + offset, begin + offset + count / rate


async def committed(
    erp: asyncpg.Connection, order_ids: list[str], *, until: float
) -> dict[str, float]:
    """ERP commit time (wall) per order, polled until all are there or ``until`` (wall)."""
    found: dict[str, float] = {}
    while True:
        pending = [o for o in order_ids if o not in found]
        if pending:
            rows = await erp.fetch(
                "SELECT shopify_order_id, created_at FROM sales_documents "
                "WHERE company_id = $1 AND shopify_order_id = ANY($2::text[])",
                ERP_COMPANY,
                pending,
            )
            for row in rows:
                found[str(row["shopify_order_id"])] = row["created_at"].timestamp()
        if len(found) >= len(set(order_ids)) or time.time() > until:
            return found
        await asyncio.sleep(0.25)


async def gateway_legs(stack: Stack, since: float, until: float) -> list[float]:
    """Durations (ms) of the emulator's orders/create POSTs to the gateway in a window:
    the gateway answers after Kafka acknowledged (acks=all)."""
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.get(
            f"{stack.url('shopify_sim')}/_sim/deliveries",
            params={"topic": "orders/create", "outcome": "delivered"},
        )
    out = []
    for row in response.json()["deliveries"]:
        at = datetime.fromisoformat(row["at"]).timestamp()
        if since <= at <= until:
            out.append(float(row["duration_ms"]))
    return sorted(out)


def handled(stack: Stack, since: float) -> tuple[list[float], dict[str, int]]:
    """From the orders processes' logs: how long each orders/create that made a document
    took in the handler (ERP calls included), and how many each process handled, since
    ``since`` (wall)."""
    durations: list[float] = []
    per_process: dict[str, int] = {}
    for name, proc in stack.procs.items():
        if not name.startswith("orders") or not proc.log.exists():
            continue
        count = 0
        for line in proc.log.read_text(errors="replace").splitlines():
            if '"message.handled"' not in line or '"orders/create"' not in line:
                continue
            with contextlib.suppress(ValueError, KeyError):
                row = json.loads(line)
                at = datetime.fromisoformat(row["timestamp"].replace("Z", "+00:00"))
                if row.get("outcome") == "applied" and at.timestamp() >= since:
                    durations.append(float(row["duration_ms"]))
                    count += 1
        per_process[name] = count
    return sorted(durations), per_process


async def step(
    stack: Stack,
    placer: Placer,
    erp: asyncpg.Connection,
    *,
    instances: int,
    consumers: int,
    rate: float,
    count: int,
    keep_up_s: float,
    drain_s: float,
) -> Step:
    meter = CpuMeter(stack)
    cpu0 = meter.sample()
    placed, errors, begin, end = await placer.run(rate, count, label=f"{instances}x {rate:g}/s")
    done = await committed(erp, [p[0] for p in placed], until=time.time() + drain_s)
    cpu1 = meter.sample()
    measured_s = max(time.time() - begin, 1e-3)
    latencies = sorted((done[o] - t_placed) * 1000 for o, _, t_placed in placed if o in done)
    from_schedule = sorted((done[o] - t_sched) * 1000 for o, t_sched, _ in placed if o in done)
    place_ms = sorted((t_placed - t_sched) * 1000 for _, t_sched, t_placed in placed)
    commits = sorted(done.values())
    last_placed = max((p[2] for p in placed), default=end)
    backlog = (commits[-1] - last_placed) if commits else float("inf")
    in_step = sum(1 for t in commits if t <= end)
    drained = len(done) / max(commits[-1] - begin, 1e-3) if commits else 0.0
    # Kept up: every document, the last within keep_up_s of its order, and the documents
    # came at >= 90 % of the offered rate over the step (a growing backlog shows as both).
    kept_up = not errors and len(done) == count and backlog <= keep_up_s and drained >= 0.9 * rate
    legs = await gateway_legs(stack, begin, end + drain_s)
    handler_ms, per_process = handled(stack, begin)
    p99 = _pct(latencies, 99)
    problems = [] if len(done) == len(placed) else [f"{len(placed) - len(done)} not documented"]
    return Step(
        instances=instances,
        consumers_per_instance=consumers,
        offered_per_s=rate,
        orders=count,
        placed=len(placed),
        place_errors=errors,
        documents=len(done),
        schedule_s=round(end - begin, 2),
        achieved_docs_per_s=round(in_step / (end - begin), 1),
        drained_docs_per_s=round(drained, 1),
        backlog_after_step_s=round(backlog, 2),
        kept_up=kept_up,
        latency_ms_p50=_pct(latencies, 50),
        latency_ms_p95=_pct(latencies, 95),
        latency_ms_p99=p99,
        latency_ms_max=round(latencies[-1], 1) if latencies else 0.0,
        from_schedule_ms_p50=_pct(from_schedule, 50),
        from_schedule_ms_p99=_pct(from_schedule, 99),
        place_ms_p50=_pct(place_ms, 50),
        place_ms_p99=_pct(place_ms, 99),
        emulator_to_gateway_ms_p50=_pct(legs, 50),
        emulator_to_gateway_ms_p99=_pct(legs, 99),
        orders_handler_ms_p50=_pct(handler_ms, 50),
        orders_handler_ms_p99=_pct(handler_ms, 99),
        documented_by_process=per_process,
        cpu_pct=CpuMeter.percent(cpu0, cpu1, measured_s),
        meets_target=kept_up and p99 < TARGET_P99_MS,
        errors=problems,
    )


def sims_env(args: argparse.Namespace) -> dict[str, dict[str, str]]:
    """The emulators are the load, not the system measured: their per-request log lines
    cost the shared cores, and at the Stack's time factor (600) a webhook that timed out
    is retried 0.1 s later instead of Shopify's ~1 min, so an overload feeds itself and
    the emulator deletes the subscription after 8 failures in a row."""
    return {
        "shopify_sim": {
            "SHOPIFY_SIM_TIME_FACTOR": f"{args.time_factor:g}",
            "SHOPIFY_SIM_LOG_LEVEL": args.sim_log_level,
        },
        "erp_sim": {"ERP_SIM_LOG_LEVEL": args.sim_log_level},
    }


async def run_steps(args: argparse.Namespace) -> dict[str, Any]:
    steps: list[Step] = []
    for instances in args.instances:
        consumers = args.consumers or 3  # the service's default
        async with running_stack(instances, consumers, extra_env=sims_env(args)) as stack:
            await stock_up(stack, 10_000_000)
            placer = Placer(stack, args.placers, seed=instances)
            erp = await asyncpg.connect(stack.erp_db)
            try:
                if args.warmup:  # first documents pay for connections and rebalancing
                    warm = await step(
                        stack,
                        placer,
                        erp,
                        instances=instances,
                        consumers=consumers,
                        rate=10.0,
                        count=args.warmup,
                        keep_up_s=60,
                        drain_s=120,
                    )
                    if warm.documents < warm.orders:
                        msg = f"warm-up: {warm.errors} {warm.place_errors}\n"
                        raise RuntimeError(msg + stack.log_tail("orders"))
                for rate in args.rates:
                    count = args.count or int(rate * args.seconds)
                    done = await step(
                        stack,
                        placer,
                        erp,
                        instances=instances,
                        consumers=consumers,
                        rate=rate,
                        count=count,
                        keep_up_s=args.keep_up_s,
                        drain_s=args.drain_s,
                    )
                    steps.append(done)
                    print(_step_line(done), file=sys.stderr)
                    if not done.kept_up:
                        break  # higher rates fall behind too, and a backlog spoils a step
                    await asyncio.sleep(args.pause)
            finally:
                await erp.close()
    best: dict[str, float | None] = {}
    for instances in args.instances:
        ok = [s for s in steps if s.instances == instances and s.kept_up]
        best[str(instances)] = max((s.offered_per_s for s in ok), default=None)
    at_target = [s for s in steps if s.offered_per_s == TARGET_RATE and s.instances == 1]
    fell_below = any(
        s.instances == 1 and not s.kept_up and s.offered_per_s <= TARGET_RATE for s in steps
    )
    return {
        "steps": [asdict(s) for s in steps],
        "max_sustained_per_s_by_instances": best,
        "target": {"rate_per_s": TARGET_RATE, "p99_ms": TARGET_P99_MS},
        # None: no step at the target rate was run (False when a slower one fell behind)
        "meets_target": (
            all(s.meets_target for s in at_target) if at_target else (False if fell_below else None)
        ),
        "partitions": PARTITIONS,
        "placers": args.placers,
        "consumers_per_instance": {str(s.instances): s.consumers_per_instance for s in steps},
        "emulators_env": sims_env(args),
        "keep_up_s": args.keep_up_s,
        "latency": "POST /_sim/.../orders returned (emulator emitted orders/create) -> ERP "
        "sales_documents.created_at; from_schedule_*: from the open-loop scheduled time",
    }


# --- the full-size correctness scenario -----------------------------------------------------


async def run_chaos(args: argparse.Namespace) -> dict[str, Any]:
    """tests/e2e/test_orders_exactly_once.py at ``--orders`` size, with phase timings."""
    n = args.orders
    timings: dict[str, float] = {}
    result: dict[str, Any] = {"orders": n, "passed": False, "timings_s": timings}
    t0 = time.monotonic()
    async with running_stack(1, args.consumers or 3) as stack:
        timings["stack_start"] = round(time.monotonic() - t0, 2)
        try:
            rng = random.Random(20261123)
            await stock_up(stack)
            before = await existing_orders(stack)
            await stack.erp_faults(error_rate=0.2, latency_ms=20, seed=7)
            since = (datetime.now(UTC) - timedelta(seconds=1)).isoformat()
            placed: list[str] = []
            killed_at = n // 2
            t = time.monotonic()
            for i in range(n):
                await stack.chaos(duplicates=1 + i % 3, shuffle_window=4, drop_pct=5, seed=i)
                placed.append(str((await stack.place_order(order_spec(i, rng)))["id"]))
                if i == killed_at:
                    stack.kill("orders")  # mid-stream: in-flight messages lose their commits
            stack.launch("orders")
            await stack.until_up("orders")
            timings["place_and_restart"] = round(time.monotonic() - t, 2)

            async def settled() -> bool:
                return await linked(stack, placed) >= n * 0.8

            t = time.monotonic()
            await stack.wait_for("most orders documented", settled, within_s=300)
            timings["webhooks_to_80pct"] = round(time.monotonic() - t, 2)
            result["linked_before_reconcile"] = await linked(stack, placed)
            t = time.monotonic()
            report = await stack.reconcile(since)
            timings["reconcile"] = round(time.monotonic() - t, 2)
            result["reconcile_report"] = report
            assert report["seen"] >= n, report
            assert report["failed"] == 0, report

            async def all_linked() -> bool:
                return await linked(stack, placed) == n

            t = time.monotonic()
            await stack.wait_for("every order documented", all_linked, within_s=180)
            timings["to_all_linked"] = round(time.monotonic() - t, 2)
            await assert_exactly_once(stack, placed, ignore=before)
            dlq = dlq_entries(stack.kafka, stack.tenant)
            assert dlq == [], f"dead-lettered: {dlq[:3]}"
            log = stack.log_tail("orders", 2_000_000)
            result["duplicates_seen"] = log.count('"outcome": "duplicate"') + log.count(
                '"outcome": "already_linked"'
            )
            documents = [
                d for d in await stack.erp_documents() if str(d["shopify_order_id"]) not in before
            ]
            result["erp_documents"] = len(documents)
            result["passed"] = True
        except AssertionError as exc:
            result["failure"] = str(exc)[:4000]
        except Exception as exc:  # a crash is a failed run too: record it, then re-raise
            result["failure"] = "".join(traceback.format_exception(exc))[-4000:]
            raise
        finally:
            timings["total"] = round(time.monotonic() - t0, 2)
    return result


# --- the run -------------------------------------------------------------------------------


def _step_line(s: Step) -> str:
    return (
        f"{s.instances} inst {s.offered_per_s:>5g}/s: {s.documents}/{s.orders} docs, "
        f"{s.achieved_docs_per_s:>6} docs/s in step, backlog {s.backlog_after_step_s} s "
        f"({'kept up' if s.kept_up else 'FELL BEHIND'}) | p50 {s.latency_ms_p50} p95 "
        f"{s.latency_ms_p95} p99 {s.latency_ms_p99} ms | cpu "
        + ", ".join(f"{k} {v}%" for k, v in s.cpu_pct.items())
    )


_VERDICT = {True: "met", False: "NOT met", None: "no step at that rate"}


def summary(result: dict[str, Any]) -> str:
    lines = []
    if steps := result.get("steps"):
        lines.append(
            f"{'inst':>4} {'offered':>7} {'docs/s':>7} {'docs':>9} {'backlog s':>9} "
            f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'kept up':>7}  cpu (orders, machine)"
        )
        for s in steps:
            orders_cpu = sum(v for k, v in s["cpu_pct"].items() if k.startswith("orders"))
            lines.append(
                f"{s['instances']:>4} {s['offered_per_s']:>7g} {s['achieved_docs_per_s']:>7} "
                f"{s['documents']:>4}/{s['orders']:<4} {s['backlog_after_step_s']:>9} "
                f"{s['latency_ms_p50']:>8} {s['latency_ms_p95']:>8} {s['latency_ms_p99']:>8} "
                f"{'yes' if s['kept_up'] else 'NO':>7}  {orders_cpu:.0f}%, "
                f"{s['cpu_pct']['machine']}%"
            )
        lines.append(
            f"max sustained orders/s by instances: {result['max_sustained_per_s_by_instances']}"
            f" | target {TARGET_RATE:g}/s at p99 < {TARGET_P99_MS:g} ms: "
            f"{_VERDICT[result['meets_target']]}"
        )
    if chaos := result.get("chaos"):
        lines.append(
            f"chaos scenario, {chaos['orders']} orders: "
            f"{'PASSED' if chaos['passed'] else 'FAILED'} in {chaos['timings_s']} "
            + (chaos.get("failure", "") or "")[:300]
        )
    return "\n".join(lines)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.orders",
        description="End-to-end latency (emulator orders/create -> ERP document) and the "
        "highest sustained orders/s with one and two orders processes, on the Kafka and "
        "Postgres named by KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL; or the full-size "
        "exactly-once chaos scenario (--scenario chaos).",
    )
    parser.add_argument(
        "--scenario",
        choices=["steps", "chaos", "all"],
        default="steps",
        help="steps: latency and throughput; chaos: the exactly-once scenario; all: both",
    )
    parser.add_argument(
        "--rates",
        type=float,
        nargs="+",
        default=[10.0, 20.0, 25.0, 30.0, 35.0, 40.0, 50.0, 75.0, 100.0, 150.0],
        help="offered orders/s, one step each, up to the first that falls behind",
    )
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each step")
    parser.add_argument("--count", type=int, default=0, help="orders per step (overrides)")
    parser.add_argument(
        "--instances", type=int, nargs="+", default=[1, 2], help="orders processes, one run each"
    )
    parser.add_argument(
        "--consumers",
        type=int,
        default=0,
        help="ORDERS_CONSUMERS per process (default 3, the service's; the topic has 6 "
        "partitions, so 2 processes x 3 use them all)",
    )
    parser.add_argument("--placers", type=int, default=8, help="concurrent order placers")
    parser.add_argument("--warmup", type=int, default=30, help="orders at 10/s first")
    parser.add_argument(
        "--keep-up-s", type=float, default=2.0, help="a step kept up: all docs within this"
    )
    parser.add_argument(
        "--drain-s", type=float, default=90.0, help="how long to wait for a step's documents"
    )
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between steps")
    parser.add_argument(
        "--time-factor", type=float, default=1.0, help="the Shopify emulator's, for steps"
    )
    parser.add_argument(
        "--sim-log-level", default="WARNING", help="both emulators' log level, for steps"
    )
    parser.add_argument("--orders", type=int, default=200, help="orders in --scenario chaos")
    parser.add_argument("--smoke", action="store_true", help="20 orders at 10/s, 1 instance")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results JSON file")
    args = parser.parse_args(argv)
    if args.smoke:
        args.scenario, args.rates, args.count, args.instances = "steps", [10.0], 20, [1]
        args.warmup, args.pause, args.drain_s, args.placers = 5, 0.0, 40.0, 4
    return args


async def run(args: argparse.Namespace) -> dict[str, Any]:
    result: dict[str, Any] = {}
    if args.scenario in ("steps", "all"):
        result |= await run_steps(args)
    if args.scenario in ("chaos", "all"):
        result["chaos"] = await run_chaos(args)
    return result


def main(argv: list[str] | None = None) -> dict[str, Any]:
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    result = asyncio.run(run(args))
    result |= {
        "command": " ".join(["python -m bench.orders", *argv]),
        "note": "Kafka, Postgres, both emulators, gateway, orders and this load generator "
        "share the machine's cores (and other users' tests run there too)",
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()} {os.cpu_count()} cpu",
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print(summary(result))
    print(f"written to {args.out}")
    return result


if __name__ == "__main__":
    main()

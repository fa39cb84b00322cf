"""Benchmark of the consumer plumbing on the real broker and database.

Two measurements, one consumer instance, each message claimed in the inbox and applied
as one row in the same transaction (what every real handler does):

* drain: N messages are produced first, then the consumer drains the backlog;
  reports messages/s.
* steady: messages are produced at a fixed rate while the consumer runs; reports
  end-to-end latency (publish -> effect committed) p50/p95/p99.

    uv run python -m bench.pipeline                 # full size
    uv run python -m bench.pipeline --smoke         # what CI runs

Results go to bench/results/pipeline.json (override with --out).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from contracts import Envelope
from faststream.kafka import KafkaBroker
from plumbing.broker import BrokerDeadLetterSink, make_broker
from plumbing.consumer import subscribe
from plumbing.db import Connection, create_pool
from plumbing.inbox import process_once
from plumbing.logging import configure_logging
from plumbing.metrics import ConsumerMetrics
from plumbing.migrations import PLUMBING_MIGRATIONS, load, migrate
from plumbing.pipeline import MessagePipeline
from prometheus_client import CollectorRegistry

DEFAULT_OUT = Path(__file__).parent / "results" / "pipeline.json"


@dataclass
class Result:
    drain_messages: int
    drain_seconds: float
    drain_messages_per_s: float
    steady_rate_per_s: float
    steady_messages: int
    latency_ms_p50: float
    latency_ms_p95: float
    latency_ms_p99: float
    latency_ms_max: float
    partitions: int
    when: str
    machine: str


def _progress(label: str, done: int, total: int) -> None:
    width = 30
    filled = int(width * done / max(total, 1))
    sys.stderr.write(f"\r{label:<8} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _envelope(i: int) -> Envelope:
    return Envelope.new(
        id=uuid.uuid4().hex,
        type="orders/create",
        source="shopify",
        tenant="bench",
        entity_id=f"order-{i}",
        payload={"id": i, "total_price": "19.99"},
        occurred_at=datetime.now(UTC),
    )


class Consumer:
    """One consumer instance whose handler claims and applies each message."""

    def __init__(self, bootstrap: str, topic: str, pool: asyncpg.Pool) -> None:
        self.done_at: dict[str, float] = {}
        self._pool = pool
        self.broker: KafkaBroker = make_broker(bootstrap, client_id="bench")
        pipeline = MessagePipeline(
            consumer="bench",
            handler=self._handle,
            sink=BrokerDeadLetterSink(self.broker),
            metrics=ConsumerMetrics.create(CollectorRegistry()),
        )
        subscribe(self.broker, topic=topic, group_id=f"bench-{topic}", pipeline=pipeline)

    async def _handle(self, env: Envelope) -> str | None:
        async def effect(conn: Connection) -> str | None:
            await conn.execute(
                "INSERT INTO bench_effects VALUES ($1, $2)", env.tenant, env.payload["id"]
            )
            return None

        outcome = await process_once(self._pool, "bench", env, effect)
        self.done_at[env.id] = time.time()
        return outcome


async def _until(consumer: Consumer, count: int, label: str, limit_s: float) -> None:
    deadline = time.monotonic() + limit_s
    while len(consumer.done_at) < count:
        _progress(label, len(consumer.done_at), count)
        if time.monotonic() > deadline:
            msg = f"{label}: only {len(consumer.done_at)}/{count} handled in {limit_s}s"
            raise TimeoutError(msg)
        await asyncio.sleep(0.25)
    _progress(label, count, count)


async def _publish(broker: KafkaBroker, topic: str, env: Envelope) -> None:
    await broker.publish(env.to_bytes(), topic=topic, key=env.key.encode())


async def _new_topic(bootstrap: str, partitions: int) -> str:
    name = f"bench.{uuid.uuid4().hex[:8]}.v1"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1)])
    finally:
        await admin.close()
    return name


async def _drain(bootstrap: str, pool: asyncpg.Pool, args: argparse.Namespace) -> float:
    topic = await _new_topic(bootstrap, args.partitions)
    producer = make_broker(bootstrap, client_id="bench-producer")
    await producer.connect()
    chunk = 200
    for start in range(0, args.messages, chunk):
        stop = min(start + chunk, args.messages)
        await asyncio.gather(*(_publish(producer, topic, _envelope(i)) for i in range(start, stop)))
        _progress("produce", stop, args.messages)
    await producer.stop()

    consumer = Consumer(bootstrap, topic, pool)
    await consumer.broker.start()
    try:
        await _until(consumer, 1, "join", 60)
        started = time.time()
        first = min(consumer.done_at.values())
        await _until(consumer, args.messages, "drain", 600)
        # Count from the first handled message: group join time is not throughput.
        return max(consumer.done_at.values()) - min(first, started)
    finally:
        await consumer.broker.stop()


async def _steady(bootstrap: str, pool: asyncpg.Pool, args: argparse.Namespace) -> list[float]:
    topic = await _new_topic(bootstrap, args.partitions)
    consumer = Consumer(bootstrap, topic, pool)
    producer = make_broker(bootstrap, client_id="bench-producer")
    await producer.connect()
    await consumer.broker.start()
    sent_at: dict[str, float] = {}
    try:
        warm = _envelope(-1)
        await _publish(producer, topic, warm)
        await _until(consumer, 1, "join", 60)
        interval = 1.0 / args.rate
        begin = time.monotonic()
        for i in range(args.steady_messages):
            await asyncio.sleep(max(0.0, begin + i * interval - time.monotonic()))
            env = _envelope(i)
            sent_at[env.id] = time.time()
            await _publish(producer, topic, env)
            if i % 50 == 0:
                _progress("steady", i, args.steady_messages)
        await _until(consumer, args.steady_messages + 1, "steady", 120)
    finally:
        await consumer.broker.stop()
        await producer.stop()
    return sorted((consumer.done_at[mid] - sent) * 1000 for mid, sent in sent_at.items())


def _pct(values: list[float], p: float) -> float:
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1], 2)


async def run(args: argparse.Namespace) -> Result:
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    dsn = os.environ.get("DATABASE_URL")
    if not dsn:
        msg = "DATABASE_URL is not set (make up / make test export it)"
        raise SystemExit(msg)
    pool = await create_pool(dsn, max_size=4)
    try:
        async with pool.acquire() as conn:
            await migrate(conn, load("plumbing", PLUMBING_MIGRATIONS))
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS bench_effects (tenant text, order_id bigint)"
            )
        drain_s = await _drain(bootstrap, pool, args)
        latencies = await _steady(bootstrap, pool, args)
        async with pool.acquire() as conn:
            await conn.execute("DELETE FROM inbox WHERE consumer = 'bench'")
            await conn.execute("DROP TABLE bench_effects")
    finally:
        await pool.close()
    return Result(
        drain_messages=args.messages,
        drain_seconds=round(drain_s, 3),
        drain_messages_per_s=round(args.messages / drain_s, 1),
        steady_rate_per_s=args.rate,
        steady_messages=args.steady_messages,
        latency_ms_p50=_pct(latencies, 50),
        latency_ms_p95=_pct(latencies, 95),
        latency_ms_p99=_pct(latencies, 99),
        latency_ms_max=round(max(latencies), 2),
        partitions=args.partitions,
        when=datetime.now(UTC).isoformat(timespec="seconds"),
        machine=f"{platform.machine()} {os.cpu_count()} cpu",
    )


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.pipeline",
        description="Throughput and latency of one consumer (inbox claim + one-row effect) "
        "on the real Kafka and Postgres named by KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL.",
    )
    parser.add_argument("--messages", type=int, default=5000, help="backlog to drain")
    parser.add_argument("--rate", type=float, default=100.0, help="steady rate, messages/s")
    parser.add_argument("--steady-messages", type=int, default=1000, help="steady-phase count")
    parser.add_argument("--partitions", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="tiny run for CI")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results JSON file")
    args = parser.parse_args(argv)
    if args.smoke:
        args.messages, args.steady_messages, args.rate = 300, 100, 50.0
    return args


def main(argv: list[str] | None = None) -> dict[str, Any]:
    args = parse(sys.argv[1:] if argv is None else argv)
    configure_logging("bench", os.environ.get("LOG_LEVEL", "WARNING"))
    result = asdict(asyncio.run(run(args)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(
        f"drain: {result['drain_messages']} msgs in {result['drain_seconds']} s = "
        f"{result['drain_messages_per_s']} msg/s | steady {result['steady_rate_per_s']}/s: "
        f"p50 {result['latency_ms_p50']} ms, p95 {result['latency_ms_p95']} ms, "
        f"p99 {result['latency_ms_p99']} ms | written to {args.out}"
    )
    return result


if __name__ == "__main__":
    main()

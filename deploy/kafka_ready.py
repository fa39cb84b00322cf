"""Kafka is ready when a message goes round: produced idempotently, consumed back.

An open port only says the JVM listens. A round trip says the controller elected itself,
the broker registered, topics can be created, an idempotent producer got its producer id
and the group coordinator (``__consumer_offsets``) answers a fresh group.

    KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092 uv run python deploy/kafka_ready.py \
        [--timeout 120] [--pid <broker pid>]

Exit 0 when ready, 1 with the last error when the timeout passes or the broker died.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
import time
import uuid

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

PROBE_TOPIC = "_readiness"


async def round_trip(bootstrap: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    await admin.start()
    try:
        await admin.describe_cluster()
        if PROBE_TOPIC not in await admin.list_topics():
            with contextlib.suppress(TopicAlreadyExistsError):  # a concurrent probe won
                await admin.create_topics([NewTopic(PROBE_TOPIC, 1, 1)])
    finally:
        await admin.close()

    token = f"ready-{uuid.uuid4().hex}".encode()
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=True, request_timeout_ms=10000
    )
    await producer.start()
    try:
        await producer.send_and_wait(PROBE_TOPIC, token)
    finally:
        await producer.stop()

    consumer = AIOKafkaConsumer(
        PROBE_TOPIC,
        bootstrap_servers=bootstrap,
        group_id=f"_readiness-{uuid.uuid4().hex[:12]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    try:
        async with asyncio.timeout(30):
            async for record in consumer:
                if record.value == token:
                    await consumer.commit()
                    return
    finally:
        await consumer.stop()


def alive(pid: int | None) -> bool:
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def wait_ready(bootstrap: str, timeout_s: float, pid: int | None) -> int:
    started = time.monotonic()
    deadline = started + timeout_s
    last_error = "no attempt made"
    attempts = 0
    while time.monotonic() < deadline:
        if not alive(pid):
            print(f"kafka at {bootstrap}: broker process {pid} exited", file=sys.stderr)
            return 1
        attempts += 1
        try:
            async with asyncio.timeout(max(1.0, deadline - time.monotonic())):
                await round_trip(bootstrap)
        except Exception as exc:  # not up yet; keep the reason for the final message
            last_error = f"{type(exc).__name__}: {exc}"
            await asyncio.sleep(0.5)
            continue
        elapsed = time.monotonic() - started
        print(
            f"kafka ready at {bootstrap}: produce/consume round trip ok "
            f"({elapsed:.1f} s, {attempts} attempt(s))"
        )
        return 0
    print(
        f"kafka at {bootstrap} not ready after {timeout_s:.0f} s "
        f"({attempts} attempt(s)); last error: {last_error}",
        file=sys.stderr,
    )
    return 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to keep trying")
    parser.add_argument("--pid", type=int, default=None, help="give up when this pid exits")
    parser.add_argument(
        "--bootstrap",
        default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
        help="host:port (default: $KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:9092)",
    )
    parser.add_argument("--verbose", action="store_true", help="show aiokafka's own logs")
    args = parser.parse_args()
    # While the broker boots, aiokafka logs every refused connection; the summary suffices.
    logging.getLogger("aiokafka").setLevel(logging.DEBUG if args.verbose else logging.CRITICAL)
    return asyncio.run(wait_ready(args.bootstrap, args.timeout, args.pid))


if __name__ == "__main__":
    sys.exit(main())

"""Reading DLQ topics and republishing records, with plain aiokafka clients.

The reader joins no group and commits nothing: it assigns every partition, reads from
the beginning up to the end offsets taken at start, and stops, so listing a DLQ never
moves anyone's offsets and always terminates even while records keep arriving.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.errors import KafkaError
from aiokafka.structs import TopicPartition

from syncctl.errors import CliError
from syncctl.records import DlqRecord


async def _start(client: Any, bootstrap: str, wait_s: float) -> None:
    try:
        await asyncio.wait_for(client.start(), wait_s)
    except (KafkaError, OSError, TimeoutError) as exc:
        await client.stop()
        detail = str(exc) or f"no answer within {wait_s:g}s"
        raise CliError(f"cannot reach Kafka at {bootstrap}: {detail}") from None


@asynccontextmanager
async def consumer(bootstrap: str, wait_s: float) -> AsyncIterator[AIOKafkaConsumer]:
    client = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        client_id="syncctl",
    )
    await _start(client, bootstrap, wait_s)
    try:
        yield client
    finally:
        await client.stop()


@asynccontextmanager
async def producer(bootstrap: str, wait_s: float) -> AsyncIterator[AIOKafkaProducer]:
    """Idempotent, acks=all: a replayed record is stored once or the replay fails."""
    client = AIOKafkaProducer(
        bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", client_id="syncctl"
    )
    await _start(client, bootstrap, wait_s)
    try:
        yield client
    finally:
        await client.stop()


async def partition_map(client: AIOKafkaConsumer) -> dict[str, set[int]]:
    """Every topic and its partitions, fetched now. (``consumer.topics()`` fetches the
    same answer but drops the partitions and leaves the client's cache stale, so a topic
    created a moment ago would read as empty.)"""
    cluster = await client._client.fetch_all_metadata()
    return {topic: set(cluster.partitions_for_topic(topic) or ()) for topic in cluster.topics()}


async def read_topics(
    client: AIOKafkaConsumer, topics: Mapping[str, set[int]], *, idle_timeout: float = 10.0
) -> AsyncIterator[DlqRecord]:
    """Every record of ``topics`` (name -> partitions) up to the end offsets captured now,
    in partition order."""
    partitions = [
        TopicPartition(topic, p) for topic, parts in topics.items() for p in sorted(parts)
    ]
    if not partitions:
        return
    client.assign(partitions)
    ends: dict[TopicPartition, int] = await client.end_offsets(partitions)
    await client.seek_to_beginning(*partitions)
    pending = {tp for tp in partitions if ends[tp] > await client.position(tp)}
    while pending:
        batch = await client.getmany(*pending, timeout_ms=int(idle_timeout * 1000))
        if not batch:
            names = ", ".join(sorted(f"{tp.topic}:{tp.partition}" for tp in pending))
            raise CliError(f"no records from {names} within {idle_timeout:g}s")
        for tp, records in batch.items():
            for record in records:
                if record.offset < ends[tp]:
                    yield DlqRecord.from_kafka(record)
        for tp in list(pending):
            if await client.position(tp) >= ends[tp]:
                pending.discard(tp)
                client.pause(tp)


async def read_one(
    client: AIOKafkaConsumer, topic: str, partition: int, offset: int, *, wait_s: float = 10.0
) -> DlqRecord:
    """The record at ``topic`` ``partition:offset``; CliError when there is none."""
    known = await partition_map(client)
    if topic not in known:
        raise CliError(f"no such topic: {topic}")
    if partition not in known[topic]:
        raise CliError(f"{topic} has no partition {partition}")
    tp = TopicPartition(topic, partition)
    client.assign([tp])
    first = (await client.beginning_offsets([tp]))[tp]
    end = (await client.end_offsets([tp]))[tp]
    if not first <= offset < end:
        raise CliError(f"no record at {topic} {partition}:{offset} (offsets {first}..{end - 1})")
    client.seek(tp, offset)
    batch = await client.getmany(tp, timeout_ms=int(wait_s * 1000), max_records=1)
    for record in batch.get(tp, []):
        if record.offset == offset:
            return DlqRecord.from_kafka(record)
    raise CliError(f"no record at {topic} {partition}:{offset}")

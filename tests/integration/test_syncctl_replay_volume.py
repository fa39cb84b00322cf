"""A replay larger than one send batch: every record lands, each key's records in their
DLQ order (pipelined sends must not reorder them), and the summary counts them all."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from aiokafka import AIOKafkaProducer
from contracts import Envelope
from plumbing.dlq import Delivery, dead_letter
from plumbing.errors import PermanentError
from syncctl.cli import execute, parse
from syncctl.replay import BATCH

from tests.conftest import TopicFactory
from tests.integration.kafka_helpers import envelope, read_all

COUNT = BATCH * 2 + 37


async def test_a_long_replay_puts_every_record_back(
    kafka_bootstrap: str, new_topic: TopicFactory, capsys: pytest.CaptureFixture[str]
) -> None:
    topic = await new_topic(prefix="syncctl", partitions=3)
    now = datetime.now(UTC)
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    values = set()
    try:
        acks = []
        for n in range(COUNT):
            env = envelope(f"{n % 50}", seq=n, tenant="acme")
            values.add(env.to_bytes())
            letter = dead_letter(
                Delivery(topic, n % 3, n, env.key.encode(), env.to_bytes()),
                PermanentError("no", reason="unknown_sku"),
                kind="permanent",
                attempts=1,
                first_failure_at=now,
                failed_at=now,
                consumer="volume",
            )
            headers = [(k, v.encode()) for k, v in letter.headers.items()]
            acks.append(
                await producer.send(letter.topic, letter.value, key=letter.key, headers=headers)
            )
        for ack in acks:
            await ack
    finally:
        await producer.stop()

    argv = ["dlq", "replay", "--topic", topic, "--bootstrap-servers", kafka_bootstrap]
    assert await execute(parse(argv)) == 0
    assert f"replayed {COUNT} of {COUNT} matching record(s)" in capsys.readouterr().out

    replayed = await read_all(kafka_bootstrap, topic, expected=COUNT, within=30)
    assert len(replayed) == COUNT
    assert {r.value for r in replayed} == values
    by_key: dict[bytes, list[int]] = {}
    for record in replayed:
        by_key.setdefault(record.key, []).append(Envelope.from_bytes(record.value).payload["seq"])
    assert all(seqs == sorted(seqs) for seqs in by_key.values())

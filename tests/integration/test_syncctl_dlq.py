"""syncctl dlq list/show/replay against the real broker: DLQ records made by plumbing's
``dead_letter``, read back through the CLI, replayed byte for byte."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from contracts import Envelope
from plumbing.dlq import Delivery, dead_letter
from plumbing.errors import PermanentError
from syncctl.cli import execute, parse

from tests.conftest import TopicFactory
from tests.integration.kafka_helpers import envelope, read_all

# (tenant, reason, how long ago it failed)
LETTERS = [
    ("acme", "unknown_sku", timedelta(minutes=5)),
    ("acme", "erp_422", timedelta(minutes=4)),
    ("bolt", "unknown_sku", timedelta(minutes=3)),
    ("bolt", "erp_422", timedelta(hours=3)),
]


@dataclass(frozen=True)
class Sent:
    env: Envelope
    reason: str
    partition: int
    offset: int


@dataclass(frozen=True)
class Dlq:
    topic: str
    dlq: str
    sent: list[Sent]


@pytest.fixture
async def dlq(kafka_bootstrap: str, new_topic: TopicFactory) -> Dlq:
    """A fresh topic and its two-partition DLQ holding the four LETTERS."""
    topic = await new_topic(prefix="syncctl", partitions=1)
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:  # new_topic's teardown deletes <topic>.dlq too
        await admin.create_topics([NewTopic(f"{topic}.dlq", 2, 1)])
    finally:
        await admin.close()
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, enable_idempotence=True)
    await producer.start()
    sent: list[Sent] = []
    now = datetime.now(UTC)
    try:
        for n, (tenant, reason, ago) in enumerate(LETTERS):
            env = envelope(f"{1000 + n}", tenant=tenant)
            delivery = Delivery(
                topic, 0, n, env.key.encode(), env.to_bytes(), [("traceparent", b"00-t-01")]
            )
            letter = dead_letter(
                delivery,
                PermanentError(f"cannot apply {tenant} #{n}", reason=reason),
                kind="permanent",
                attempts=3,
                first_failure_at=now - ago,
                failed_at=now - ago,
                consumer="orders-test",
            )
            meta = await producer.send_and_wait(
                letter.topic,
                value=letter.value,
                key=letter.key,
                headers=[(k, v.encode()) for k, v in letter.headers.items()],
            )
            sent.append(Sent(env, reason, meta.partition, meta.offset))
    finally:
        await producer.stop()
    return Dlq(topic, f"{topic}.dlq", sent)


async def _run(bootstrap: str, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = await execute(parse([*argv, "--bootstrap-servers", bootstrap]))
    return code, capsys.readouterr().out


async def _listed(bootstrap: str, capsys: pytest.CaptureFixture[str], *argv: str) -> list[str]:
    code, out = await _run(bootstrap, capsys, "dlq", "list", "--json", *argv)
    assert code == 0
    return sorted(item["key"] for item in json.loads(out))


def _keys(sent: list[Sent], *picked: int) -> list[str]:
    return sorted(sent[i].env.key for i in picked)


async def test_list_filters_by_tenant_reason_and_since(
    kafka_bootstrap: str, dlq: Dlq, capsys: pytest.CaptureFixture[str]
) -> None:
    bs, sent = kafka_bootstrap, dlq.sent
    by_topic = ("--topic", dlq.topic)  # the original topic's name finds its DLQ
    assert await _listed(bs, capsys, *by_topic) == _keys(sent, 0, 1, 2, 3)
    assert await _listed(bs, capsys, "--topic", dlq.dlq, "--tenant", "acme") == _keys(sent, 0, 1)
    assert await _listed(bs, capsys, *by_topic, "--reason", "erp_422") == _keys(sent, 1, 3)
    both = await _listed(bs, capsys, *by_topic, "--tenant", "bolt", "--reason", "erp_422")
    assert both == _keys(sent, 3)
    assert await _listed(bs, capsys, *by_topic, "--since", "1h") == _keys(sent, 0, 1, 2)
    assert await _listed(bs, capsys, *by_topic, "--tenant", "nobody") == []

    code, out = await _run(bs, capsys, "dlq", "list", *by_topic, "--tenant", "acme")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("DLQ TOPIC")
    row = next(line for line in lines if sent[0].env.key in line)
    assert dlq.dlq in row
    assert f"{sent[0].partition}:{sent[0].offset}" in row
    assert "unknown_sku" in row
    assert "cannot apply acme #0" in row
    assert lines[-1] == "2 matching record(s)"

    code, out = await _run(bs, capsys, "dlq", "list", *by_topic, "--limit", "2")
    assert "4 matching record(s) (newest 2 shown" in out
    rows = [line for line in out.splitlines() if dlq.dlq in line]
    assert [row.split()[4] for row in rows] == [sent[1].env.key, sent[2].env.key]


async def test_show_prints_headers_and_envelope(
    kafka_bootstrap: str, dlq: Dlq, capsys: pytest.CaptureFixture[str]
) -> None:
    first = dlq.sent[0]
    position = f"{first.partition}:{first.offset}"
    code, out = await _run(kafka_bootstrap, capsys, "dlq", "show", dlq.dlq, position, "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["headers"]["x-dlq-original-topic"] == dlq.topic
    assert shown["headers"]["x-dlq-error-reason"] == "unknown_sku"
    assert shown["headers"]["traceparent"] == "00-t-01"
    assert shown["envelope"]["id"] == first.env.id
    assert shown["envelope"]["payload"] == first.env.payload

    code, out = await _run(kafka_bootstrap, capsys, "dlq", "show", dlq.dlq, "1:999")
    assert code == 1


async def test_dry_run_publishes_nothing(
    kafka_bootstrap: str, dlq: Dlq, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = await _run(
        kafka_bootstrap, capsys, "dlq", "replay", "--topic", dlq.dlq, "--dry-run"
    )
    assert code == 0
    assert "would replay 4 of 4 matching record(s)" in out
    assert await read_all(kafka_bootstrap, dlq.topic, expected=1, within=2) == []


async def test_replay_puts_the_exact_record_back_and_twice_is_the_same_message(
    kafka_bootstrap: str, dlq: Dlq, capsys: pytest.CaptureFixture[str]
) -> None:
    bs = kafka_bootstrap
    code, out = await _run(bs, capsys, "dlq", "replay", "--topic", dlq.dlq, "--tenant", "acme")
    assert code == 0
    assert "replayed 2 of 2 matching record(s)" in out
    replayed = await read_all(bs, dlq.topic, expected=2)
    assert len(replayed) == 2
    acme = {s.env.key: s for s in dlq.sent[:2]}
    for record in replayed:
        original = acme[record.key.decode()]
        assert record.value == original.env.to_bytes()  # byte for byte: same envelope id
        headers = {name: value.decode() for name, value in record.headers}
        assert headers["traceparent"] == "00-t-01"
        assert headers["x-replayed-from"] == f"{dlq.dlq}:{original.partition}:{original.offset}"
        assert datetime.fromisoformat(headers["x-replayed-at"]).tzinfo is not None
        assert not [name for name in headers if name.startswith("x-dlq-")]

    third = dlq.sent[2]
    position = f"{third.partition}:{third.offset}"
    for _ in range(2):
        code, out = await _run(bs, capsys, "dlq", "replay", dlq.dlq, position)
        assert code == 0
        assert "replayed 1 of 1" in out
    records = await read_all(bs, dlq.topic, expected=4)
    again = [r for r in records if r.key == third.env.key.encode()]
    assert len(again) == 2
    ids = {Envelope.from_bytes(r.value).id for r in again}
    assert ids == {third.env.id}, "a second replay must be the same message for the inbox"


async def test_an_unknown_topic_is_an_error(
    kafka_bootstrap: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = await execute(parse(["dlq", "list", "--topic", "nope.zzz.v9"]))
    assert code == 1
    assert "no such topic" in capsys.readouterr().err
    code = await execute(parse(["dlq", "show", "nope.zzz.v9", "0:0"]))
    assert code == 1
    assert "no such topic: nope.zzz.v9.dlq" in capsys.readouterr().err

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

from syncctl.records import DlqRecord
from syncctl.replay import replay, replay_of

from tests.unit.syncctl.letters import record

AT = datetime(2026, 11, 23, 12, 30, tzinfo=UTC)


class Recorder:
    def __init__(self) -> None:
        self.sent: list[tuple[str, Any, Any, Any]] = []

    async def send(self, topic: str, value: Any = None, key: Any = None, **kwargs: Any) -> Any:
        self.sent.append((topic, key, value, kwargs["headers"]))
        ack: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        ack.set_result(None)
        return ack


async def _each(records: Sequence[DlqRecord]) -> AsyncIterator[DlqRecord]:
    for item in records:
        yield item


def test_a_replay_is_the_original_record_plus_where_it_came_from() -> None:
    letter = record(offset=7)
    planned = replay_of(letter, now=AT)
    assert planned is not None
    assert planned.topic == "shopify.orders.v1"
    assert (planned.key, planned.value) == (letter.key, letter.value)
    assert planned.headers == [
        ("traceparent", b"00-abc-01"),
        ("x-replayed-from", b"shopify.orders.v1.dlq:1:7"),
        ("x-replayed-at", AT.isoformat().encode()),
    ]


def test_a_record_replayed_before_carries_only_the_latest_provenance() -> None:
    old = (("x-replayed-from", b"shopify.orders.v1.dlq:0:1"), ("x-replayed-at", b"then"))
    planned = replay_of(record(headers=old), now=AT)
    assert planned is not None
    assert [name for name, _ in planned.headers] == ["x-replayed-from", "x-replayed-at"]
    assert planned.headers[0][1] == b"shopify.orders.v1.dlq:1:0"


async def test_replay_sends_each_and_counts_dry_runs_send_nothing() -> None:
    letters = [record(offset=0), record(offset=1, entity="2")]
    sender, out = Recorder(), io.StringIO()
    summary = await replay(_each(letters), sender, out=out)
    assert [(topic, key) for topic, key, _, _ in sender.sent] == [
        ("shopify.orders.v1", b"acme:1001"),
        ("shopify.orders.v1", b"acme:2"),
    ]
    assert summary.text(dry_run=False).splitlines() == [
        "replayed 2 of 2 matching record(s)",
        "  2 -> shopify.orders.v1",
    ]

    dry = await replay(_each(letters), None, out=out)
    assert dry.replayed == 2
    assert len(sender.sent) == 2
    assert "would replay shopify.orders.v1.dlq 1:1 -> shopify.orders.v1" in out.getvalue()


async def test_a_record_without_an_original_topic_is_skipped_and_named() -> None:
    bare = DlqRecord("x.v1.dlq", 0, 3, b"k", b"v", ())
    summary = await replay(_each([bare]), Recorder(), out=io.StringIO())
    assert (summary.matched, summary.replayed) == (1, 0)
    assert "skipped x.v1.dlq 0:3: no original-topic header" in summary.text(dry_run=False)

"""``syncctl dlq list|show|replay``: what failed, why, and putting it back."""

from __future__ import annotations

import argparse
import heapq
import json
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.errors import KafkaError
from contracts import TOPICS

from syncctl import kafka
from syncctl.errors import CliError
from syncctl.options import SUB_HELP as _SUB_HELP
from syncctl.options import add_kafka_options, add_selection_options
from syncctl.records import DlqFilter, DlqRecord, dlq_topic_for
from syncctl.render import list_item, list_table, show_document, show_text
from syncctl.replay import Progress, Summary, replay
from syncctl.timeparse import count_arg, position_arg

DEFAULT_LIMIT = 100
EPOCH = datetime.min.replace(tzinfo=UTC)


async def _topics(client: AIOKafkaConsumer, args: argparse.Namespace) -> dict[str, set[int]]:
    """The DLQ topics to read and their partitions: the named ones (which must exist) or
    every registry DLQ that exists (a DLQ topic appears with its first dead letter)."""
    existing = await kafka.partition_map(client)
    if args.topic:
        wanted = [dlq_topic_for(name) for name in args.topic]
        if missing := [name for name in wanted if name not in existing]:
            raise CliError(f"no such topic on {args.bootstrap_servers}: {', '.join(missing)}")
        return {name: existing[name] for name in wanted}
    return {t.dlq: existing[t.dlq] for t in TOPICS if t.dlq in existing}


def _filter(args: argparse.Namespace) -> DlqFilter:
    return DlqFilter(tenants=args.tenant or (), reasons=args.reason or (), since=args.since)


async def _matching(client: AIOKafkaConsumer, args: argparse.Namespace) -> AsyncIterator[DlqRecord]:
    selection = _filter(args)
    async for record in kafka.read_topics(
        client, await _topics(client, args), idle_timeout=args.timeout
    ):
        if selection.matches(record):
            yield record


async def run_list(args: argparse.Namespace) -> int:
    """The newest ``--limit`` matches (a busy DLQ holds far more than a screen), oldest
    first; only those are kept in memory, the rest are counted."""
    newest: list[tuple[tuple[datetime, str, int, int], DlqRecord]] = []
    total = 0
    async with kafka.consumer(args.bootstrap_servers, args.timeout) as client:
        async for record in _matching(client, args):
            total += 1
            rank = (record.failed_at or EPOCH, record.topic, record.partition, record.offset)
            if not args.limit or len(newest) < args.limit:
                heapq.heappush(newest, (rank, record))
            elif rank > newest[0][0]:
                heapq.heapreplace(newest, (rank, record))
    shown = [record for _, record in sorted(newest, key=lambda item: item[0])]
    if args.json:
        print(json.dumps([list_item(r) for r in shown], indent=2, ensure_ascii=False))
        return 0
    if not shown:
        print("no matching DLQ records")
        return 0
    print(list_table(shown))
    more = f" (newest {len(shown)} shown; see --limit)" if len(shown) < total else ""
    print(f"\n{total} matching record(s){more}")
    return 0


async def run_show(args: argparse.Namespace) -> int:
    partition, offset = args.position
    topic = dlq_topic_for(args.dlq_topic)
    async with kafka.consumer(args.bootstrap_servers, args.timeout) as client:
        record = await kafka.read_one(client, topic, partition, offset, wait_s=args.timeout)
    document = show_document(record, full=args.full)
    print(json.dumps(document, indent=2, ensure_ascii=False) if args.json else show_text(document))
    return 0


def check_replay(args: argparse.Namespace) -> str | None:
    """A usage problem argparse cannot see, or None."""
    if (args.dlq_topic is None) != (args.position is None):
        return "dlq replay: give both <dlq-topic> and <partition>:<offset>, or neither"
    if args.dlq_topic is not None and (args.topic or args.all or args.tenant or args.reason):
        return "dlq replay: filters do not apply when replaying one record by position"
    if args.dlq_topic is not None and args.since is not None:
        return "dlq replay: --since does not apply when replaying one record by position"
    return None


async def run_replay(args: argparse.Namespace) -> int:
    """Streams: records are republished while the DLQ is read, so memory stays flat."""
    async with AsyncExitStack() as stack:
        client = await stack.enter_async_context(
            kafka.consumer(args.bootstrap_servers, args.timeout)
        )
        sender = None
        if not args.dry_run:
            sender = await stack.enter_async_context(
                kafka.producer(args.bootstrap_servers, args.timeout)
            )
        if args.dlq_topic is not None:
            topic = dlq_topic_for(args.dlq_topic)
            one = await kafka.read_one(client, topic, *args.position, wait_s=args.timeout)
            records: AsyncIterator[DlqRecord] = _each([one])
        else:
            records = _matching(client, args)
        summary = Summary()
        try:
            await replay(records, sender, out=sys.stdout, progress=Progress(), summary=summary)
        except KafkaError as exc:
            raise CliError(
                f"replay stopped after {summary.replayed} record(s): {exc}; running it again "
                "is safe (consumers' inboxes drop what was already replayed)"
            ) from None
    print(summary.text(dry_run=args.dry_run))
    return 0


async def _each(records: Sequence[DlqRecord]) -> AsyncIterator[DlqRecord]:
    for record in records:
        yield record


def add_parser(commands: Any) -> None:
    dlq = commands.add_parser(
        "dlq",
        help="inspect and replay dead-letter topics",
        description="Dead-letter topics (<topic>.dlq) hold messages that failed for good, "
        "with headers saying why. Reading them moves no consumer group's offsets.",
    )
    sub = dlq.add_subparsers(dest="dlq_command", required=True, metavar="COMMAND", help=_SUB_HELP)

    listing = sub.add_parser(
        "list",
        help="table of dead letters, filtered",
        description="Read DLQ topics from the beginning up to their current end and print "
        "one line per matching record (oldest first per partition).",
    )
    add_kafka_options(listing)
    add_selection_options(listing)
    listing.add_argument(
        "--limit",
        type=count_arg,
        default=DEFAULT_LIMIT,
        metavar="N",
        help="print the newest N matches by failed-at (default %(default)s; 0 = all)",
    )
    listing.add_argument("--json", action="store_true", help="JSON array instead of a table")
    listing.set_defaults(run=run_list)

    show = sub.add_parser(
        "show",
        help="one dead letter: headers and envelope",
        description="Print one record's headers and envelope. Secrets are never printed; "
        "customer email, phone, names and addresses are redacted unless --full.",
    )
    show.add_argument("dlq_topic", help="DLQ topic (x.v1.dlq) or its original topic (x.v1)")
    show.add_argument("position", type=position_arg, help="<partition>:<offset>, e.g. 0:42")
    show.add_argument("--full", action="store_true", help="include customer PII (not secrets)")
    show.add_argument("--json", action="store_true", help="print one JSON document")
    add_kafka_options(show)
    show.set_defaults(run=run_show)

    again = sub.add_parser(
        "replay",
        help="republish dead letters to their original topic",
        description="Republish matching records (or one, by position) to the topic in "
        "their original-topic header with the original key, value and headers, plus "
        "x-replayed-from and x-replayed-at. The envelope id is unchanged, so consumers' "
        "inboxes treat a second replay as a duplicate. No confirmation is asked: use "
        "--dry-run first.",
    )
    again.add_argument("dlq_topic", nargs="?", help="replay one record: its DLQ topic")
    again.add_argument(
        "position", nargs="?", type=position_arg, help="... and <partition>:<offset>"
    )
    add_selection_options(again)
    again.add_argument("--dry-run", action="store_true", help="list what would be replayed")
    add_kafka_options(again)
    again.set_defaults(run=run_replay, check=check_replay)

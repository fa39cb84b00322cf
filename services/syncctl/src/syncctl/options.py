"""Options several commands share, so they are spelled and explained the same way."""

from __future__ import annotations

import argparse
import os

from syncctl.timeparse import since_arg

DEFAULT_BOOTSTRAP = "127.0.0.1:9092"
SUB_HELP = "run 'COMMAND --help' for its options"


def add_kafka_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("Kafka")
    group.add_argument(
        "--bootstrap-servers",
        default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", DEFAULT_BOOTSTRAP),
        metavar="HOST:PORT",
        help="Kafka to talk to (default: $KAFKA_BOOTSTRAP_SERVERS, else %(default)s)",
    )
    group.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="give up when Kafka does not answer within this long (default: %(default)s)",
    )


def add_selection_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("which records")
    where = group.add_mutually_exclusive_group()
    where.add_argument(
        "--topic",
        action="append",
        metavar="T",
        help="a DLQ topic (x.v1.dlq) or its original topic (x.v1), any name; repeatable",
    )
    where.add_argument(
        "--all",
        action="store_true",
        help="every DLQ of the topic registry that exists (the default)",
    )
    group.add_argument("--tenant", action="append", help="only this tenant; repeatable")
    group.add_argument(
        "--reason",
        action="append",
        help="only this error-reason header (unknown_sku, erp_422...); repeatable",
    )
    group.add_argument(
        "--since",
        type=since_arg,
        metavar="WHEN",
        help="failed at or after WHEN: a duration back from now (90s, 30m, 2h, 1d) "
        "or an ISO-8601 timestamp (UTC when it has no zone)",
    )

"""Entry point of ``syncctl``: parse, run one command, map failures to exit codes.

Exit codes: 0 ok, 1 an error with a message (Kafka unreachable, a service said no),
2 a usage error (argparse's own, naming the bad value).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence

from syncctl import dlq, reconcile, webhooks
from syncctl.errors import CliError
from syncctl.options import SUB_HELP as _SUB_HELP

EXIT_OK, EXIT_ERROR, EXIT_USAGE = 0, 1, 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="syncctl",
        description="Support and operator tool for shopsync: inspect and replay "
        "dead letters, reconcile orders, register Shopify webhooks.",
        epilog="Every command has --help. Exit codes: 0 ok, 1 error, 2 usage.",
    )
    commands = parser.add_subparsers(
        dest="command", required=True, metavar="COMMAND", help=_SUB_HELP
    )
    dlq.add_parser(commands)
    reconcile.add_parser(commands)
    webhooks.add_parser(commands)
    return parser


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Parsed arguments; SystemExit(2) with argparse's message on a usage error."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if (check := getattr(args, "check", None)) is not None and (problem := check(args)):
        parser.error(problem)
    return args


async def execute(args: argparse.Namespace) -> int:
    """Run the parsed command; a CliError becomes one line on stderr and exit 1."""
    try:
        code: int = await args.run(args)
    except CliError as exc:
        print(f"syncctl: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = parse(argv)
    # aiokafka logs each failed connection attempt; the one error line below says it all.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    try:
        return asyncio.run(execute(args))
    except KeyboardInterrupt:
        print("syncctl: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `syncctl dlq list | head`: the reader left, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK

"""``--since`` values: a duration back from now (90s, 30m, 2h, 1d) or an ISO timestamp.

Support people type durations; scripts pass timestamps. A timestamp without a zone is
read as UTC, so the same command means the same thing on every machine.
"""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime, timedelta

_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$", re.IGNORECASE)
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_since(value: str, *, now: datetime | None = None) -> datetime:
    """The aware UTC instant ``value`` names; ValueError naming the value otherwise."""
    if match := _DURATION.match(value):
        amount, unit = int(match.group(1)), match.group(2).lower()
        if amount == 0:
            msg = f"invalid --since {value!r}: a duration must be more than zero"
            raise ValueError(msg)
        return (now or datetime.now(UTC)) - timedelta(**{_UNITS[unit]: amount})
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        msg = (
            f"invalid --since {value!r}: expected a duration like 90s, 30m, 2h, 1d "
            "or an ISO-8601 timestamp like 2026-11-23T10:00:00Z"
        )
        raise ValueError(msg) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def since_arg(value: str) -> datetime:
    """argparse ``type=``: a bad value is a usage error (exit 2) that names it."""
    try:
        return parse_since(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def position_arg(value: str) -> tuple[int, int]:
    """argparse ``type=`` for '<partition>:<offset>' ('2:1041')."""
    partition, sep, offset = value.partition(":")
    if not sep or not partition.isdigit() or not offset.isdigit():
        msg = f"invalid position {value!r}: expected <partition>:<offset>, e.g. 0:42"
        raise argparse.ArgumentTypeError(msg)
    return int(partition), int(offset)


def count_arg(value: str) -> int:
    if not value.isdigit():
        msg = f"invalid number {value!r}: expected a whole number, 0 or more"
        raise argparse.ArgumentTypeError(msg)
    return int(value)

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta

import pytest
from syncctl.timeparse import count_arg, parse_since, position_arg, since_arg

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "back"),
    [
        ("90s", timedelta(seconds=90)),
        ("30m", timedelta(minutes=30)),
        ("2h", timedelta(hours=2)),
        ("1d", timedelta(days=1)),
        ("2W", timedelta(weeks=2)),
        (" 5 m ", timedelta(minutes=5)),
    ],
)
def test_durations_count_back_from_now(text: str, back: timedelta) -> None:
    assert parse_since(text, now=NOW) == NOW - back


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2026-11-23T10:00:00Z", datetime(2026, 11, 23, 10, tzinfo=UTC)),
        ("2026-11-23T11:00:00+01:00", datetime(2026, 11, 23, 10, tzinfo=UTC)),
        ("2026-11-23T10:00:00", datetime(2026, 11, 23, 10, tzinfo=UTC)),  # naive = UTC
        ("2026-11-23", datetime(2026, 11, 23, tzinfo=UTC)),
    ],
)
def test_iso_timestamps_become_aware_utc(text: str, moment: datetime) -> None:
    parsed = parse_since(text, now=NOW)
    assert parsed == moment
    assert parsed.tzinfo is UTC


@pytest.mark.parametrize("bad", ["2x", "yesterday", "", "-2h", "0m", "2026-13-01"])
def test_bad_values_are_named_in_the_error(bad: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=repr(bad).replace("(", r"\(")):
        since_arg(bad)


def test_positions_and_counts() -> None:
    assert position_arg("2:1041") == (2, 1041)
    for bad in ("2", "a:1", "1:", ":3", "1:-2"):
        with pytest.raises(argparse.ArgumentTypeError, match="partition"):
            position_arg(bad)
    assert count_arg("5") == 5
    assert count_arg("0") == 0
    with pytest.raises(argparse.ArgumentTypeError, match="'many'"):
        count_arg("many")

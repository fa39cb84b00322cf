"""The one failure ``syncctl`` reports as exit code 1: a message for a person, no traceback."""

from __future__ import annotations


class CliError(Exception):
    """Something outside the command line went wrong (Kafka down, a 404, a bad record)."""

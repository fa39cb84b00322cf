"""Entry point of ``syncctl`` (filled in by the commands)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="syncctl")
    parser.parse_args(argv)
    return 0

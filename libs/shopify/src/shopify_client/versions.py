"""Which Admin API version the client speaks, and why it is pinned.

Shopify ships a stable version every quarter (YYYY-01/04/07/10) and supports each for at
least 12 months. A request naming a version that has aged out is not refused: it "falls
forward" to the oldest supported version, so a stale pin silently changes behaviour (in
2026-04 ``changeFromQuantity`` became mandatory on every ``inventorySetQuantities``
quantity). We pin a supported version, move it on purpose, and refuse versions older than
the semantics our documents are written for.
"""

from __future__ import annotations

import re

# Supported in November 2026: 2025-10 (ending) through 2026-10.
DEFAULT_API_VERSION = "2026-10"
# Our documents use ``@idempotent(key:)`` and ``changeFromQuantity`` (2026-01); 2025-10
# rejects the directive as undefined.
MIN_API_VERSION = "2026-01"

_VERSION = re.compile(r"^(\d{4})-(01|04|07|10)$")


def check_api_version(version: str) -> str:
    """Return ``version`` if our documents can run on it; raise ValueError otherwise."""
    if not _VERSION.match(version):
        msg = f"API version {version!r} is not a stable Shopify version (YYYY-01/04/07/10)"
        raise ValueError(msg)
    if version < MIN_API_VERSION:
        msg = (
            f"API version {version} predates {MIN_API_VERSION}: it lacks @idempotent and "
            "changeFromQuantity, which the inventory documents rely on"
        )
        raise ValueError(msg)
    return version

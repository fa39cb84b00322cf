"""Which failures are worth retrying.

Transient: the same call may succeed later (network, 5xx, throttling, database down).
Permanent: it never will until someone changes data or configuration (validation,
unmapped SKU, currency mismatch); those go to the DLQ at once, with a readable reason.
An exception we do not recognise is treated as permanent: retrying a bug only delays the
DLQ entry support needs to see, and a replay after the fix is always possible.
"""

from __future__ import annotations

import asyncio
from typing import Literal

import asyncpg
import httpx
import pydantic

ErrorKind = Literal["transient", "permanent"]


class TransientError(Exception):
    """Retrying later may succeed."""


class PermanentError(Exception):
    """Retrying cannot succeed; ``reason`` is a short code support can filter on."""

    def __init__(self, message: str, *, reason: str = "permanent") -> None:
        super().__init__(message)
        self.reason = reason


_TRANSIENT: tuple[type[BaseException], ...] = (
    TransientError,
    ConnectionError,
    TimeoutError,
    asyncio.TimeoutError,
    OSError,
    httpx.TransportError,
    asyncpg.PostgresConnectionError,
    asyncpg.TooManyConnectionsError,
    asyncpg.CannotConnectNowError,
    asyncpg.SerializationError,
    asyncpg.DeadlockDetectedError,
    asyncpg.InterfaceError,
)
_PERMANENT: tuple[type[BaseException], ...] = (PermanentError, pydantic.ValidationError)


def classify(exc: BaseException) -> ErrorKind:
    if isinstance(exc, _PERMANENT):
        return "permanent"
    if isinstance(exc, _TRANSIENT):
        return "transient"
    flagged = getattr(exc, "transient", None)
    if isinstance(flagged, bool):  # clients that know (shopify_client's errors) say so
        return "transient" if flagged else "permanent"
    if isinstance(exc, httpx.HTTPStatusError):
        status = exc.response.status_code
        return "transient" if status == 429 or status >= 500 else "permanent"
    return "permanent"


def error_reason(exc: BaseException) -> str:
    """A short, stable label for metrics and DLQ filters."""
    if isinstance(exc, PermanentError):
        return exc.reason
    return type(exc).__name__

"""Signing and verifying the change events an ERP posts to the gateway.

The signature is a hex HMAC-SHA256 over ``f"{timestamp}." + body`` with the tenant's
secret. The timestamp is signed too and must be recent, so a captured request cannot be
replayed later; two secrets are accepted while a tenant rotates. Errors carry a short
message fit for a log line and never the secret or the expected signature.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

SIGNATURE_HEADER = "X-ERP-Signature"
TIMESTAMP_HEADER = "X-ERP-Timestamp"
DEFAULT_TOLERANCE_S = 300
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")
_SIGNATURE_LENGTH = hashlib.sha256().digest_size * 2


class EventSignatureError(Exception):
    """The request is not proven to come from the tenant's ERP: answer 401, never publish."""


class SignatureMissing(EventSignatureError):
    pass


class SignatureMalformed(EventSignatureError):
    pass


class TimestampOutsideWindow(EventSignatureError):
    pass


class SignatureMismatch(EventSignatureError):
    pass


def sign(body: bytes, secret: str, timestamp: int) -> str:
    """The value of ``X-ERP-Signature`` for ``body`` sent at ``timestamp`` (Unix seconds)."""
    message = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def verify_event_signature(
    body: bytes,
    signature: str | None,
    timestamp: str | None,
    secrets: Sequence[str],
    *,
    now: float,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
) -> None:
    """Return when ``signature`` signs ``timestamp`` and the raw ``body`` with one of
    ``secrets`` and the timestamp is within ``tolerance_s`` of ``now``; raise otherwise."""
    if not signature:
        raise SignatureMissing(f"{SIGNATURE_HEADER} header is missing")
    if not timestamp:
        raise SignatureMissing(f"{TIMESTAMP_HEADER} header is missing")
    signature = signature.strip()
    if len(signature) != _SIGNATURE_LENGTH or not set(signature) <= _HEX_DIGITS:
        raise SignatureMalformed(f"{SIGNATURE_HEADER} is not a hex HMAC-SHA256")
    stripped = timestamp.strip()
    if not stripped.isascii() or not stripped.isdigit():
        raise SignatureMalformed(f"{TIMESTAMP_HEADER} is not an integer of Unix seconds")
    sent_at = int(stripped)
    if abs(now - sent_at) > tolerance_s:
        raise TimestampOutsideWindow(
            f"{TIMESTAMP_HEADER} is more than {tolerance_s} s away from the receiver's clock"
        )
    if not secrets:
        raise SignatureMismatch("no secret is configured for this tenant")
    given = signature.lower().encode()
    # Compare against every secret (no early exit), each in constant time.
    matched = False
    for secret in secrets:
        expected = sign(body, secret, sent_at).encode()
        matched |= hmac.compare_digest(expected, given)
    if not matched:
        raise SignatureMismatch(f"{SIGNATURE_HEADER} does not match the body")
